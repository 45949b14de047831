"""The dashboard: the period at a glance, for the people who read rather than check in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from headway.domain.errors import NotFound
from headway.domain.model import Health
from headway.services.reads.dashboard import dashboard
from headway.web.inputs import MAX_ID, Day
from headway.web.ui.context import PageContext, in_calendar_order

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard_page(
    page: PageContext,
    period: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    as_of: Day | None = None,
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
    kr_objective = {kr.id: kr.objective_id for kr in report.data.key_results}
    return page.render(
        "dashboard.html",
        board=board,
        report=report,
        f=report.figures,
        periods=in_calendar_order(report.data.periods.values()),
        kr_objective=kr_objective,
        healths=[h.value for h in Health],
        people=report.data.people,
        units=report.data.units,
    )
