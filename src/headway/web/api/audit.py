"""/api/v1/audit: the workspace's audit log (admins), newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from headway.domain.model import AuditFilter
from headway.schemas.audit import AuditEventOut
from headway.schemas.paging import Page
from headway.services.reads import audit_log as service
from headway.web.deps import ApiContext
from headway.web.inputs import FilterId
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(prefix="/audit", tags=["audit"], route_class=JsonRoute)


@router.get("")
def list_audit_events(
    api: ApiContext,
    subject_type: Annotated[
        str | None, Query(description="Only events about rows of this kind (e.g. `person`).")
    ] = None,
    subject_id: Annotated[FilterId | None, Query(description="Only events about this row.")] = None,
    actor_id: Annotated[FilterId | None, Query(description="Only what this person did.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[AuditEventOut]:
    """Who did what to which row, with the values before and after (admins).

    Newest first, by id: `next_cursor` continues with older events, and events written
    meanwhile never shift a page.
    """
    rows = service.list_audit_events(
        api.uow,
        api.workspace,
        caller=api.caller,
        before_id=decode_cursor(cursor) if cursor is not None else None,
        limit=limit,
        only=AuditFilter(subject_type=subject_type, subject_id=subject_id, actor_id=actor_id),
    )
    return page(rows, limit, lambda e: e.id, AuditEventOut.of)
