"""Writing KPIs from the browser: a new KPI, and changing or deleting one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain.errors import Conflict, FieldProblem, PermissionDenied, ValidationFailed
from headway.domain.model import Aggregation, Cadence, Direction, Kpi
from headway.services.kpis.kpis import create_kpi, delete_kpi, update_kpi
from headway.web.inputs import RowId
from headway.web.ui.context import Form, Page, PageContext, refusal, typed_values
from headway.web.ui.forms import FormReader
from headway.web.ui.kpis import CHOICES, kpi_form_context, render_kpi, view_of

router = APIRouter(include_in_schema=False)


def _fields(read: FormReader) -> dict[str, Any]:
    """A KPI's fields from its form; unreadable ones become problems of `read`."""
    values: dict[str, Any] = {
        "name": read.text("name"),
        "description": read.text("description"),
        "category": read.text("category"),
        "unit_label": read.text("unit_label"),
        "owner_unit_id": read.integer("owner_unit_id"),
        "owner_id": read.integer("owner_id"),
    }
    for name in ("target", "target_low", "target_high", "warning", "min_value", "max_value"):
        values[name] = read.number(name, required=False)
    for name, allowed in CHOICES.items():
        values[name] = read.choice(name, allowed)
    if values["owner_unit_id"] is None:
        read.problems.append(FieldProblem("owner_unit_id", "is required"))
    read.check()
    return values


def _new_page(page: Page, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    return page.render(
        "kpi_new.html",
        status_code=status_code,
        **kpi_form_context(page),
        **{"errors": {}, "typed": {}, **context},
    )


@router.get("/kpis/new", response_class=HTMLResponse)
def new_kpi_page(page: PageContext) -> Response:
    person = page.caller.person
    typed = {"owner_unit_id": str(person.unit_ids[0])} if person and person.unit_ids else {}
    return _new_page(page, typed=typed)


@router.post("/kpis/new")
def add_kpi(page: PageContext, form: Form) -> Response:
    """Add a KPI owned by a unit of one's own (admins: any unit)."""
    try:
        fields = _fields(FormReader(form))
        draft = Kpi(
            id=0,
            **fields
            | {
                "direction": Direction(fields["direction"]),
                "cadence": Cadence(fields["cadence"]),
                "aggregation": Aggregation(fields["aggregation"]),
            },
        )
        reading = create_kpi(page.uow, page.workspace, draft, caller=page.caller, clock=page.clock)
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        return _new_page(page, status_code=422, errors=refusal(exc), typed=typed_values(form))
    return RedirectResponse(f"/kpis/{reading.kpis[0].id}", status_code=303)


@router.post("/kpis/{kpi_id}/edit")
def edit_kpi(kpi_id: RowId, page: PageContext, form: Form) -> Response:
    """Change a KPI's definition, or delete it with its measurements."""
    read = FormReader(form)
    try:
        if read.text("action") == "delete":
            delete_kpi(page.uow, page.workspace, kpi_id, caller=page.caller, clock=page.clock)
            return RedirectResponse("/kpis", status_code=303)
        update_kpi(
            page.uow, page.workspace, kpi_id, _fields(read), caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        return render_kpi(
            page,
            view_of(page, kpi_id),
            status_code=422,
            edit_errors=refusal(exc),
            edit_typed=typed_values(form),
        )
    return RedirectResponse(f"/kpis/{kpi_id}", status_code=303)
