"""/api/v1/kpis/{id}/ingest-tokens and /api/v1/ingest-tokens: a KPI's ingest tokens, made and
revoked by those who may write the KPI. A new token is shown once, in the answer."""

from __future__ import annotations

from fastapi import APIRouter, status

from headway.schemas.kpis import IngestTokenOut, NewIngestTokenOut
from headway.schemas.paging import Page
from headway.services.kpis import ingest_tokens as service
from headway.web.deps import ApiContext
from headway.web.inputs import Body, RowId
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(tags=["kpis"], route_class=JsonRoute)


class IngestTokenIn(Body):
    name: str | None = None


@router.get("/kpis/{kpi_id}/ingest-tokens")
def list_ingest_tokens(
    kpi_id: RowId, api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[IngestTokenOut]:
    """The KPI's ingest tokens, revoked ones included, by id; never the tokens themselves."""
    rows = service.list_ingest_tokens(
        api.uow,
        api.workspace,
        kpi_id,
        caller=api.caller,
        after_id=decode_cursor(cursor),
        limit=limit,
    )
    return page(rows, limit, lambda tok: tok.id, IngestTokenOut.of)


@router.post("/kpis/{kpi_id}/ingest-tokens", status_code=status.HTTP_201_CREATED)
def create_ingest_token(
    kpi_id: RowId, api: ApiContext, body: IngestTokenIn | None = None
) -> NewIngestTokenOut:
    """Make an ingest token for the KPI; `token` is in this answer only (just its hash is
    kept). It may read and record this KPI's measurements, and nothing else."""
    info, token = service.create_ingest_token(
        api.uow,
        api.workspace,
        kpi_id,
        name=None if body is None else body.name,
        caller=api.caller,
        clock=api.clock,
    )
    return NewIngestTokenOut.created(info, token)


@router.delete("/ingest-tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_ingest_token(token_id: RowId, api: ApiContext) -> None:
    """Revoke an ingest token: it gets 401 afterwards. Revoking twice is a no-op."""
    service.revoke_ingest_token(
        api.uow, api.workspace, token_id, caller=api.caller, clock=api.clock
    )
