"""/api/v1 key results, with their check-ins and initiatives."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import Strict

from headway.domain.model import Initiative, InitiativeStatus, KeyResult, KeyResultKind
from headway.schemas.okrs import CheckInOut, InitiativeOut, KeyResultOut
from headway.schemas.paging import Page
from headway.services.okrs import checkins, initiatives, key_results
from headway.services.reads import queries
from headway.web.deps import ApiContext, AsOfQuery
from headway.web.inputs import Body, Day, Id, Number, RowId, changes_of
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(tags=["key results"], route_class=JsonRoute)


class KeyResultIn(Body):
    title: str
    kind: KeyResultKind
    unit_label: str = ""
    start_value: Number | None = None
    target_value: Number | None = None
    weight: Number = 1.0
    owner_id: Id | None = None
    kpi_id: Id | None = None
    due_date: Day | None = None


class KeyResultPatch(Body):
    objective_id: Id | None = None
    title: str | None = None
    kind: KeyResultKind | None = None
    unit_label: str | None = None
    start_value: Number | None = None
    target_value: Number | None = None
    weight: Number | None = None
    owner_id: Id | None = None
    kpi_id: Id | None = None
    due_date: Day | None = None


class CheckInIn(Body):
    value: Number
    confidence: Annotated[int, Strict()] | None = None
    note: str = ""
    effective_date: Day | None = None


class InitiativeIn(Body):
    title: str
    status: InitiativeStatus = InitiativeStatus.PLANNED
    owner_id: Id | None = None
    due_date: Day | None = None
    link: str = ""


class InitiativePatch(Body):
    title: str | None = None
    status: InitiativeStatus | None = None
    owner_id: Id | None = None
    due_date: Day | None = None
    link: str | None = None


def key_result_read(api: ApiContext, key_result_id: int, as_of: date | None = None) -> KeyResultOut:
    """The key result's read shape, figures as of `as_of` (default today in the workspace)."""
    read = queries.get_key_result(
        api.uow,
        api.workspace,
        key_result_id,
        as_of=as_of or api.today(),
        thresholds=api.thresholds,
    )
    return KeyResultOut.of(read.key_result, read.figures)


@router.post("/objectives/{objective_id}/key-results", status_code=status.HTTP_201_CREATED)
def create_key_result(objective_id: RowId, body: KeyResultIn, api: ApiContext) -> KeyResultOut:
    """Add a key result to an objective, after its others."""
    draft = KeyResult(id=0, objective_id=objective_id, **body.model_dump())
    kr = key_results.create_key_result(
        api.uow, api.workspace, objective_id, draft, caller=api.caller, clock=api.clock
    )
    return key_result_read(api, kr.id)


@router.get("/key-results/{key_result_id}")
def get_key_result(key_result_id: RowId, api: ApiContext, as_of: AsOfQuery = None) -> KeyResultOut:
    """One key result with its figures as of a date."""
    return key_result_read(api, key_result_id, as_of)


@router.patch("/key-results/{key_result_id}")
def update_key_result(key_result_id: RowId, body: KeyResultPatch, api: ApiContext) -> KeyResultOut:
    """Change a key result; its kind, start, target and weight are validated together."""
    key_results.update_key_result(
        api.uow, api.workspace, key_result_id, changes_of(body), caller=api.caller, clock=api.clock
    )
    return key_result_read(api, key_result_id)


@router.delete("/key-results/{key_result_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_key_result(key_result_id: RowId, api: ApiContext) -> None:
    """Remove a key result with its check-ins and initiatives."""
    key_results.delete_key_result(
        api.uow, api.workspace, key_result_id, caller=api.caller, clock=api.clock
    )


@router.get("/key-results/{key_result_id}/check-ins")
def list_check_ins(
    key_result_id: RowId, api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[CheckInOut]:
    """A key result's check-ins in recording order."""
    rows = checkins.list_check_ins(
        api.uow, api.workspace, key_result_id, after_id=decode_cursor(cursor), limit=limit
    )
    return page(rows, limit, lambda c: c.id, CheckInOut.of)


@router.post("/key-results/{key_result_id}/check-ins", status_code=status.HTTP_201_CREATED)
def create_check_in(key_result_id: RowId, body: CheckInIn, api: ApiContext) -> CheckInOut:
    """Record one check-in, by the caller, dated today unless `effective_date` says otherwise."""
    check_in_id = checkins.record_check_in(
        api.uow,
        api.workspace,
        key_result_id,
        value=body.value,
        confidence=body.confidence,
        note=body.note,
        effective_date=body.effective_date,
        caller=api.caller,
        clock=api.clock,
    )
    return CheckInOut.of(checkins.get_check_in(api.uow, api.workspace, check_in_id))


@router.get("/key-results/{key_result_id}/initiatives")
def list_initiatives(
    key_result_id: RowId, api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[InitiativeOut]:
    """A key result's initiatives, by id."""
    rows = initiatives.list_initiatives(
        api.uow, api.workspace, key_result_id, after_id=decode_cursor(cursor), limit=limit
    )
    return page(rows, limit, lambda i: i.id, InitiativeOut.of)


@router.post("/key-results/{key_result_id}/initiatives", status_code=status.HTTP_201_CREATED)
def create_initiative(key_result_id: RowId, body: InitiativeIn, api: ApiContext) -> InitiativeOut:
    """Plan an initiative for a key result."""
    draft = Initiative(id=0, key_result_id=key_result_id, **body.model_dump())
    initiative = initiatives.create_initiative(
        api.uow, api.workspace, key_result_id, draft, caller=api.caller, clock=api.clock
    )
    return InitiativeOut.of(initiative)


@router.patch("/initiatives/{initiative_id}")
def update_initiative(
    initiative_id: RowId, body: InitiativePatch, api: ApiContext
) -> InitiativeOut:
    """Change an initiative: its owner, or whoever may write its key result."""
    initiative = initiatives.update_initiative(
        api.uow, api.workspace, initiative_id, changes_of(body), caller=api.caller, clock=api.clock
    )
    return InitiativeOut.of(initiative)


@router.delete("/initiatives/{initiative_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_initiative(initiative_id: RowId, api: ApiContext) -> None:
    """Remove an initiative."""
    initiatives.delete_initiative(
        api.uow, api.workspace, initiative_id, caller=api.caller, clock=api.clock
    )
