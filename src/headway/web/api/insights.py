"""/api/v1 dashboard, coaching (lint) and the period report in JSON, Markdown or HTML."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from headway.reports import render, report_view
from headway.schemas.insights import DashboardOut, LintOut, PeriodReportOut
from headway.services.reads.dashboard import dashboard, report_of
from headway.services.reads.reports import PeriodReport, period_answer
from headway.web.deps import ApiContext, AsOfQuery
from headway.web.inputs import FilterId, RowId
from headway.web.json_request import JsonRoute

router = APIRouter(tags=["insights"], route_class=JsonRoute)

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
def get_dashboard(
    api: ApiContext, period: PeriodQuery = None, as_of: AsOfQuery = None
) -> DashboardOut:
    """The period at a glance: score, statuses, what needs attention, KPI health, check-ins."""
    result = dashboard(
        api.uow,
        api.workspace,
        period_id=period,
        as_of=as_of,
        thresholds=api.thresholds,
        clock=api.clock,
        warm=api.warm,
    )
    return DashboardOut.of(result)


@router.get("/lint")
def get_lint(api: ApiContext, period: PeriodQuery = None, as_of: AsOfQuery = None) -> LintOut:
    """Coaching advice on the period's OKRs and on the KPIs: never a block."""
    report = report_of(
        api.uow,
        api.workspace,
        period_id=period,
        as_of=as_of,
        thresholds=api.thresholds,
        clock=api.clock,
        warm=api.warm,
    )
    return LintOut.of(report)


@router.get(
    "/reports/period/{period_id}",
    # JSON by default; Markdown and HTML answers are responses of their own, passed as they are.
    response_model=PeriodReportOut,
    responses={
        200: {
            "content": {
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
) -> Response:
    """Every objective, key result and KPI of the period with its figures, and the coaching."""
    answer = period_answer(
        api.uow,
        api.workspace,
        period_id=period_id,
        as_of=as_of,
        thresholds=api.thresholds,
        clock=api.clock,
        warm=api.warm,
        answer_format=fmt.value,
        encode=_ENCODERS[fmt],
    )
    return Response(answer, media_type=_MEDIA_TYPES[fmt])


def _json_answer(report: PeriodReport) -> bytes:
    # The answer model's own JSON: what FastAPI would send for it (the response model
    # declared above is what the OpenAPI describes; tests check the answers against it).
    return PeriodReportOut.of(report).model_dump_json().encode()


def _markdown_answer(report: PeriodReport) -> bytes:
    return render(report_view(report), ReportFormat.MD.value).encode()


def _html_answer(report: PeriodReport) -> bytes:
    return render(report_view(report), ReportFormat.HTML.value).encode()


# Encoded once per kept report and format, then sent as they are while the report is kept.
_ENCODERS: dict[ReportFormat, Callable[[PeriodReport], bytes]] = {
    ReportFormat.JSON: _json_answer,
    ReportFormat.MD: _markdown_answer,
    ReportFormat.HTML: _html_answer,
}
_MEDIA_TYPES = {
    ReportFormat.JSON: "application/json",
    ReportFormat.MD: MarkdownResponse.media_type,
    ReportFormat.HTML: HTMLResponse.media_type,
}
