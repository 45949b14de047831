"""The dashboard, coaching, the period report in JSON, and the OKR a KPI proposes."""

from __future__ import annotations

from datetime import date

from headway.domain.model import (
    Finding,
    KeyResultKind,
    ObjectiveState,
    ObjectiveType,
    Severity,
    Status,
)
from headway.domain.overall import Overall
from headway.schemas.answer import Answer
from headway.schemas.kpis import KpiOut
from headway.schemas.okrs import CheckInOut, ObjectiveOut
from headway.schemas.periods import PeriodOut
from headway.services.okrs.proposals import ObjectiveDraft
from headway.services.reads.dashboard import Attention, Dashboard, RecentCheckIn, attention_rows
from headway.services.reads.reports import PeriodReport


class FindingOut(Answer):
    """One piece of coaching advice about a row: never a block."""

    code: str
    severity: Severity
    subject_type: str
    subject_id: int
    subject_title: str
    message: str

    @classmethod
    def of(cls, finding: Finding) -> FindingOut:
        """The finding as the API answers it."""
        return cls.read(finding)


class LintOut(Answer):
    """The coaching findings of a period as of a date."""

    period: PeriodOut
    as_of: date
    findings: list[FindingOut]

    @classmethod
    def of(cls, report: PeriodReport) -> LintOut:
        """The report's findings."""
        return cls(
            period=PeriodOut.of(report.period),
            as_of=report.as_of,
            findings=[FindingOut.of(f) for f in report.findings],
        )


class OverallOut(Answer):
    """Overall progress of a period: the mean score of its headline objectives (the company's
    top-level ones, drafts left out) and that score's status; both null with nothing scored."""

    score: float | None
    status: Status | None

    @classmethod
    def of(cls, overall: Overall) -> OverallOut:
        """The headline as the API answers it."""
        return cls.read(overall)


class PeriodReportOut(Answer):
    """Every objective (key results embedded) and KPI of a period with figures, and coaching."""

    period: PeriodOut
    as_of: date
    expected: float
    overall: OverallOut
    objectives: list[ObjectiveOut]
    kpis: list[KpiOut]
    findings: list[FindingOut]

    @classmethod
    def of(cls, report: PeriodReport) -> PeriodReportOut:
        """The report in the read shapes of its rows."""
        grouped = report.key_results_by_objective()
        return cls(
            period=PeriodOut.of(report.period),
            as_of=report.as_of,
            expected=report.expected,
            overall=OverallOut.of(report.overall),
            objectives=[
                ObjectiveOut.of(o, grouped.get(o.id, []), report.figures)
                for o in report.objectives()
            ],
            kpis=[KpiOut.of(k, report.figures) for k in report.data.kpis],
            findings=[FindingOut.of(f) for f in report.findings],
        )


class AttentionOut(Answer):
    """An objective or key result at risk or off track."""

    subject_type: str
    id: int
    title: str
    status: Status
    score: float | None

    @classmethod
    def of(cls, attention: Attention) -> AttentionOut:
        """The row needing attention."""
        return cls.read(attention)


class RecentCheckInOut(CheckInOut):
    """A check-in with the names the dashboard shows beside it."""

    key_result_title: str
    author_name: str | None

    @classmethod
    def of_recent(cls, recent: RecentCheckIn) -> RecentCheckInOut:
        """The check-in, its key result's title and its author's name."""
        return cls.read(
            recent.check_in,
            key_result_title=recent.key_result.title,
            author_name=recent.author_name,
        )


class DashboardOut(Answer):
    """The period's state as of a date, at a glance."""

    period: PeriodOut
    as_of: date
    expected: float
    overall: OverallOut
    score: float | None  # overall.score, kept for the clients that read it here
    objectives_by_status: dict[str, int]
    key_results_by_status: dict[str, int]
    at_risk: list[AttentionOut]
    off_track: list[AttentionOut]
    kpi_health: dict[str, dict[str, int]]
    recent_check_ins: list[RecentCheckInOut]
    findings: list[FindingOut]

    @classmethod
    def of(cls, board: Dashboard) -> DashboardOut:
        """The dashboard's figures and every row of its lists (the page shows the first few)."""
        report = board.report
        attention = list(attention_rows(report))
        return cls(
            period=PeriodOut.of(report.period),
            as_of=report.as_of,
            expected=report.expected,
            overall=OverallOut.of(board.overall),
            score=board.overall.score,
            objectives_by_status=board.objectives_by_status,
            key_results_by_status=board.key_results_by_status,
            at_risk=[AttentionOut.of(a) for a in attention if a.status is Status.AT_RISK],
            off_track=[AttentionOut.of(a) for a in attention if a.status is Status.OFF_TRACK],
            kpi_health=board.kpi_health,
            recent_check_ins=[RecentCheckInOut.of_recent(r) for r in board.recent_check_ins],
            findings=[FindingOut.of(f) for f in report.findings],
        )


class KeyResultDraftOut(Answer):
    """The key result a proposal would store: linked to its KPI, nothing stored yet."""

    title: str
    kind: KeyResultKind
    unit_label: str
    start_value: float | None
    target_value: float | None
    weight: float
    owner_id: int | None
    kpi_id: int | None


class ObjectiveDraftOut(Answer):
    """The objective a KPI off target proposes, as the API would write it; nothing stored."""

    kpi_id: int
    period_id: int | None
    title: str
    description: str
    owner_unit_id: int | None
    owner_id: int | None
    type: ObjectiveType
    state: ObjectiveState
    key_results: list[KeyResultDraftOut]

    @classmethod
    def of(cls, draft: ObjectiveDraft) -> ObjectiveDraftOut:
        """The draft objective with its one key result."""
        return cls(
            kpi_id=draft.proposal.kpi_id,
            period_id=draft.period_id,
            **draft.objective,
            key_results=[KeyResultDraftOut(**draft.key_result)],
        )
