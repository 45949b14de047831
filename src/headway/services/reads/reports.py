"""The period report: every figure of a period "as of" a date, computed in one pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from headway.domain.errors import NotFound
from headway.domain.evaluation import evaluate
from headway.domain.kpi import bucket_series
from headway.domain.lint import coach
from headway.domain.model import (
    Figures,
    Finding,
    KeyResult,
    Measurement,
    Objective,
    Period,
    PeriodData,
    StatusThresholds,
    Workspace,
)
from headway.domain.periods import current_period, expected_progress, today_in
from headway.services.reads.warm_reports import ReportKey, WarmReports
from headway.store import periods as period_store
from headway.store import revisions as revision_store
from headway.store.uow import UnitOfWork


@dataclass(slots=True)
class PeriodReport:
    workspace: Workspace
    period: Period
    as_of: date
    expected: float
    data: PeriodData
    figures: Figures
    findings: list[Finding]  # empty when the report was made without coaching

    def copy(self) -> PeriodReport:
        """The same report in containers of its own: what a caller adds to or takes from its
        lists and dicts never reaches a kept report (the rows themselves are shared: read them,
        never change them)."""
        d, f = self.data, self.figures
        return replace(
            self,
            data=replace(
                d,
                periods=dict(d.periods),
                objectives=list(d.objectives),
                key_results=list(d.key_results),
                check_ins=list(d.check_ins),
                kpis=list(d.kpis),
                measurements=list(d.measurements),
                units=dict(d.units),
                people=dict(d.people),
            ),
            figures=replace(
                f, key_results=dict(f.key_results), objectives=dict(f.objectives), kpis=dict(f.kpis)
            ),
            findings=list(self.findings),
        )

    def objectives(self) -> list[Objective]:
        """The period's own objectives, in their order."""
        return [o for o in self.data.objectives if o.period_id == self.period.id]

    def key_results_by_objective(self) -> dict[int, list[KeyResult]]:
        """Each objective's key results, in their order."""
        grouped: dict[int, list[KeyResult]] = {}
        for kr in self.data.key_results:
            grouped.setdefault(kr.objective_id, []).append(kr)
        return grouped


def find_period(periods: list[Period], name: str | None, on: date) -> Period:
    """The period called `name`, else the current one (see `current_period`)."""
    if name is not None:
        for p in periods:
            if p.name == name or str(p.id) == name:
                return p
        raise NotFound(f"no period is named {name!r}")
    found = current_period(periods, on)
    if found is None:
        raise NotFound(f"no open period contains {on.isoformat()}: name one with --period")
    return found


def period_by_id(periods: list[Period], period_id: int) -> Period:
    """The period with this id (the API names periods by id, never by name)."""
    for p in periods:
        if p.id == period_id:
            return p
    raise NotFound(f"period {period_id} does not exist")


def kpi_values_before(data: PeriodData, period: Period) -> dict[int, float | None]:
    """Each KPI's latest bucket value on the eve of the period (for coaching rule OKR006)."""
    eve = period.start_date - timedelta(days=1)
    by_kpi: dict[int, list[Measurement]] = defaultdict(list)
    for m in data.measurements:
        if m.at <= eve:
            by_kpi[m.kpi_id].append(m)
    values: dict[int, float | None] = {}
    for kpi in data.kpis:
        series = bucket_series(kpi, by_kpi[kpi.id], data.fiscal_year_start_month, eve)
        values[kpi.id] = series[-1][1] if series else None
    return values


def linked_only(data: PeriodData) -> PeriodData:
    """The rows with only the KPIs (and their measurements) the key results follow."""
    linked = {kr.kpi_id for kr in data.key_results if kr.kpi_id is not None}
    return replace(
        data,
        kpis=[k for k in data.kpis if k.id in linked],
        measurements=[m for m in data.measurements if m.kpi_id in linked],
    )


def period_report(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    period: str | None = None,
    period_id: int | None = None,
    as_of: date | None = None,
    thresholds: StatusThresholds,
    clock: Callable[[], datetime],
    complete: bool = True,
    warm: WarmReports | None = None,
) -> PeriodReport:
    """Load a period's rows set-based, then score, grade and coach them in the domain.

    The period is the one with `period_id`, else the one named `period`, else the current one.
    `complete=False` is what a page that shows no findings needs: the findings are left empty
    (the figures are the same either way: coaching only reads them) and KPI figures are
    computed only for the KPIs the loaded key results follow (`data` still holds every KPI;
    every key result's and objective's figure is the same, since a key result reads only its
    own KPI's measurements).

    With `warm` (the server's cache) a report kept at the workspace revision of this read's
    snapshot is served as it is (a copy of its containers; a complete one serves any caller),
    and a report computed afresh is kept for the next request.
    """
    day = as_of or today_in(workspace, clock)
    if warm is None:
        with uow.reading():
            chosen = _chosen_period(uow, workspace, period, period_id, day)
            data = period_store.load_period_data(uow.conn, workspace, chosen, as_of=day)
        return _computed(workspace, chosen, data, day, thresholds, complete)
    with ExitStack() as held:
        with uow.reading():
            chosen = _chosen_period(uow, workspace, period, period_id, day)
            key = ReportKey(workspace.id, chosen.id, day, thresholds)
            # One request computes a key's report while the others for it wait, then are
            # served what it kept (their snapshots began before its revision could move on).
            held.enter_context(warm.building(key))
            revision = revision_store.workspace_revision(uow.conn, workspace.id)
            kept = warm.kept(key, revision, complete=complete)
            if kept is not None:
                return kept.copy()
            data = period_store.load_period_data(uow.conn, workspace, chosen, as_of=day)
        report = _computed(workspace, chosen, data, day, thresholds, complete)
        warm.keep(key, revision, report, complete=complete)
    return report.copy()


def _chosen_period(
    uow: UnitOfWork, workspace: Workspace, name: str | None, period_id: int | None, day: date
) -> Period:
    periods = period_store.load_periods(uow.conn, workspace.id)
    if period_id is not None:
        return period_by_id(periods, period_id)
    return find_period(periods, name, day)


def _computed(
    workspace: Workspace,
    chosen: Period,
    data: PeriodData,
    day: date,
    thresholds: StatusThresholds,
    complete: bool,
) -> PeriodReport:
    """The report of rows loaded: complete (coached, every KPI), or only what a page shows."""
    figures = evaluate(data if complete else linked_only(data), day, thresholds)
    findings = (
        coach(data, chosen, figures, day, kpi_value_before=kpi_values_before(data, chosen))
        if complete
        else []
    )
    return PeriodReport(
        workspace=workspace,
        period=chosen,
        as_of=day,
        expected=expected_progress(chosen.start_date, chosen.end_date, day),
        data=data,
        figures=figures,
        findings=findings,
    )
