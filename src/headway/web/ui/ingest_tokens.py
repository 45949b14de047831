"""A KPI's ingest tokens on its page: made (shown once) and revoked from the browser."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from headway.domain.errors import ValidationFailed
from headway.services.kpis.ingest_tokens import create_ingest_token, revoke_ingest_token
from headway.web.inputs import RowId
from headway.web.ui.context import Form, PageContext, refusal, typed_values
from headway.web.ui.forms import FormReader
from headway.web.ui.kpis import render_kpi, view_of

router = APIRouter(include_in_schema=False)


@router.post("/kpis/{kpi_id}/ingest-tokens")
def create(kpi_id: RowId, page: PageContext, form: Form) -> Response:
    """Make an ingest token for the KPI; its page shows the token this once."""
    try:
        info, token = create_ingest_token(
            page.uow,
            page.workspace,
            kpi_id,
            name=FormReader(form).text("name") or None,  # none typed: the default name
            caller=page.caller,
            clock=page.clock,
        )
    except ValidationFailed as exc:
        return render_kpi(
            page,
            view_of(page, kpi_id),
            status_code=422,
            ingest_errors=refusal(exc),
            ingest_typed=typed_values(form),
        )
    response = render_kpi(
        page,
        view_of(page, kpi_id),
        status_code=201,
        new_ingest_token=token,
        new_ingest_token_name=info.name,
    )
    response.headers["Cache-Control"] = "no-store"  # the token must not linger in a cache
    return response


@router.post("/ingest-tokens/{token_id}/revoke")
def revoke(token_id: RowId, page: PageContext, _form: Form) -> Response:
    """Revoke an ingest token; back to its KPI's page."""
    token = revoke_ingest_token(
        page.uow, page.workspace, token_id, caller=page.caller, clock=page.clock
    )
    return RedirectResponse(f"/kpis/{token.kpi_id}#ingest-tokens", status_code=303)
