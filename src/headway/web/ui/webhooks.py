"""/webhooks: an admin's outgoing webhooks, each with its recent deliveries; made (the secret
shown once) and deleted from the browser."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain.errors import ValidationFailed
from headway.domain.webhooks import WebhookEvent
from headway.services.webhooks.webhooks import (
    create_webhook,
    delete_webhook,
    webhooks_with_recent_deliveries,
)
from headway.web.inputs import RowId
from headway.web.ui.context import Form, Page, PageContext, refusal, typed_values
from headway.web.ui.forms import FormReader

router = APIRouter(include_in_schema=False)

EVENTS = [e.value for e in WebhookEvent]


def _page(page: Page, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    hooks = webhooks_with_recent_deliveries(page.uow, page.workspace, caller=page.caller)
    defaults: dict[str, Any] = {"errors": {}, "typed": {}, "checked": [], "new_secret": None}
    return page.render(
        "webhooks.html",
        status_code=status_code,
        hooks=hooks,
        events=EVENTS,
        **(defaults | context),
    )


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks_page(page: PageContext) -> Response:
    return _page(page)


@router.post("/webhooks")
def create(page: PageContext, form: Form) -> Response:
    """Add a webhook; the page shows its secret this once."""
    reader = FormReader(form)
    events = [e for e in form.getlist("events") if isinstance(e, str)]
    secret = reader.secret("secret")
    try:
        hook, made_secret = create_webhook(
            page.uow,
            page.workspace,
            url=reader.text("url"),
            events=events,
            secret=secret or None,  # none typed: Headway makes one
            caller=page.caller,
            clock=page.clock,
        )
    except ValidationFailed as exc:
        errors = refusal(exc)
        for field in [f for f in errors if f.startswith("events[")]:  # one checkbox group
            errors.setdefault("events", errors.pop(field))
        typed = {k: v for k, v in typed_values(form).items() if k != "secret"}
        return _page(page, status_code=422, errors=errors, typed=typed, checked=events)
    response = _page(page, status_code=201, new_secret=made_secret, new_url=hook.url)
    response.headers["Cache-Control"] = "no-store"  # the secret must not linger in a cache
    return response


@router.post("/webhooks/{webhook_id}/delete")
def delete(webhook_id: RowId, page: PageContext, _form: Form) -> Response:
    delete_webhook(page.uow, page.workspace, webhook_id, caller=page.caller, clock=page.clock)
    return RedirectResponse("/webhooks", status_code=303)
