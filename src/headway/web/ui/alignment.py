"""The alignment tree: how the period's objectives hang together, top to bottom."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from headway.domain.model import Objective
from headway.web.inputs import MAX_ID, Day
from headway.web.ui.context import PageContext, in_calendar_order

router = APIRouter(include_in_schema=False)


@router.get("/alignment", response_class=HTMLResponse)
def alignment_page(
    page: PageContext,
    period: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    as_of: Day | None = None,
) -> Response:
    report = page.period_report(period, as_of)
    objectives = report.data.objectives  # the period's, and those aligned under them
    by_id = {o.id: o for o in objectives}
    kr_objective = {kr.id: kr.objective_id for kr in report.data.key_results}
    key_results = {kr.id: kr for kr in report.data.key_results}
    children: dict[int, list[Objective]] = {}
    roots = []
    for o in objectives:
        above = o.parent_id
        if o.parent_key_result_id is not None:
            above = kr_objective.get(o.parent_key_result_id)
        if above in by_id and above != o.id:
            children.setdefault(above, []).append(o)
        elif o.period_id == report.period.id:
            roots.append(o)
    return page.render(
        "alignment.html",
        report=report,
        f=report.figures,
        roots=roots,
        children=children,
        key_results=key_results,
        by_id=by_id,
        periods=in_calendar_order(report.data.periods.values()),
        period_names={p.id: p.name for p in report.data.periods.values()},
    )
