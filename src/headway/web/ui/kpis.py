"""KPI pages: the list with health and sparklines, and a page per KPI with its chart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from headway.domain import permissions
from headway.domain.errors import Conflict, FieldProblem, ValidationFailed
from headway.domain.model import Aggregation, Cadence, Direction, Health, IngestTokenInfo
from headway.domain.units import depth_first
from headway.domain.validation.limits import MAX_CATEGORY
from headway.reports.formatting import target_text
from headway.services.access.people import list_people
from headway.services.access.units import list_units
from headway.services.kpis.ingest_tokens import list_ingest_tokens
from headway.services.kpis.kpis import kpi_list_page, store_proposal
from headway.services.kpis.measurements import record_measurement
from headway.services.reads.kpi_view import KpiView, kpi_view
from headway.web.inputs import Day, PageNumber, RowId
from headway.web.ui.charts import kpi_chart, sparkline
from headway.web.ui.context import (
    ALL_ROWS,
    Form,
    Page,
    PageContext,
    field_errors,
    refusal,
    typed_values,
)
from headway.web.ui.forms import FormReader

router = APIRouter(include_in_schema=False)

SPARKLINE_POINTS = 12
KPI_PAGE_SIZE = 100  # rows a page of the KPI list shows, as the API's largest page


Count = Annotated[int | None, Query(ge=0, le=10**9)]


def import_notice(imported: int | None, replaced: int | None, kpis: int | None) -> str:
    """What the page says after a file import redirected to it."""
    if imported is None:
        return ""
    noun = "measurement" if imported == 1 else "measurements"
    into = f" into {kpis} KPI{'' if kpis == 1 else 's'}" if kpis is not None else ""
    earlier = f"; {replaced} from an earlier import of those dates replaced" if replaced else ""
    return f"Imported {imported} {noun}{into}{earlier}."


@router.get("/kpis", response_class=HTMLResponse)
def kpi_list(
    page: PageContext,
    category: Annotated[str | None, Query(max_length=MAX_CATEGORY)] = None,
    health: Health | None = None,
    as_of: Day | None = None,
    imported: Count = None,
    replaced: Count = None,
    kpis: Count = None,
    number: PageNumber = 1,
) -> Response:
    notice = import_notice(imported, replaced, kpis)
    return render_kpi_list(
        page, category=category, health=health, as_of=as_of, notice=notice, number=number
    )


def render_kpi_list(
    page: Page,
    *,
    category: str | None = None,
    health: Health | None = None,
    as_of: Day | None = None,
    number: int = 1,
    status_code: int = 200,
    notice: str = "",
    import_problems: list[FieldProblem] | None = None,
) -> HTMLResponse:
    reading = kpi_list_page(
        page.uow,
        page.workspace,
        category=category or None,
        health=health,
        as_of=as_of,
        page=number,
        size=KPI_PAGE_SIZE,
        series_buckets=SPARKLINE_POINTS,
        clock=page.clock,
    )
    units = {u.id: u for u in list_units(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)}
    kpis = reading.listing.rows
    sparklines = {
        k.id: sparkline(
            [v for _, v in reading.figures.kpis[k.id].series[-SPARKLINE_POINTS:]], k.name
        )
        for k in kpis
    }
    # The pager's links keep the filters asked for (no date when none was asked).
    filters = {
        "category": category,
        "health": health.value if health else None,
        "as_of": as_of.isoformat() if as_of else None,
    }
    asked = {name: value for name, value in filters.items() if value}
    return page.render(
        "kpis.html",
        status_code=status_code,
        kpis=kpis,
        listing=reading.listing,
        query=urlencode(asked),
        f=reading.figures,
        units=units,
        sparklines=sparklines,
        targets={k.id: target_text(k) for k in kpis},
        category=category or "",
        health=health.value if health else "",
        healths=[h.value for h in Health],
        as_of=reading.figures.as_of,
        notice=notice,
        import_problems=import_problems or [],
    )


CHOICES: dict[str, list[str]] = {
    "direction": [d.value for d in Direction],
    "cadence": [c.value for c in Cadence],
    "aggregation": [a.value for a in Aggregation],
}


def kpi_form_context(page: Page) -> dict[str, Any]:
    """What the KPI form offers: the unit tree, the people, the choices."""
    units = list_units(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)
    people = list_people(page.uow, page.workspace, after_id=0, limit=ALL_ROWS)
    return {
        "tree": depth_first(units),
        "all_people": sorted(people, key=lambda p: p.name.lower()),
        "choices": CHOICES,
    }


def render_kpi(
    page: Page,
    view: KpiView,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    okr_errors: dict[str, str] | None = None,
    okr_typed: dict[str, str] | None = None,
    edit_errors: dict[str, str] | None = None,
    edit_typed: dict[str, str] | None = None,
    notice: str = "",
    import_problems: list[FieldProblem] | None = None,
    **more: Any,
) -> HTMLResponse:
    """The KPI's page; `more` fills the context of a section of its own (ingest tokens)."""
    actor = page.actor
    tree = permissions.UnitTree(view.units, workspace_id=page.workspace.id)
    may_record = actor is not None and permissions.can_record_measurement(actor, view.kpi, tree)
    may_propose = actor is not None and permissions.can_create_objective(
        actor, view.kpi.owner_unit_id, view.kpi.owner_id, tree
    )
    context: dict[str, Any] = {
        "view": view,
        "k": view.kpi,
        "kf": view.figures,
        "chart": kpi_chart(view.kpi, view.figures),
        "target": target_text(view.kpi),
        "may_record": may_record,
        "may_propose": may_propose and view.proposal is not None and bool(view.open_periods),
        "errors": errors or {},
        "typed": typed or {},
        "okr_errors": okr_errors or {},
        "okr_typed": okr_typed or {},
        "may_write": actor is not None and permissions.can_write_kpi(actor, view.kpi, tree),
        "edit_errors": edit_errors or {},
        "edit_typed": edit_typed or {},
        "notice": notice,
        "import_problems": import_problems or [],
        **kpi_form_context(page),
    }
    if context["may_write"]:
        context["ingest_tokens"] = ingest_token_rows(page, view.kpi.id)
    return page.render("kpi.html", status_code=status_code, **context, **more)


def ingest_token_rows(page: Page, kpi_id: int) -> list[IngestTokenInfo]:
    """The KPI's ingest tokens, newest first, for those who may write it."""
    rows = list_ingest_tokens(
        page.uow, page.workspace, kpi_id, caller=page.caller, after_id=0, limit=ALL_ROWS
    )
    return sorted(rows, key=lambda tok: tok.id, reverse=True)


def view_of(page: Page, kpi_id: int, as_of: date | None = None) -> KpiView:
    return kpi_view(page.uow, page.workspace, kpi_id, as_of=as_of, clock=page.clock)


@router.get("/kpis/{kpi_id}", response_class=HTMLResponse)
def kpi_page(
    kpi_id: RowId,
    page: PageContext,
    as_of: Day | None = None,
    imported: Count = None,
    replaced: Count = None,
) -> Response:
    notice = import_notice(imported, replaced, None)
    return render_kpi(page, view_of(page, kpi_id, as_of), notice=notice)


@router.post("/kpis/{kpi_id}/measurements")
def record(kpi_id: RowId, page: PageContext, form: Form) -> Response:
    """Record a measurement from the form (Value, Date, Note)."""
    read = FormReader(form)
    value = read.number("value")
    at = read.day("at")
    try:
        read.check()
        assert value is not None  # noqa: S101 - read.check() refused a missing value
        record_measurement(
            page.uow,
            page.workspace,
            kpi_id,
            value=value,
            at=at,
            note=read.text("note"),
            caller=page.caller,
            clock=page.clock,
        )
    except ValidationFailed as exc:
        view = view_of(page, kpi_id)
        return render_kpi(
            page, view, status_code=422, errors=field_errors(exc.problems), typed=typed_values(form)
        )
    return RedirectResponse(f"/kpis/{kpi_id}#measurements", status_code=303)


@router.post("/kpis/{kpi_id}/okr")
def start_okr(kpi_id: RowId, page: PageContext, form: Form) -> Response:
    """Store the proposed OKR, as edited in the form, as a draft objective."""
    view = view_of(page, kpi_id)
    read = FormReader(form)
    start = read.number("start_value")
    target = read.number("target_value")
    period_id = read.integer("period_id")
    try:
        read.check()
        if view.proposal is None:
            on_target = f"{view.kpi.name} has nothing to propose: it is on target or followed"
            raise ValidationFailed([FieldProblem("form", on_target)])
        assert start is not None and target is not None  # noqa: S101 - checked above
        edited = replace(
            view.proposal,
            objective_title=read.text("objective_title"),
            key_result_title=read.text("key_result_title"),
            start_value=start,
            target_value=target,
        )
        objective_id = store_proposal(
            page.uow,
            page.workspace,
            edited,
            period_id=period_id,
            caller=page.caller,
            clock=page.clock,
        )
    except (ValidationFailed, Conflict) as exc:
        return render_kpi(
            page,
            view,
            status_code=422,
            okr_errors=refusal(exc),
            okr_typed=typed_values(form),
        )
    return RedirectResponse(f"/objectives/{objective_id}", status_code=303)
