"""/api/v1/units: the organisation tree."""

from __future__ import annotations

from fastapi import APIRouter, status

from headway.domain.model import UnitKind
from headway.schemas.paging import Page
from headway.schemas.people import UnitOut
from headway.services.access import units as service
from headway.web.deps import ApiContext
from headway.web.inputs import Body, Id, RowId, changes_of
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(prefix="/units", tags=["units"], route_class=JsonRoute)


class UnitIn(Body):
    name: str
    kind: UnitKind
    parent_id: Id | None = None


class UnitPatch(Body):
    name: str | None = None
    kind: UnitKind | None = None
    parent_id: Id | None = None


@router.get("")
def list_units(
    api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[UnitOut]:
    """Units of the workspace, by id."""
    rows = service.list_units(api.uow, api.workspace, after_id=decode_cursor(cursor), limit=limit)
    return page(rows, limit, lambda u: u.id, UnitOut.of)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_unit(body: UnitIn, api: ApiContext) -> UnitOut:
    """Add a unit (admins)."""
    unit = service.create_unit(
        api.uow,
        api.workspace,
        name=body.name,
        kind=body.kind,
        parent_id=body.parent_id,
        caller=api.caller,
        clock=api.clock,
    )
    return UnitOut.of(unit)


@router.get("/{unit_id}")
def get_unit(unit_id: RowId, api: ApiContext) -> UnitOut:
    return UnitOut.of(service.get_unit(api.uow, api.workspace, unit_id))


@router.patch("/{unit_id}")
def update_unit(unit_id: RowId, body: UnitPatch, api: ApiContext) -> UnitOut:
    """Rename or move a unit (admins)."""
    unit = service.update_unit(
        api.uow, api.workspace, unit_id, changes_of(body), caller=api.caller, clock=api.clock
    )
    return UnitOut.of(unit)


@router.delete("/{unit_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_unit(unit_id: RowId, api: ApiContext) -> None:
    """Remove a unit that owns nothing (admins)."""
    service.delete_unit(api.uow, api.workspace, unit_id, caller=api.caller, clock=api.clock)
