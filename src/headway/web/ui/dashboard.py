"""The dashboard: the period at a glance, for the people who read rather than check in.

It shows bounded lists (the first rows of "Needs attention" and of the coaching, a folded team
tree at company scale); `/attention` and `/coaching` list every row, a page at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from headway.domain.errors import NotFound
from headway.domain.model import Health
from headway.services.paged import Paged
from headway.services.reads.dashboard import attention_page, coaching_page, dashboard
from headway.services.reads.reports import PeriodReport
from headway.web.inputs import MAX_ID, Day, PageNumber
from headway.web.ui.context import Page, PageContext, in_calendar_order

router = APIRouter(include_in_schema=False)

PeriodParam = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("/", response_class=HTMLResponse)
def dashboard_page(
    page: PageContext, period: PeriodParam = None, as_of: Day | None = None
) -> Response:
    try:
        period_id = page.period_id_to_show(period, as_of)
    except NotFound:
        return page.render("empty.html")
    board = dashboard(
        page.uow,
        page.workspace,
        period_id=period_id,
        as_of=as_of,
        thresholds=page.thresholds,
        clock=page.clock,
        warm=page.warm,
    )
    report = board.report
    return page.render(
        "dashboard.html",
        board=board,
        report=report,
        f=report.figures,
        periods=in_calendar_order(report.data.periods.values()),
        healths=[h.value for h in Health],
        as_of_asked=as_of,
    )


@router.get("/attention", response_class=HTMLResponse)
def attention_list(
    page: PageContext, period: PeriodParam = None, as_of: Day | None = None, number: PageNumber = 1
) -> Response:
    """Every objective and key result at risk or off track, in the dashboard's order, paged."""
    return _show_all(page, "attention.html", attention_page, period, as_of, number)


@router.get("/coaching", response_class=HTMLResponse)
def coaching_list(
    page: PageContext, period: PeriodParam = None, as_of: Day | None = None, number: PageNumber = 1
) -> Response:
    """Every coaching finding of the period, warnings first, paged."""
    return _show_all(page, "coaching.html", coaching_page, period, as_of, number)


def _show_all(
    page: Page,
    template: str,
    listing: Callable[[PeriodReport, int], Paged[Any]],
    period: int | None,
    as_of: date | None,
    number: int,
) -> Response:
    """A list the dashboard shows the first rows of, a page of it, with the period picker."""
    report = page.period_report(period, as_of)
    return page.render(
        template,
        report=report,
        listing=listing(report, number),
        periods=in_calendar_order(report.data.periods.values()),
        as_of_asked=as_of,
    )
