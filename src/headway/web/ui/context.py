"""What every web page gets: the signed-in person's session, CSRF checks, and rendering."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.datastructures import FormData

from headway.domain import permissions
from headway.domain.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from headway.domain.model import Period
from headway.domain.periods import period_to_show
from headway.reports.formatting import FILTERS, status_label
from headway.services.access.sessions import caller_for_session
from headway.services.periods.periods import list_periods
from headway.services.reads.dashboard import report_of
from headway.services.reads.reports import PeriodReport
from headway.web.deps import Api, new_uow

SESSION_COOKIE = "headway_session"
ALL_ROWS = 100_000  # pages list every row of a kind; the API pages them
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# Script requests ask for the changed part of a page only, not the whole page.
FRAGMENT_HEADER = "X-Headway-Fragment"

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters.update(FILTERS)


def _option(value: object, label: object, selected: str = "") -> str:
    return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'


class Choices:
    """A select's options rendered once, for pickers a page shows several times (every
    person of a large company, in each key result's form): each select then marks its own
    chosen one in the rendered text instead of rendering thousands of options again."""

    def __init__(self, options: Iterable[tuple[object, object]]) -> None:
        pairs = list(options)
        self._values = {str(value) for value, _ in pairs}
        self._html = "".join(_option(value, label) for value, label in pairs)

    def tags(self, chosen: str) -> Markup:
        if chosen not in self._values:
            return Markup(self._html)  # noqa: S704 - every value and label was escaped
        plain = f'<option value="{escape(chosen)}">'
        picked = f'<option value="{escape(chosen)}" selected>'
        return Markup(self._html.replace(plain, picked, 1))  # noqa: S704 - escaped above


def option_tags(options: Choices | Iterable[tuple[object, object]], chosen: object) -> Markup:
    """A select's options, the one whose value is `chosen` selected: one join, not a template
    loop, as a picker of every person in a large company holds thousands of them."""
    picked = str(chosen)
    if isinstance(options, Choices):
        return options.tags(picked)
    return Markup(  # noqa: S704 - every value and label is escaped
        "".join(
            _option(value, label, " selected" if str(value) == picked else "")
            for value, label in options
        )
    )


templates.env.filters["option_tags"] = option_tags
templates.env.globals["status_label"] = status_label


class SignInRequired(DomainError):
    """A page needs a signed-in person and the request has no live session."""


class CsrfRefused(DomainError):
    """A form or script request came without this session's CSRF token."""


@dataclass(slots=True)
class Page(Api):
    """A page request's context: what an API request has, plus the session's CSRF token."""

    request: Request
    csrf_token: str

    @property
    def actor(self) -> permissions.Actor | None:
        person = self.caller.person
        return permissions.Actor.of(person, self.workspace.id) if person else None

    @property
    def wants_fragment(self) -> bool:
        return self.request.headers.get(FRAGMENT_HEADER) == "1"

    @property
    def is_admin(self) -> bool:
        actor = self.actor
        return actor is not None and permissions.can_admin(actor)

    def period_id_to_show(self, period_id: int | None, as_of: date | None) -> int | None:
        """The period asked for, else the current one, else the latest begun (see the domain)."""
        if period_id is not None:
            return period_id
        records = list_periods(self.uow, self.workspace, after_id=0, limit=ALL_ROWS)
        shown = period_to_show((r.period for r in records), as_of or self.today())
        if shown is None:
            raise NotFound(f"{self.workspace.name} has no period yet")
        return shown.id

    def period_report(self, period_id: int | None, as_of: date | None = None) -> PeriodReport:
        """The report of the period with this id, else of the one to show, as of a date."""
        return report_of(
            self.uow,
            self.workspace,
            period_id=self.period_id_to_show(period_id, as_of),
            as_of=as_of,
            thresholds=self.thresholds,
            clock=self.clock,
            warm=self.warm,
        )

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """The template with what every page shows: who is signed in, the CSRF token."""
        values = {
            "me": self.caller.person,
            "workspace": self.workspace,
            "csrf_token": self.csrf_token,
            "path": self.request.url.path,
            **context,
        }
        return templates.TemplateResponse(self.request, template, values, status_code=status_code)


def page_context(request: Request) -> Page:
    """The signed-in person's page context; SignInRequired without a live session."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired("sign in to see this page")
    uow = new_uow(request)
    clock = request.app.state.clock
    try:
        session = caller_for_session(uow, token, clock=clock)
    except NotFound:
        raise SignInRequired("your session is over: sign in again") from None
    return Page(
        uow=uow,
        caller=session.caller,
        workspace=session.workspace,
        clock=clock,
        settings=request.app.state.settings,
        warm=request.app.state.warm_reports,
        request=request,
        csrf_token=session.csrf_token,
    )


PageContext = Annotated[Page, Depends(page_context)]


async def checked_form(request: Request, page: PageContext) -> FormData:
    """The posted form, once its CSRF token (field or header) matches the session's."""
    form = await request.form()
    sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not secrets.compare_digest(sent, page.csrf_token):
        raise CsrfRefused("the form is out of date or was not sent from Headway: reload the page")
    return form


Form = Annotated[FormData, Depends(checked_form)]


def in_calendar_order(periods: Iterable[Period]) -> list[Period]:
    """Periods by start date, as a period picker lists them."""
    return sorted(periods, key=lambda p: (p.start_date, p.id))


def sign_in_url(next_path: str) -> str:
    """The sign-in page, coming back to `next_path` afterwards."""
    return "/login?next=" + quote(next_path, safe="/")


def field_errors(problems: list[FieldProblem]) -> dict[str, str]:
    """Messages by form field: the last part of each problem's path (`value`, `confidence`)."""
    errors: dict[str, str] = {}
    for p in problems:
        name = p.field.rsplit(".", 1)[-1] or "form"
        errors[name] = f"{errors[name]}; {p.message}" if name in errors else p.message
    return errors


def typed_values(form: Mapping[str, Any]) -> dict[str, str]:
    """What was typed into a form, to show it again beside the errors."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}


def refusal(exc: ValidationFailed | Conflict | PermissionDenied) -> dict[str, str]:
    """A refused write as form errors: by field, or for the whole form (`form`)."""
    if isinstance(exc, ValidationFailed):
        return field_errors(exc.problems) or {"form": str(exc)}
    return {"form": str(exc)}
