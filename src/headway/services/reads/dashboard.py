"""The dashboard and the coaching list: a period report, then one pass over its rows.

The report loads the period set-based (a fixed number of queries whatever the size); every
figure here is counted or picked from what the domain computed, never recomputed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from headway.domain.errors import NotFound
from headway.domain.model import (
    CheckIn,
    Health,
    KeyResult,
    Objective,
    Status,
    StatusThresholds,
    Unit,
    Workspace,
)
from headway.domain.periods import today_in
from headway.domain.scoring import check_in_order, objective_score
from headway.domain.units import depth_first
from headway.services.reads.reports import PeriodReport, period_report
from headway.services.reads.warm_reports import WarmReports
from headway.store.uow import UnitOfWork

RECENT_CHECK_INS = 10
NO_SCORE = "no_score"  # the count of objectives with nothing to score yet


@dataclass(frozen=True, slots=True, kw_only=True)
class Attention:
    """An objective or key result at risk or off track."""

    subject_type: str  # objective | key_result
    id: int
    title: str
    status: Status
    score: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RecentCheckIn:
    check_in: CheckIn
    key_result: KeyResult
    author_name: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitObjectives:
    """One unit of the organisation tree with the period's objectives it owns."""

    unit: Unit | None  # None: objectives owned by a person only
    depth: int
    objectives: list[Objective]


@dataclass(slots=True, kw_only=True)
class Dashboard:
    report: PeriodReport
    overall_score: float | None
    objectives_by_status: dict[str, int]
    key_results_by_status: dict[str, int]
    at_risk: list[Attention]
    off_track: list[Attention]
    kpi_health: dict[str, dict[str, int]]
    recent_check_ins: list[RecentCheckIn]
    by_unit: list[UnitObjectives]


def report_of(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    period_id: int | None,
    as_of: date | None,
    thresholds: StatusThresholds,
    clock: Callable[[], datetime],
    warm: WarmReports | None = None,
) -> PeriodReport:
    """The period report of the period with this id, else of the current period."""
    try:
        return period_report(
            uow,
            workspace,
            period_id=period_id,
            as_of=as_of,
            thresholds=thresholds,
            clock=clock,
            warm=warm,
        )
    except NotFound:
        if period_id is not None:
            raise
        day = as_of or today_in(workspace, clock)
        raise NotFound(f"no open period contains {day.isoformat()}: pass ?period=ID") from None


def dashboard(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    period_id: int | None = None,
    as_of: date | None = None,
    thresholds: StatusThresholds,
    clock: Callable[[], datetime],
    warm: WarmReports | None = None,
) -> Dashboard:
    """Overall score, status counts, what needs attention, KPI health and recent check-ins."""
    report = report_of(
        uow,
        workspace,
        period_id=period_id,
        as_of=as_of,
        thresholds=thresholds,
        clock=clock,
        warm=warm,
    )
    f = report.figures
    objectives = report.objectives()
    own_ids = {o.id for o in objectives}
    key_results = [kr for kr in report.data.key_results if kr.objective_id in own_ids]
    kr_ids = {kr.id: kr for kr in key_results}
    parent_of_kr = {kr.id: kr.objective_id for kr in report.data.key_results}

    # Top level: aligned under nothing of this period (an objective or a key result's objective).
    def top_level(parent_id: int | None, parent_kr_id: int | None) -> bool:
        above = {parent_id, parent_of_kr.get(parent_kr_id) if parent_kr_id else None}
        return not (above & own_ids)

    tops = [o for o in objectives if top_level(o.parent_id, o.parent_key_result_id)]
    overall = objective_score((), [f.objectives[o.id].score for o in tops])

    objective_counts = dict.fromkeys([*(s.value for s in Status), NO_SCORE], 0)
    kr_counts = dict.fromkeys((s.value for s in Status), 0)
    attention: dict[Status, list[Attention]] = {Status.AT_RISK: [], Status.OFF_TRACK: []}
    for o in objectives:
        of = f.objectives[o.id]
        objective_counts[of.status.value if of.status else NO_SCORE] += 1
        if of.status in attention:
            attention[of.status].append(
                Attention(
                    subject_type="objective",
                    id=o.id,
                    title=o.title,
                    status=of.status,
                    score=of.score,
                )
            )
    for kr in key_results:
        kf = f.key_results[kr.id]
        kr_counts[kf.status.value] += 1
        if kf.status in attention:
            attention[kf.status].append(
                Attention(
                    subject_type="key_result",
                    id=kr.id,
                    title=kr.title,
                    status=kf.status,
                    score=kf.score,
                )
            )

    kpi_health: dict[str, dict[str, int]] = {}
    for kpi in report.data.kpis:
        counts = kpi_health.setdefault(kpi.category, dict.fromkeys((h.value for h in Health), 0))
        counts[f.kpis[kpi.id].health.value] += 1

    ours = [c for c in report.data.check_ins if c.key_result_id in kr_ids]
    ours.sort(key=check_in_order, reverse=True)
    names = {p.id: p.name for p in report.data.people.values()}
    recent = [
        RecentCheckIn(
            check_in=c,
            key_result=kr_ids[c.key_result_id],
            author_name=names.get(c.author_id) if c.author_id is not None else None,
        )
        for c in ours[:RECENT_CHECK_INS]
    ]
    return Dashboard(
        report=report,
        overall_score=overall,
        objectives_by_status=objective_counts,
        key_results_by_status=kr_counts,
        at_risk=attention[Status.AT_RISK],
        off_track=attention[Status.OFF_TRACK],
        kpi_health=kpi_health,
        recent_check_ins=recent,
        by_unit=objectives_by_unit(report),
    )


def objectives_by_unit(report: PeriodReport) -> list[UnitObjectives]:
    """The period's objectives under their owning units, company -> department -> team.

    Units without objectives are kept when a unit below them has some, so the tree reads
    whole; objectives with a person but no unit as owner come last.
    """
    objectives = report.objectives()
    owned: dict[int | None, list[Objective]] = {}
    for o in objectives:
        owned.setdefault(o.owner_unit_id, []).append(o)
    units = report.data.units
    ordered = depth_first(units.values())
    # Bottom up: a unit stays when it owns objectives or a unit below it stays.
    kept = {unit_id for unit_id in owned if unit_id is not None}
    for unit, _ in reversed(ordered):
        if unit.id in kept and unit.parent_id is not None:
            kept.add(unit.parent_id)
    rows = [
        UnitObjectives(unit=unit, depth=depth, objectives=owned.get(unit.id, []))
        for unit, depth in ordered
        if unit.id in kept
    ]
    unowned = [o for o in objectives if o.owner_unit_id not in units]
    if unowned:
        rows.append(UnitObjectives(unit=None, depth=0, objectives=unowned))
    return rows
