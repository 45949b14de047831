"""My tokens: personal API tokens, created (shown once) and revoked from the browser."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain.errors import ValidationFailed
from headway.services.access.api_tokens import create_own_token, list_own_tokens, revoke_token
from headway.web.inputs import RowId
from headway.web.ui.context import ALL_ROWS, Form, Page, PageContext, refusal, typed_values
from headway.web.ui.forms import FormReader

router = APIRouter(include_in_schema=False)


def _page(page: Page, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    tokens = list_own_tokens(
        page.uow, page.workspace, caller=page.caller, after_id=0, limit=ALL_ROWS
    )
    return page.render(
        "tokens.html",
        status_code=status_code,
        tokens=sorted(tokens, key=lambda t: t.id, reverse=True),
        **{"errors": {}, "typed": {}, "new_token": None, **context},
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(page: PageContext) -> Response:
    return _page(page)


@router.post("/tokens")
def create(page: PageContext, form: Form) -> Response:
    """Create a token for oneself; the page shows it this once."""
    try:
        info, token = create_own_token(
            page.uow,
            page.workspace,
            name=FormReader(form).text("name"),
            caller=page.caller,
            clock=page.clock,
        )
    except ValidationFailed as exc:
        return _page(page, status_code=422, errors=refusal(exc), typed=typed_values(form))
    response = _page(page, status_code=201, new_token=token, new_token_name=info.name)
    response.headers["Cache-Control"] = "no-store"  # the token must not linger in a cache
    return response


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: RowId, page: PageContext, _form: Form) -> Response:
    revoke_token(page.uow, page.workspace, token_id, caller=page.caller, clock=page.clock)
    return RedirectResponse("/tokens", status_code=303)
