"""My account: who I am here, and changing my own password."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.services.access.notifications import own_notifications, set_own_notifications
from headway.services.access.sessions import change_own_password
from headway.services.access.units import list_units
from headway.web.ui.context import ALL_ROWS, SESSION_COOKIE, Form, Page, PageContext, refusal
from headway.web.ui.forms import FormReader

router = APIRouter(include_in_schema=False)


def _page(page: Page, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    units = {u.id: u for u in list_units(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)}
    notifications = own_notifications(page.uow, page.workspace, caller=page.caller)
    return page.render(
        "account.html",
        status_code=status_code,
        units=units,
        notifications=notifications,
        **{"errors": {}, "notice": None, **context},
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(page: PageContext) -> Response:
    return _page(page)


@router.post("/account/password")
def change_password(page: PageContext, form: Form) -> Response:
    """Change my password (the current one first); my other sessions end."""
    read = FormReader(form)
    new = read.secret("new_password")
    try:
        if new != read.secret("repeat_password"):
            raise ValidationFailed([FieldProblem("repeat_password", "does not match")])
        change_own_password(
            page.uow,
            page.workspace,
            session_token=page.request.cookies[SESSION_COOKIE],
            current=read.secret("current_password"),
            new=new,
            caller=page.caller,
            clock=page.clock,
        )
    except ValidationFailed as exc:
        return _page(page, status_code=422, errors=refusal(exc))
    return _page(page, notice="Your password is changed; your other sessions have ended.")


@router.post("/account/notifications")
def change_notifications(page: PageContext, form: Form) -> Response:
    """Turn my weekly check-in digest and KPI alerts on or off (a box left unticked: off)."""
    set_own_notifications(
        page.uow,
        page.workspace,
        digest="digest" in form,
        kpi_alerts="kpi_alerts" in form,
        caller=page.caller,
        clock=page.clock,
    )
    return _page(page, notice="Your e-mail choices are saved.")
