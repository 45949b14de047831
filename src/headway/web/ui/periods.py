"""Periods: planning them, closing them with retrospective notes, and their grades."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain.errors import Conflict, FieldProblem, ValidationFailed
from headway.domain.model import PeriodKind, PeriodState
from headway.domain.scoring import GREEN_FROM, YELLOW_FROM
from headway.reports import ReportFormat, render, report_view
from headway.services.periods.periods import (
    RETRO_FIELDS,
    close_period,
    create_period,
    get_period,
    list_periods,
    update_period,
)
from headway.web.inputs import Day, RowId
from headway.web.ui.context import ALL_ROWS, Form, Page, PageContext, refusal, typed_values
from headway.web.ui.forms import FormReader

router = APIRouter(include_in_schema=False)

KINDS = [k.value for k in PeriodKind]
PLANNABLE = [PeriodState.PLANNING.value, PeriodState.ACTIVE.value]


def _list(page: Page, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    records = list_periods(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)
    periods = sorted((r.period for r in records), key=lambda p: (p.start_date, p.id), reverse=True)
    return page.render(
        "periods.html",
        status_code=status_code,
        periods=periods,
        is_admin=page.is_admin,
        kinds=KINDS,
        states=PLANNABLE,
        **{"errors": {}, "typed": {}, **context},
    )


@router.get("/periods", response_class=HTMLResponse)
def periods_page(page: PageContext) -> Response:
    return _list(page)


def _plan(read: FormReader) -> dict[str, Any]:
    """A period's plan from its form: name, kind, dates and state, each read or refused."""
    start, end = read.day("start_date"), read.day("end_date")
    kind = read.choice("kind", KINDS)
    state = read.choice("state", PLANNABLE, default=PeriodState.PLANNING.value)
    for name, day in (("start_date", start), ("end_date", end)):
        if day is None and not any(p.field == name for p in read.problems):
            read.problems.append(FieldProblem(name, "is required"))
    read.check()
    return {
        "name": read.text("name"),
        "kind": PeriodKind(kind),
        "start_date": start,
        "end_date": end,
        "state": PeriodState(state),
    }


@router.post("/periods")
def plan_period(page: PageContext, form: Form) -> Response:
    """Add a period (admins)."""
    try:
        plan = _plan(FormReader(form))
        record = create_period(
            page.uow, page.workspace, **plan, caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict) as exc:
        return _list(page, status_code=422, errors=refusal(exc), typed=typed_values(form))
    return RedirectResponse(f"/periods/{record.period.id}", status_code=303)


@router.post("/periods/{period_id}/plan")
def replan_period(period_id: RowId, page: PageContext, form: Form) -> Response:
    """Rename, re-date or start an open period (admins)."""
    try:
        plan = _plan(FormReader(form))
        changes = {k: getattr(v, "value", v) for k, v in plan.items()}
        update_period(
            page.uow, page.workspace, period_id, changes, caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict) as exc:
        return _detail(
            page,
            period_id,
            status_code=422,
            plan_errors=refusal(exc),
            plan_typed=typed_values(form),
        )
    return RedirectResponse(f"/periods/{period_id}", status_code=303)


def _detail(page: Page, period_id: int, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    record = get_period(page.uow, page.workspace, period_id)
    period = record.period
    report = page.period_report(period.id, min(period.end_date, page.today()))
    key_results: dict[int, list[Any]] = {}
    for kr in report.data.key_results:
        key_results.setdefault(kr.objective_id, []).append(kr)
    grades = {(g.objective_id, g.key_result_id): g for g in record.grades or []}
    return page.render(
        "period.html",
        status_code=status_code,
        record=record,
        p=period,
        report=report,
        objectives=report.objectives(),
        key_results=key_results,
        grades=grades,
        is_admin=page.is_admin,
        retro_fields=RETRO_FIELDS,
        green_from=GREEN_FROM,
        yellow_from=YELLOW_FROM,
        kinds=KINDS,
        states=PLANNABLE,
        **{"errors": {}, "typed": {}, "plan_errors": {}, "plan_typed": {}, **context},
    )


@router.get("/periods/{period_id}", response_class=HTMLResponse)
def period_page(period_id: RowId, page: PageContext) -> Response:
    return _detail(page, period_id)


def _retro(form: Form) -> dict[str, str]:
    read = FormReader(form)
    return {name: read.text(name) for name in RETRO_FIELDS}


@router.get("/periods/{period_id}/report", response_class=HTMLResponse)
def report_page(period_id: RowId, page: PageContext, as_of: Day | None = None) -> Response:
    """The period report as a standalone page to print or send (the API's `format=html`)."""
    report = page.period_report(period_id, as_of)
    return HTMLResponse(render(report_view(report), ReportFormat.HTML))


@router.post("/periods/{period_id}/close")
def close(period_id: RowId, page: PageContext, form: Form) -> Response:
    """Grade the period's OKRs and close it, with the retrospective notes (admins)."""
    try:
        if FormReader(form).text("confirm") != "yes":
            raise ValidationFailed(
                [FieldProblem("confirm", "tick the box: closing grades and freezes the OKRs")]
            )
        close_period(
            page.uow,
            page.workspace,
            period_id,
            retro=_retro(form),
            thresholds=page.thresholds,
            caller=page.caller,
            clock=page.clock,
        )
    except (ValidationFailed, Conflict) as exc:
        return _detail(
            page, period_id, status_code=422, errors=refusal(exc), typed=typed_values(form)
        )
    return RedirectResponse(f"/periods/{period_id}", status_code=303)


@router.post("/periods/{period_id}/notes")
def write_notes(period_id: RowId, page: PageContext, form: Form) -> Response:
    """Change the retrospective notes, which stay writable after the close (admins)."""
    try:
        update_period(
            page.uow, page.workspace, period_id, _retro(form), caller=page.caller, clock=page.clock
        )
    except (ValidationFailed, Conflict) as exc:
        return _detail(
            page, period_id, status_code=422, errors=refusal(exc), typed=typed_values(form)
        )
    return RedirectResponse(f"/periods/{period_id}#retro", status_code=303)
