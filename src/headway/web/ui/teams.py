"""Units: the organisation tree (edited by admins) and a page per team."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain.errors import Conflict, NotFound, ValidationFailed
from headway.domain.model import UnitKind
from headway.domain.units import depth_first
from headway.services.access.people import list_people
from headway.services.access.units import create_unit, delete_unit, list_units, update_unit
from headway.web.inputs import MAX_ID, Day, RowId
from headway.web.ui.context import (
    ALL_ROWS,
    Form,
    Page,
    PageContext,
    in_calendar_order,
    refusal,
    typed_values,
)
from headway.web.ui.forms import FormReader

router = APIRouter(include_in_schema=False)

KINDS = [k.value for k in UnitKind]


def _units_page(page: Page, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    units = list_units(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)
    people = list_people(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)
    members = {u.id: sum(1 for p in people if u.id in p.unit_ids) for u in units}
    return page.render(
        "units.html",
        status_code=status_code,
        tree=depth_first(units),
        members=members,
        is_admin=page.is_admin,
        kinds=KINDS,
        **{"errors": {}, "typed": {}, "unit_errors": {}, **context},
    )


@router.get("/units", response_class=HTMLResponse)
def units_page(page: PageContext) -> Response:
    return _units_page(page)


def _kind_and_parent(read: FormReader) -> tuple[str, int | None]:
    return read.choice("kind", KINDS), read.integer("parent_id")


@router.post("/units")
def add_unit(page: PageContext, form: Form) -> Response:
    """Add a unit to the tree (admins)."""
    read = FormReader(form)
    kind, parent_id = _kind_and_parent(read)
    try:
        read.check()
        unit = create_unit(
            page.uow,
            page.workspace,
            name=read.text("name"),
            kind=UnitKind(kind),
            parent_id=parent_id,
            caller=page.caller,
            clock=page.clock,
        )
    except (ValidationFailed, Conflict) as exc:
        return _units_page(page, status_code=422, errors=refusal(exc), typed=typed_values(form))
    return RedirectResponse(f"/units#unit-{unit.id}", status_code=303)


@router.post("/units/{unit_id}")
def change_unit(unit_id: RowId, page: PageContext, form: Form) -> Response:
    """Rename or move a unit, or delete it (admins)."""
    read = FormReader(form)
    try:
        if read.text("action") == "delete":
            delete_unit(page.uow, page.workspace, unit_id, caller=page.caller, clock=page.clock)
            return RedirectResponse("/units", status_code=303)
        kind, parent_id = _kind_and_parent(read)
        read.check()
        changes = {"name": read.text("name"), "kind": kind, "parent_id": parent_id}
        update_unit(
            page.uow, page.workspace, unit_id, changes, caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict) as exc:
        return _units_page(
            page,
            status_code=422,
            unit_errors={unit_id: refusal(exc)},
            typed={f"{unit_id}:{k}": v for k, v in typed_values(form).items()},
        )
    return RedirectResponse(f"/units#unit-{unit_id}", status_code=303)


@router.get("/units/{unit_id}", response_class=HTMLResponse)
def team_page(
    unit_id: RowId,
    page: PageContext,
    period: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    as_of: Day | None = None,
) -> Response:
    """A unit's objectives of the period, its KPIs, its people and the units below it."""
    report = page.period_report(period, as_of)
    units = report.data.units
    unit = units.get(unit_id)
    if unit is None:
        raise NotFound(f"unit {unit_id} does not exist")
    return page.render(
        "team.html",
        unit=unit,
        parent=units.get(unit.parent_id) if unit.parent_id else None,
        below=sorted((u for u in units.values() if u.parent_id == unit.id), key=lambda u: u.name),
        objectives=[o for o in report.objectives() if o.owner_unit_id == unit.id],
        kpis=[k for k in report.data.kpis if k.owner_unit_id == unit.id],
        people=[p for p in report.data.people.values() if unit.id in p.unit_ids],
        report=report,
        f=report.figures,
        periods=in_calendar_order(report.data.periods.values()),
    )
