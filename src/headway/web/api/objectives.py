"""/api/v1/objectives: objectives with their key results and figures, "as of" a date."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import Field

from headway.domain.model import Objective, ObjectiveState, ObjectiveType, Status
from headway.schemas.okrs import ObjectiveOut
from headway.schemas.paging import Page
from headway.services.okrs import objectives as okrs
from headway.services.reads import queries
from headway.web.deps import ApiContext, AsOfQuery
from headway.web.inputs import Body, FilterId, Id, RowId, changes_of
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(prefix="/objectives", tags=["objectives"], route_class=JsonRoute)


_CONTRIBUTES_TO = "Further objectives of the same period this one also serves (cross-team work)."
_CONTRIBUTES_TO_KEY_RESULTS = (
    "Rollup key results of the same period this objective also serves: it counts in their figure."
)


class ObjectiveIn(Body):
    title: str
    description: str = ""
    period_id: Id
    owner_unit_id: Id | None = None
    owner_id: Id | None = None
    parent_id: Id | None = None
    parent_key_result_id: Id | None = None
    type: ObjectiveType = ObjectiveType.COMMITTED
    state: ObjectiveState = ObjectiveState.ACTIVE
    contributes_to: Annotated[list[Id], Field(description=_CONTRIBUTES_TO)] = []
    contributes_to_key_results: Annotated[
        list[Id], Field(description=_CONTRIBUTES_TO_KEY_RESULTS)
    ] = []


class ObjectivePatch(Body):
    title: str | None = None
    description: str | None = None
    period_id: Id | None = None
    owner_unit_id: Id | None = None
    owner_id: Id | None = None
    parent_id: Id | None = None
    parent_key_result_id: Id | None = None
    type: ObjectiveType | None = None
    state: ObjectiveState | None = None
    contributes_to: Annotated[
        list[Id] | None, Field(description=_CONTRIBUTES_TO + " Replaces the set; null clears it.")
    ] = None
    contributes_to_key_results: Annotated[
        list[Id] | None,
        Field(description=_CONTRIBUTES_TO_KEY_RESULTS + " Replaces the set; null clears it."),
    ] = None


def objective_read(api: ApiContext, objective_id: int, as_of: date | None = None) -> ObjectiveOut:
    """The objective's read shape, figures as of `as_of` (default today in the workspace)."""
    read = queries.get_objective(
        api.uow,
        api.workspace,
        objective_id,
        as_of=as_of or api.today(),
        thresholds=api.thresholds,
    )
    return ObjectiveOut.of(read.objective, read.key_results, read.figures)


@router.get("")
def list_objectives(
    api: ApiContext,
    period: Annotated[FilterId | None, Query(description="Only this period's objectives.")] = None,
    unit: Annotated[FilterId | None, Query(description="Only objectives this unit owns.")] = None,
    owner: Annotated[
        FilterId | None, Query(description="Only objectives this person owns.")
    ] = None,
    status_filter: Annotated[
        Status | None, Query(alias="status", description="Only objectives with this status.")
    ] = None,
    as_of: AsOfQuery = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ObjectiveOut]:
    """Objectives of the workspace by id, key results embedded, with figures as of a date."""
    reads = queries.list_objectives(
        api.uow,
        api.workspace,
        period_id=period,
        unit_id=unit,
        owner_id=owner,
        status=status_filter,
        as_of=as_of or api.today(),
        thresholds=api.thresholds,
        after_id=decode_cursor(cursor),
        limit=limit,
    )
    return page(
        reads,
        limit,
        lambda r: r.objective.id,
        lambda r: ObjectiveOut.of(r.objective, r.key_results, r.figures),
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_objective(body: ObjectiveIn, api: ApiContext) -> ObjectiveOut:
    """Add an objective to an open period (members: for their units or themselves)."""
    fields = body.model_dump()
    draft = Objective(
        id=0,
        **fields
        | {
            "contributes_to": tuple(body.contributes_to),
            "contributes_to_key_results": tuple(body.contributes_to_key_results),
        },
    )
    objective = okrs.create_objective(
        api.uow, api.workspace, draft, caller=api.caller, clock=api.clock
    )
    return objective_read(api, objective.id)


@router.get("/{objective_id}")
def get_objective(objective_id: RowId, api: ApiContext, as_of: AsOfQuery = None) -> ObjectiveOut:
    """One objective, key results embedded, with figures as of a date."""
    return objective_read(api, objective_id, as_of)


@router.patch("/{objective_id}")
def update_objective(objective_id: RowId, body: ObjectivePatch, api: ApiContext) -> ObjectiveOut:
    """Change an objective; a null clears an optional field."""
    okrs.update_objective(
        api.uow, api.workspace, objective_id, changes_of(body), caller=api.caller, clock=api.clock
    )
    return objective_read(api, objective_id)


@router.delete("/{objective_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_objective(objective_id: RowId, api: ApiContext) -> None:
    """Remove an objective with its key results, check-ins and initiatives."""
    okrs.delete_objective(api.uow, api.workspace, objective_id, caller=api.caller, clock=api.clock)
