"""/api/v1 dashboard, coaching (lint) and the period report in JSON, Markdown or HTML."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, PlainTextResponse

from headway.reports import render, report_view
from headway.services.dashboard import dashboard, report_of
from headway.services.reports import period_report
from headway.services.shapes import dashboard_shape, finding_shape, period_shape, report_shape
from headway.web.deps import ApiContext, AsOfQuery
from headway.web.inputs import FilterId, RowId

router = APIRouter(tags=["insights"])

PeriodQuery = Annotated[
    FilterId | None, Query(description="The period's id (default: the current period).")
]


class ReportFormat(StrEnum):
    JSON = "json"
    MD = "md"
    HTML = "html"


class MarkdownResponse(PlainTextResponse):
    media_type = "text/markdown"


@router.get("/dashboard")
def get_dashboard(api: ApiContext, period: PeriodQuery = None, as_of: AsOfQuery = None) -> Any:
    """The period at a glance: score, statuses, what needs attention, KPI health, check-ins."""
    result = dashboard(
        api.uow,
        api.workspace,
        period_id=period,
        as_of=as_of,
        thresholds=api.thresholds,
        clock=api.clock,
    )
    return dashboard_shape(result)


@router.get("/lint")
def get_lint(api: ApiContext, period: PeriodQuery = None, as_of: AsOfQuery = None) -> Any:
    """Coaching advice on the period's OKRs and on the KPIs: never a block."""
    report = report_of(
        api.uow,
        api.workspace,
        period_id=period,
        as_of=as_of,
        thresholds=api.thresholds,
        clock=api.clock,
    )
    return {
        "period": period_shape(report.period),
        "as_of": report.as_of.isoformat(),
        "findings": [finding_shape(f) for f in report.findings],
    }


@router.get(
    "/reports/period/{period_id}",
    responses={
        200: {
            "content": {
                "application/json": {},
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            }
        }
    },
)
def get_period_report(
    period_id: RowId,
    api: ApiContext,
    fmt: Annotated[
        ReportFormat, Query(alias="format", description="json, md (Markdown) or html.")
    ] = ReportFormat.JSON,
    as_of: AsOfQuery = None,
) -> Any:
    """Every objective, key result and KPI of the period with its figures, and the coaching."""
    report = period_report(
        api.uow,
        api.workspace,
        period_id=period_id,
        as_of=as_of,
        thresholds=api.thresholds,
        clock=api.clock,
    )
    if fmt is ReportFormat.MD:
        return MarkdownResponse(render(report_view(report), fmt.value))
    if fmt is ReportFormat.HTML:
        return HTMLResponse(render(report_view(report), fmt.value))
    return report_shape(report)
