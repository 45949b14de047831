"""/api/v1/periods: planning periods, their retrospective notes, and closing one."""

from __future__ import annotations

from fastapi import APIRouter, status

from headway.domain.model import PeriodKind, PeriodState
from headway.schemas.paging import Page
from headway.schemas.periods import PeriodRecordOut
from headway.services.periods import periods as service
from headway.web.deps import ApiContext
from headway.web.inputs import Body, Day, RowId, changes_of
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(prefix="/periods", tags=["periods"], route_class=JsonRoute)


class RetroNotes(Body):
    """What worked, what didn't, what next: writable even once the period is closed."""

    retro_worked: str | None = None
    retro_didnt: str | None = None
    retro_next: str | None = None


class PeriodIn(RetroNotes):
    name: str
    kind: PeriodKind
    start_date: Day
    end_date: Day
    state: PeriodState = PeriodState.PLANNING


class PeriodPatch(RetroNotes):
    name: str | None = None
    kind: PeriodKind | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    state: PeriodState | None = None


@router.get("")
def list_periods(
    api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[PeriodRecordOut]:
    """Periods of the workspace, by id (a closed period's grades come with `GET /periods/{id}`)."""
    rows = service.list_periods(api.uow, api.workspace, after_id=decode_cursor(cursor), limit=limit)
    return page(rows, limit, lambda r: r.period.id, PeriodRecordOut.of_record)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_period(body: PeriodIn, api: ApiContext) -> PeriodRecordOut:
    """Add a period (admins); state planning (default) or active — closing is its own step."""
    record = service.create_period(
        api.uow,
        api.workspace,
        name=body.name,
        kind=body.kind,
        start_date=body.start_date,
        end_date=body.end_date,
        state=body.state,
        retro=body.model_dump(include=set(service.RETRO_FIELDS)),
        caller=api.caller,
        clock=api.clock,
    )
    return PeriodRecordOut.of_record(record)


@router.get("/{period_id}")
def get_period(period_id: RowId, api: ApiContext) -> PeriodRecordOut:
    """A period with its notes; once closed, with the `grades` frozen at closing."""
    return PeriodRecordOut.of_record(service.get_period(api.uow, api.workspace, period_id))


@router.patch("/{period_id}")
def update_period(period_id: RowId, body: PeriodPatch, api: ApiContext) -> PeriodRecordOut:
    """Change a period (admins). A closed period takes only its retrospective notes (else 409)."""
    record = service.update_period(
        api.uow, api.workspace, period_id, changes_of(body), caller=api.caller, clock=api.clock
    )
    return PeriodRecordOut.of_record(record)


@router.post("/{period_id}/close")
def close_period(
    period_id: RowId, api: ApiContext, body: RetroNotes | None = None
) -> PeriodRecordOut:
    """Close a period (admins): grade its objectives and key results as of its end (or today,
    if sooner), close its objectives, and keep the retrospective notes sent along."""
    record = service.close_period(
        api.uow,
        api.workspace,
        period_id,
        retro=changes_of(body) if body is not None else None,
        thresholds=api.thresholds,
        caller=api.caller,
        clock=api.clock,
    )
    return PeriodRecordOut.of_record(record)
