"""The objective page: key results with charts, check-ins, initiatives and alignment."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.domain.model import (
    Initiative,
    InitiativeStatus,
    KeyResultKind,
)
from headway.services.okrs.checkins import record_check_in
from headway.services.okrs.initiatives import create_initiative, update_initiative
from headway.services.reads.objective_view import (
    ObjectiveView,
    check_initiative_of,
    check_key_result_of,
    objective_view,
    rights_on,
)
from headway.web.inputs import Day, RowId
from headway.web.ui.charts import check_in_series, key_result_chart
from headway.web.ui.context import Choices, Form, Page, PageContext, field_errors, typed_values
from headway.web.ui.forms import FormReader

router = APIRouter(include_in_schema=False)

STATUSES = [s.value for s in InitiativeStatus]


def view_of(page: Page, objective_id: int, as_of: date | None = None) -> ObjectiveView:
    return objective_view(
        page.uow,
        page.workspace,
        objective_id,
        as_of=as_of,
        thresholds=page.thresholds,
        clock=page.clock,
        warm=page.warm,
    )


def _series(view: ObjectiveView, kr_id: int) -> list[tuple[date, float]]:
    kr = next(k for k in view.key_results if k.id == kr_id)
    if kr.kpi_id is not None:
        return list(view.report.figures.kpis[kr.kpi_id].series)
    return check_in_series(view.check_ins[kr.id])


def render_objective(
    page: Page,
    view: ObjectiveView,
    *,
    status_code: int = 200,
    errors: dict[str, dict[int, dict[str, str]]] | None = None,
    typed: dict[str, dict[int, dict[str, str]]] | None = None,
    notice: str | None = None,
    edit_links: list[str] | None = None,
    **forms: dict[str, str],
) -> HTMLResponse:
    """The page, or only its body when a script asked for the changed part."""
    report = view.report
    objective = view.objective
    people = report.data.people
    charts = {
        kr.id: key_result_chart(kr, report.period, _series(view, kr.id), report.as_of)
        for kr in view.key_results
    }
    context: dict[str, Any] = {
        "view": view,
        "report": report,
        "o": objective,
        "of": report.figures.objectives[objective.id],
        "f": report.figures,
        "people": people,
        "units": report.data.units,
        "charts": charts,
        "rights": rights_on(view, page.caller.person, page.workspace.id),
        "statuses": STATUSES,
        "kr_errors": (errors or {}).get("key-result", {}),
        "kr_typed": (typed or {}).get("key-result", {}),
        "kinds": [k.value for k in KeyResultKind],
        "owner_options": Choices(
            [("", "(none)")]
            + [(p.id, p.name) for p in sorted(people.values(), key=lambda p: p.name.lower())]
        ),
        "all_kpis": sorted(report.data.kpis, key=lambda k: k.name.lower()),
        "forms": {
            name: forms.get(name, {})
            for name in ("new_kr_errors", "new_kr_typed", "edit_errors", "edit_typed")
        },
        "errors": (errors or {}).get("check-in", {}),
        "typed": (typed or {}).get("check-in", {}),
        "plan_errors": (errors or {}).get("plan", {}),
        "plan_typed": (typed or {}).get("plan", {}),
        "initiative_errors": (errors or {}).get("initiative", {}),
        "notice": notice,
        "current_links": [f"o:{i}" for i in objective.contributes_to]
        + [f"kr:{i}" for i in objective.contributes_to_key_results],
    }
    context["forms"]["edit_links"] = edit_links
    template = "objective_body.html" if page.wants_fragment else "objective.html"
    return page.render(template, status_code=status_code, **context)


@router.get("/objectives/{objective_id}", response_class=HTMLResponse)
def objective_page(objective_id: RowId, page: PageContext, as_of: Day | None = None) -> Response:
    return render_objective(page, view_of(page, objective_id, as_of))


def _after_write(page: Page, objective_id: int, anchor: str, notice: str) -> Response:
    if page.wants_fragment:
        return render_objective(page, view_of(page, objective_id), notice=notice)
    return RedirectResponse(f"/objectives/{objective_id}#{anchor}", status_code=303)


def _refused(
    page: Page, objective_id: int, problems: list[FieldProblem], form: Form, *, at: str, row: int
) -> Response:
    """The page again with the refused form's errors beside its fields and its input kept.

    `at` names which form it was (check-in, plan, initiative) and `row` its key result or
    initiative, so each form shows only its own errors.
    """
    return render_objective(
        page,
        view_of(page, objective_id),
        status_code=422,
        errors={at: {row: field_errors(problems) or {"form": "invalid input"}}},
        typed={at: {row: typed_values(form)}},
    )


@router.post("/objectives/{objective_id}/key-results/{kr_id}/check-ins")
def check_in(objective_id: RowId, kr_id: RowId, page: PageContext, form: Form) -> Response:
    """Record a check-in from the form (Value, Confidence, Note)."""
    read = FormReader(form)
    value = read.number("value")
    confidence = read.integer("confidence")
    note = read.text("note")
    try:
        read.check()
        assert value is not None  # noqa: S101 - read.check() refused a missing value
        record_check_in(
            page.uow,
            page.workspace,
            kr_id,
            value=value,
            confidence=confidence,
            note=note,
            objective_id=objective_id,
            caller=page.caller,
            clock=page.clock,
        )
    except ValidationFailed as exc:
        return _refused(page, objective_id, exc.problems, form, at="check-in", row=kr_id)
    return _after_write(page, objective_id, f"kr-{kr_id}", "Check-in saved.")


@router.post("/objectives/{objective_id}/key-results/{kr_id}/initiatives")
def plan_initiative(objective_id: RowId, kr_id: RowId, page: PageContext, form: Form) -> Response:
    """Add an initiative to a key result (the period is computed once, for the answer only)."""
    check_key_result_of(page.uow, page.workspace, objective_id, kr_id)
    read = FormReader(form)
    due = read.day("due_date")
    status = read.choice("status", STATUSES, default=InitiativeStatus.PLANNED.value)
    try:
        read.check()
        draft = Initiative(
            id=0, title=read.text("title"), status=InitiativeStatus(status), due_date=due
        )
        create_initiative(
            page.uow, page.workspace, kr_id, draft, caller=page.caller, clock=page.clock
        )
    except ValidationFailed as exc:
        return _refused(page, objective_id, exc.problems, form, at="plan", row=kr_id)
    return _after_write(page, objective_id, f"kr-{kr_id}", "Initiative added.")


@router.post("/objectives/{objective_id}/initiatives/{initiative_id}")
def change_initiative(
    objective_id: RowId, initiative_id: RowId, page: PageContext, form: Form
) -> Response:
    """Change an initiative's status (the period is computed once, for the answer only)."""
    check_initiative_of(page.uow, page.workspace, objective_id, initiative_id)
    read = FormReader(form)
    status = read.choice("status", STATUSES)
    try:
        read.check()
        update_initiative(
            page.uow,
            page.workspace,
            initiative_id,
            {"status": status},
            caller=page.caller,
            clock=page.clock,
        )
    except ValidationFailed as exc:
        return _refused(page, objective_id, exc.problems, form, at="initiative", row=initiative_id)
    return _after_write(page, objective_id, f"initiative-{initiative_id}", "Initiative saved.")
