"""The dashboard and the coaching list: a period report, then one pass over its rows.

The report loads the period set-based (a fixed number of queries whatever the size); every
figure here is counted or picked from what the domain computed, never recomputed.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from headway.domain.errors import NotFound
from headway.domain.model import (
    CheckIn,
    Finding,
    Health,
    KeyResult,
    Objective,
    ObjectiveFigures,
    Severity,
    Status,
    StatusThresholds,
    Unit,
    Workspace,
)
from headway.domain.overall import Overall
from headway.domain.periods import today_in
from headway.domain.scoring import check_in_order
from headway.domain.units import depth_first
from headway.services.paged import Paged, page_of
from headway.services.reads.reports import PeriodReport, period_report
from headway.services.reads.warm_reports import WarmReports
from headway.store.uow import UnitOfWork

HEALTHS = [h.value for h in Health]
RECENT_CHECK_INS = 10
NO_SCORE = "no_score"  # the count of objectives with nothing to score yet
SHOWN = 10  # rows of "Needs attention" and of the coaching on the dashboard; the rest is counted
PAGE_SIZE = 50  # rows per page of the lists the dashboard links to ("show all")
WHOLE_TREE = 40  # up to this many objectives the team tree is shown whole
TREE_DEPTH = 1  # above it, units down to this depth (0: the company) are shown ...
UNIT_OBJECTIVES = 3  # ... each with its first objectives, deeper units folded into one line
TREE_UNITS = 30  # and at most this many units; the units page lists the rest


@dataclass(frozen=True, slots=True, kw_only=True)
class Attention:
    """An objective or key result at risk or off track."""

    subject_type: str  # objective | key_result
    id: int
    title: str
    status: Status
    score: float | None
    objective_id: int  # the objective whose page shows the row (itself, or the key result's)
    due_date: date | None = None  # a key result's
    forecast_score: float | None = None  # a metric key result's, when it has one


# "Needs attention" in order: off track before at risk, then the lowest score (none lowest),
# objectives before key results at the same score, then the oldest row (lowest id); the
# position (in the objectives, or the key results) finds the row again without a map.
AttentionKey = tuple[bool, float, int, int, int]  # (at risk, score, 1: key result, id, position)


@dataclass(frozen=True, slots=True, kw_only=True)
class RecentCheckIn:
    check_in: CheckIn
    key_result: KeyResult
    author_name: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitsBelow:
    """The units below a shown unit that own objectives, folded into one line."""

    units: int
    objectives: int
    mean_score: float | None  # of the objectives with a score


@dataclass(slots=True, kw_only=True)
class UnitObjectives:
    """One unit of the organisation tree with the period's objectives it owns."""

    unit: Unit | None  # None: objectives owned by a person only
    depth: int
    objectives: list[Objective]  # those shown
    more: int = 0  # the unit's objectives not shown (its page lists them)
    below: UnitsBelow | None = None  # deeper units, folded (a large company)


@dataclass(slots=True)
class _Fold:
    """The running tally of the units folded under one shown unit."""

    units: int = 0
    objectives: int = 0
    scored: int = 0
    score_sum: float = 0.0

    def add(self, owned: list[Objective], figures: dict[int, ObjectiveFigures]) -> None:
        self.units += 1
        self.objectives += len(owned)
        for o in owned:
            score = figures[o.id].score
            if score is not None:
                self.scored += 1
                self.score_sum += score

    def below(self) -> UnitsBelow:
        mean = self.score_sum / self.scored if self.scored else None
        return UnitsBelow(units=self.units, objectives=self.objectives, mean_score=mean)


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamTree:
    rows: list[UnitObjectives]
    whole: bool  # every objective is shown
    units_left_out: int  # units with objectives not shown at all (past TREE_UNITS)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedFinding:
    """A finding with the objective whose page shows its subject, when it is a key result."""

    finding: Finding
    objective_id: int | None


@dataclass(slots=True, kw_only=True)
class Dashboard:
    report: PeriodReport
    overall: Overall  # the headline (the report's: drafts left out)
    objectives_by_status: dict[str, int]
    key_results_by_status: dict[str, int]
    attention: list[Attention]  # the first SHOWN in attention_rank order
    attention_total: int
    kpi_health: dict[str, dict[str, int]]
    recent_check_ins: list[RecentCheckIn]
    findings: list[LinkedFinding]  # the first SHOWN in finding_rank order
    findings_total: int
    tree: TeamTree
    drafts: list[Objective]  # the first SHOWN proposals awaiting a decision, in their order
    drafts_total: int


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
    """Overall progress, status counts, what needs attention, KPI health, recent check-ins and
    the drafts.

    Everything is counted; the lists are bounded (SHOWN rows, a folded team tree), so what
    follows the report costs counting passes and what is shown, never a sort of the company.
    """
    return dashboard_of(
        report_of(
            uow,
            workspace,
            period_id=period_id,
            as_of=as_of,
            thresholds=thresholds,
            clock=clock,
            warm=warm,
        )
    )


def dashboard_of(report: PeriodReport) -> Dashboard:
    """The dashboard of a period report (see `dashboard`): drafts count nowhere on it but in
    their own list."""
    f = report.figures
    objectives, key_results = own_rows(report)
    drafts = [o for o in report.objectives() if o.is_draft]

    objective_statuses = Counter(f.objectives[o.id].status for o in objectives)
    kr_statuses = Counter(f.key_results[kr.id].status for kr in key_results)
    objective_counts = {s.value: objective_statuses[s] for s in Status}
    objective_counts[NO_SCORE] = objective_statuses[None]
    kr_counts = {s.value: kr_statuses[s] for s in Status}

    kpi_health: dict[str, dict[str, int]] = {}
    healths = Counter((kpi.category, f.kpis[kpi.id].health) for kpi in report.data.kpis)
    for (category, health), n in healths.items():
        kpi_health.setdefault(category, dict.fromkeys(HEALTHS, 0))[health.value] = n

    own_kr_ids = {kr.id for kr in key_results}
    latest = _latest(report.data.check_ins, own_kr_ids, RECENT_CHECK_INS)
    shown_krs = {c.key_result_id for c in latest}
    kr_of = {kr.id: kr for kr in key_results if kr.id in shown_krs}
    names = {p.id: p.name for p in report.data.people.values()}
    recent = [
        RecentCheckIn(
            check_in=c,
            key_result=kr_of[c.key_result_id],
            author_name=names.get(c.author_id) if c.author_id is not None else None,
        )
        for c in latest
    ]
    keys = _attention_keys(report, objectives, key_results)
    first = heapq.nsmallest(SHOWN, keys)
    findings = list(itertools.islice(_findings_in_order(report.findings), SHOWN))
    return Dashboard(
        report=report,
        overall=report.overall,
        objectives_by_status=objective_counts,
        key_results_by_status=kr_counts,
        attention=_attention_of(report, first, objectives, key_results),
        attention_total=len(keys),
        kpi_health=kpi_health,
        recent_check_ins=recent,
        findings=linked_findings(report, findings),
        findings_total=len(report.findings),
        tree=team_tree(report, objectives),
        drafts=drafts[:SHOWN],
        drafts_total=len(drafts),
    )


def own_rows(report: PeriodReport) -> tuple[list[Objective], list[KeyResult]]:
    """The period's own objectives and their key results (not those of rows aligned under),
    drafts left out: a proposal counts nowhere but on its own page (docs/formulas.md)."""
    objectives = [o for o in report.objectives() if not o.is_draft]
    own_ids = {o.id for o in objectives}
    return objectives, [kr for kr in report.data.key_results if kr.objective_id in own_ids]


def _latest(check_ins: list[CheckIn], key_result_ids: set[int], count: int) -> list[CheckIn]:
    """The `count` latest check-ins of these key results, latest first: one pass, from the
    end (the report loads them oldest first), so that most are turned away by date alone."""
    heap: list[tuple[tuple[date, datetime, int], CheckIn]] = []
    for c in reversed(check_ins):
        if len(heap) == count and c.effective_date < heap[0][0][0]:
            continue
        if c.key_result_id not in key_result_ids:
            continue
        item = (check_in_order(c), c)
        if len(heap) < count:
            heapq.heappush(heap, item)
        elif item[0] > heap[0][0]:
            heapq.heapreplace(heap, item)
    return [c for _, c in sorted(heap, key=lambda item: item[0], reverse=True)]


def _attention_keys(
    report: PeriodReport, objectives: list[Objective], key_results: list[KeyResult]
) -> list[AttentionKey]:
    """The key of every row at risk or off track, objectives then key results, in order."""
    off, at_risk = Status.OFF_TRACK, Status.AT_RISK
    keys: list[AttentionKey] = []
    of = report.figures.objectives
    for position, o in enumerate(objectives):
        status, score = of[o.id].status, of[o.id].score
        if status is off or status is at_risk:
            keys.append((status is at_risk, -1.0 if score is None else score, 0, o.id, position))
    kf = report.figures.key_results
    for position, kr in enumerate(key_results):
        figures = kf[kr.id]
        if figures.status is off or figures.status is at_risk:
            keys.append((figures.status is at_risk, figures.score, 1, kr.id, position))
    return keys


def _attention_of(
    report: PeriodReport,
    keys: list[AttentionKey],
    objectives: list[Objective],
    key_results: list[KeyResult],
) -> list[Attention]:
    """The rows of these keys, in the keys' order."""
    rows = []
    for at_risk, score, kind, row_id, position in keys:
        due_date, forecast_score = None, None
        if kind == 0:
            o = objectives[position]
            title, objective_id = o.title, o.id
        else:
            kr = key_results[position]
            title, objective_id = kr.title, kr.objective_id
            due_date = kr.due_date
            forecast_score = report.figures.key_results[row_id].forecast_score
        rows.append(
            Attention(
                subject_type="key_result" if kind else "objective",
                id=row_id,
                title=title,
                status=Status.AT_RISK if at_risk else Status.OFF_TRACK,
                score=report.figures.objectives[row_id].score if kind == 0 else score,
                objective_id=objective_id,
                due_date=due_date,
                forecast_score=forecast_score,
            )
        )
    return rows


def attention_rows(report: PeriodReport) -> list[Attention]:
    """Every objective, then every key result, of the period at risk or off track, in the
    report's order (the JSON dashboard's lists)."""
    objectives, key_results = own_rows(report)
    return _attention_of(
        report, _attention_keys(report, objectives, key_results), objectives, key_results
    )


def _findings_in_order(findings: list[Finding]) -> Iterator[Finding]:
    """The findings in the order the pages show them: warnings, then information, each in the
    report's order (lazily: the dashboard stops after the first few)."""
    yield from (f for f in findings if f.severity is Severity.WARNING)
    yield from (f for f in findings if f.severity is not Severity.WARNING)


def linked_findings(report: PeriodReport, findings: list[Finding]) -> list[LinkedFinding]:
    """The findings with the objective of each key result they are about (one pass to find
    the few objectives, no map of every key result)."""
    wanted = {f.subject_id for f in findings if f.subject_type == "key_result"}
    objective_of = {kr.id: kr.objective_id for kr in report.data.key_results if kr.id in wanted}
    return [
        LinkedFinding(
            finding=f,
            objective_id=objective_of.get(f.subject_id) if f.subject_type == "key_result" else None,
        )
        for f in findings
    ]


def attention_page(report: PeriodReport, page: int, size: int = PAGE_SIZE) -> Paged[Attention]:
    """One page of every row needing attention, in the dashboard's order."""
    objectives, key_results = own_rows(report)
    ordered = sorted(_attention_keys(report, objectives, key_results))
    keys, pages = page_of(ordered, page, size)
    rows = _attention_of(report, keys, objectives, key_results)
    return Paged(rows=rows, total=len(ordered), page=page, pages=pages)


def coaching_page(report: PeriodReport, page: int, size: int = PAGE_SIZE) -> Paged[LinkedFinding]:
    """One page of every coaching finding, in the dashboard's order."""
    ordered = list(_findings_in_order(report.findings))
    rows, pages = page_of(ordered, page, size)
    return Paged(rows=linked_findings(report, rows), total=len(ordered), page=page, pages=pages)


def objectives_by_unit(report: PeriodReport) -> list[UnitObjectives]:
    """The period's objectives under their owning units, company -> department -> team.

    Units without objectives are kept when a unit below them has some, so the tree reads
    whole; objectives with a person but no unit as owner come last.
    """
    return team_tree(report, report.objectives(), whole_up_to=None).rows


def team_tree(
    report: PeriodReport, objectives: list[Objective], *, whole_up_to: int | None = WHOLE_TREE
) -> TeamTree:
    """The team tree of the dashboard: whole up to `whole_up_to` objectives (None: always).

    Past that, the units down to TREE_DEPTH are shown (at most TREE_UNITS of them), each with
    its first UNIT_OBJECTIVES objectives and the units below it folded into one line: how many
    own objectives, how many objectives and their mean score. The unit's page has the rest.
    """
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
    unowned = [o for o in objectives if o.owner_unit_id not in units]
    if whole_up_to is None or len(objectives) <= whole_up_to:
        rows = [
            UnitObjectives(unit=unit, depth=depth, objectives=owned.get(unit.id, []))
            for unit, depth in ordered
            if unit.id in kept
        ]
        if unowned:
            rows.append(UnitObjectives(unit=None, depth=0, objectives=unowned))
        return TeamTree(rows=rows, whole=True, units_left_out=0)

    # Fold each deeper unit into its ancestor at TREE_DEPTH: counting, nothing sorted.
    scores = report.figures.objectives
    folded: dict[int, _Fold] = {}
    path: list[int] = []
    for unit, depth in ordered:
        del path[depth:]
        path.append(unit.id)
        mine = owned.get(unit.id)
        if depth > TREE_DEPTH and mine:
            folded.setdefault(path[TREE_DEPTH], _Fold()).add(mine, scores)
    shown = [(unit, depth) for unit, depth in ordered if depth <= TREE_DEPTH and unit.id in kept]
    rows = []
    for unit, depth in shown[:TREE_UNITS]:
        mine = owned.get(unit.id, [])
        fold = folded.get(unit.id)
        rows.append(
            UnitObjectives(
                unit=unit,
                depth=depth,
                objectives=mine[:UNIT_OBJECTIVES],
                more=max(0, len(mine) - UNIT_OBJECTIVES),
                below=fold.below() if fold else None,
            )
        )
    if unowned:
        rows.append(
            UnitObjectives(
                unit=None,
                depth=0,
                objectives=unowned[:UNIT_OBJECTIVES],
                more=max(0, len(unowned) - UNIT_OBJECTIVES),
            )
        )
    return TeamTree(rows=rows, whole=False, units_left_out=max(0, len(shown) - TREE_UNITS))
