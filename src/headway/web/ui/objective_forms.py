"""Writing OKRs from the browser: a new objective, its key results, editing and deleting it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain.errors import (
    Conflict,
    FieldProblem,
    PermissionDenied,
    ValidationFailed,
)
from headway.domain.model import KeyResult, KeyResultKind, Objective, ObjectiveState, ObjectiveType
from headway.domain.units import depth_first
from headway.services.okrs.key_results import (
    create_key_result,
    delete_key_result,
    update_key_result,
)
from headway.services.okrs.objectives import create_objective, delete_objective, update_objective
from headway.services.reads.objective_view import check_key_result_of, link_choices
from headway.web.inputs import MAX_ID, RowId
from headway.web.ui.context import (
    Form,
    Page,
    PageContext,
    in_calendar_order,
    refusal,
    typed_values,
)
from headway.web.ui.forms import FormReader
from headway.web.ui.objectives import render_objective, view_of

router = APIRouter(include_in_schema=False)

TYPES = [t.value for t in ObjectiveType]
KINDS = [k.value for k in KeyResultKind]
EDITABLE_STATES = [ObjectiveState.DRAFT.value, ObjectiveState.ACTIVE.value]


def _alignment(read: FormReader) -> tuple[int | None, int | None]:
    """`o:ID` aligns under an objective, `kr:ID` under a key result, empty under nothing."""
    text = read.text("aligned_under")
    kind, _, number = text.partition(":")
    if not text:
        return None, None
    if kind in ("o", "kr") and number.isdigit() and int(number) <= MAX_ID:
        return (int(number), None) if kind == "o" else (None, int(number))
    read.problems.append(FieldProblem("aligned_under", "choose an objective or key result"))
    return None, None


def _links(form: Form, read: FormReader) -> tuple[tuple[int, ...], tuple[int, ...], list[str]]:
    """What the "Also contributes to" select chose: objective ids, key result ids, and the
    values as posted (to show them again)."""
    chosen = [v for v in form.getlist("contributes_to") if isinstance(v, str)]
    objectives: list[int] = []
    key_results: list[int] = []
    for value in chosen:
        kind, _, number = value.partition(":")
        if kind in ("o", "kr") and number.isdigit() and 0 < int(number) <= MAX_ID:
            (objectives if kind == "o" else key_results).append(int(number))
        else:
            read.problems.append(FieldProblem("contributes_to", "choose objectives or key results"))
            break
    return tuple(objectives), tuple(key_results), chosen


def _link_errors(errors: dict[str, str]) -> dict[str, str]:
    """The form's errors with those of each chosen link (`contributes_to[1]`,
    `contributes_to_key_results[0]`) shown once, beside the select."""
    merged: dict[str, str] = {}
    for name, message in errors.items():
        key = "contributes_to" if name.startswith("contributes_to") else name
        merged[key] = f"{merged[key]}; {message}" if key in merged else message
    return merged


def _new_page(
    page: Page, period_id: int | None, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    report = page.period_report(period_id)
    data = report.data
    key_results: dict[int, list[KeyResult]] = {}
    for kr in data.key_results:
        key_results.setdefault(kr.objective_id, []).append(kr)
    return page.render(
        "objective_new.html",
        status_code=status_code,
        report=report,
        periods=[p for p in in_calendar_order(data.periods.values()) if p.state.value != "closed"],
        tree=depth_first(data.units.values()),
        people=sorted(data.people.values(), key=lambda p: p.name.lower()),
        objectives=report.objectives(),
        key_results=key_results,
        link_choices=link_choices(None, report.objectives(), data.key_results),
        types=TYPES,
        **{"errors": {}, "typed": {}, "chosen_links": [], **context},
    )


@router.get("/objectives/new", response_class=HTMLResponse)
def new_objective_page(
    page: PageContext,
    period: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    unit: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    typed = {"owner_unit_id": str(unit)} if unit else {}
    return _new_page(page, period, typed=typed)


@router.post("/objectives/new")
def add_objective(page: PageContext, form: Form) -> Response:
    """Add an objective (members: for their units or themselves)."""
    read = FormReader(form)
    period_id = read.integer("period_id")
    parent_id, parent_kr_id = _alignment(read)
    objective_type = read.choice("type", TYPES, default=ObjectiveType.COMMITTED.value)
    serves, serves_krs, chosen = _links(form, read)
    try:
        if period_id is None:
            read.problems.append(FieldProblem("period_id", "is required"))
        read.check()
        assert period_id is not None  # noqa: S101 - checked above
        draft = Objective(
            id=0,
            title=read.text("title"),
            description=read.text("description"),
            period_id=period_id,
            owner_unit_id=read.integer("owner_unit_id"),
            owner_id=read.integer("owner_id"),
            parent_id=parent_id,
            parent_key_result_id=parent_kr_id,
            type=ObjectiveType(objective_type),
            contributes_to=serves,
            contributes_to_key_results=serves_krs,
        )
        objective = create_objective(
            page.uow, page.workspace, draft, caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        return _new_page(
            page,
            period_id,
            status_code=422,
            errors=_link_errors(refusal(exc)),
            typed=typed_values(form),
            chosen_links=chosen,
        )
    return RedirectResponse(f"/objectives/{objective.id}", status_code=303)


def _key_result_fields(read: FormReader) -> dict[str, Any]:
    """A key result's fields from its form, numbers read, the weight 1 when left empty."""
    weight = read.number("weight", required=False)
    return {
        "title": read.text("title"),
        "unit_label": read.text("unit_label"),
        "start_value": read.number("start_value", required=False),
        "target_value": read.number("target_value", required=False),
        "weight": 1.0 if weight is None else weight,
        "owner_id": read.integer("owner_id"),
        "due_date": read.day("due_date"),
    }


@router.post("/objectives/{objective_id}/key-results")
def add_key_result(objective_id: RowId, page: PageContext, form: Form) -> Response:
    """Add a key result to the objective."""
    read = FormReader(form)
    kind = read.choice("kind", KINDS, default=KeyResultKind.METRIC.value)
    fields = _key_result_fields(read)
    try:
        read.check()
        draft = KeyResult(
            id=0,
            objective_id=objective_id,
            kind=KeyResultKind(kind),
            kpi_id=read.integer("kpi_id"),
            **fields,
        )
        kr = create_key_result(
            page.uow, page.workspace, objective_id, draft, caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict) as exc:
        return render_objective(
            page,
            view_of(page, objective_id),
            status_code=422,
            new_kr_errors=refusal(exc),
            new_kr_typed=typed_values(form),
        )
    return RedirectResponse(f"/objectives/{objective_id}#kr-{kr.id}", status_code=303)


@router.post("/objectives/{objective_id}/key-results/{kr_id}/edit")
def edit_key_result(objective_id: RowId, kr_id: RowId, page: PageContext, form: Form) -> Response:
    """Change a key result's title, figures, weight and owner, or delete it (the period is
    computed only to show a refused form again)."""
    kr = check_key_result_of(page.uow, page.workspace, objective_id, kr_id)
    read = FormReader(form)
    try:
        if read.text("action") == "delete":
            delete_key_result(page.uow, page.workspace, kr_id, caller=page.caller, clock=page.clock)
            return RedirectResponse(f"/objectives/{objective_id}", status_code=303)
        changes = _key_result_fields(read)
        if kr.kind is not KeyResultKind.METRIC:  # only metrics have a start, target and unit
            for name in ("start_value", "target_value", "unit_label"):
                changes.pop(name)
        read.check()
        update_key_result(
            page.uow, page.workspace, kr_id, changes, caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict) as exc:
        return render_objective(
            page,
            view_of(page, objective_id),
            status_code=422,
            errors={"key-result": {kr_id: refusal(exc)}},
            typed={"key-result": {kr_id: typed_values(form)}},
        )
    return RedirectResponse(f"/objectives/{objective_id}#kr-{kr_id}", status_code=303)


@router.post("/objectives/{objective_id}/edit")
def edit_objective(objective_id: RowId, page: PageContext, form: Form) -> Response:
    """Change the objective's title, description, type and state, or delete it."""
    read = FormReader(form)
    try:
        if read.text("action") == "delete":
            delete_objective(
                page.uow, page.workspace, objective_id, caller=page.caller, clock=page.clock
            )
            return RedirectResponse("/", status_code=303)
        changes: dict[str, Any] = {
            "title": read.text("title"),
            "description": read.text("description"),
            "type": read.choice("type", TYPES, default=ObjectiveType.COMMITTED.value),
            "state": read.choice("state", EDITABLE_STATES, default=ObjectiveState.ACTIVE.value),
        }
        if read.text("contributes_to_shown"):  # the form shows the select: none chosen clears
            serves, serves_krs, chosen = _links(form, read)
            changes |= {"contributes_to": serves, "contributes_to_key_results": serves_krs}
        read.check()
        update_objective(
            page.uow, page.workspace, objective_id, changes, caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict) as exc:
        return render_objective(
            page,
            view_of(page, objective_id),
            status_code=422,
            edit_errors=_link_errors(refusal(exc)),
            edit_typed=typed_values(form),
            edit_links=[v for v in form.getlist("contributes_to") if isinstance(v, str)],
        )
    return RedirectResponse(f"/objectives/{objective_id}", status_code=303)
