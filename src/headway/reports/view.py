"""The period report as one view model: what every format of the report shows, nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from headway.domain.model import (
    Finding,
    Health,
    KeyResultKind,
    ObjectiveType,
    Status,
    Trend,
)
from headway.services.reads.reports import PeriodReport


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyResultLine:
    """A key result with its figures as of the report's date."""

    title: str
    kind: KeyResultKind
    start_value: float | None
    target_value: float | None
    unit_label: str
    current_value: float | None
    score: float
    status: Status
    due_date: date | None = None
    forecast_score: float | None = None  # metric key results with a forecast only


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectiveSection:
    """An objective with its figures and its key results, in their order."""

    title: str
    type: ObjectiveType
    score: float | None  # None: no key results, so nothing to score
    status: Status | None
    key_results: list[KeyResultLine]
    is_draft: bool = False  # a proposal: its own figures, counted nowhere (docs/formulas.md)


@dataclass(frozen=True, slots=True, kw_only=True)
class KpiLine:
    """A KPI with its latest value, target, health and trend as of the report's date."""

    name: str
    category: str
    unit_label: str
    latest_value: float | None
    target: float | None
    target_low: float | None
    target_high: float | None
    health: Health
    trend: Trend | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportView:
    """Everything the period report shows, in the order it shows it."""

    workspace: str
    period: str
    as_of: date
    expected: float
    overall_score: float | None  # overall progress of the period (docs/formulas.md)
    overall_status: Status | None
    objectives: list[ObjectiveSection]
    kpis: list[KpiLine]
    findings: list[Finding]


def report_view(report: PeriodReport) -> ReportView:
    """The report's view: the period's objectives, their key results, the KPIs, the coaching."""
    figures = report.figures
    grouped = report.key_results_by_objective()
    objectives = []
    for o in report.objectives():
        of = figures.objectives[o.id]
        lines = []
        for kr in grouped.get(o.id, []):
            krf = figures.key_results[kr.id]
            lines.append(
                KeyResultLine(
                    title=kr.title,
                    kind=kr.kind,
                    start_value=kr.start_value,
                    target_value=kr.target_value,
                    unit_label=kr.unit_label,
                    current_value=krf.current_value,
                    score=krf.score,
                    status=krf.status,
                    due_date=kr.due_date,
                    forecast_score=krf.forecast_score,
                )
            )
        objectives.append(
            ObjectiveSection(
                title=o.title,
                type=o.type,
                score=of.score,
                status=of.status,
                key_results=lines,
                is_draft=o.is_draft,
            )
        )
    kpis = []
    for kpi in report.data.kpis:
        kf = figures.kpis[kpi.id]
        kpis.append(
            KpiLine(
                name=kpi.name,
                category=kpi.category,
                unit_label=kpi.unit_label,
                latest_value=kf.latest_value,
                target=kpi.target,
                target_low=kpi.target_low,
                target_high=kpi.target_high,
                health=kf.health,
                trend=kf.trend,
            )
        )
    return ReportView(
        workspace=report.workspace.name,
        period=report.period.name,
        as_of=report.as_of,
        expected=report.expected,
        overall_score=report.overall.score,
        overall_status=report.overall.status,
        objectives=objectives,
        kpis=kpis,
        findings=list(report.findings),
    )
