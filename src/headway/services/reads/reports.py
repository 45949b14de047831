"""The period report: every figure of a period "as of" a date, computed in one pass."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
from headway.store import periods as period_store
from headway.store.uow import UnitOfWork


@dataclass(slots=True)
class ReportTally:
    """How many period reports this process has computed (`evaluate`) and coached (`coach`).

    A counter, not a timing: tests read it to check that a page or form computes the period
    once, and pages that show no findings skip the coaching."""

    evaluated: int = 0
    coached: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, *, coached: bool) -> None:
        with self._lock:
            self.evaluated += 1
            self.coached += int(coached)

    def snapshot(self) -> tuple[int, int]:
        """(evaluated, coached) so far."""
        with self._lock:
            return self.evaluated, self.coached


TALLY = ReportTally()


@dataclass(slots=True)
class PeriodReport:
    workspace: Workspace
    period: Period
    as_of: date
    expected: float
    data: PeriodData
    figures: Figures
    findings: list[Finding]  # empty when the report was made without coaching

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
    coaching: bool = True,
    linked_kpis_only: bool = False,
) -> PeriodReport:
    """Load a period's rows set-based, then score, grade and coach them in the domain.

    The period is the one with `period_id`, else the one named `period`, else the current one.
    `coaching=False` leaves the findings empty, for pages that do not show them (the figures
    are the same either way: coaching only reads them). `linked_kpis_only=True` computes KPI
    figures only for the KPIs the loaded key results follow (`data` still holds every KPI);
    every key result's and objective's figure is the same, since a key result reads only its
    own KPI's measurements.
    """
    day = as_of or today_in(workspace, clock)
    with uow.reading():
        periods = period_store.load_periods(uow.conn, workspace.id)
        if period_id is not None:
            chosen = period_by_id(periods, period_id)
        else:
            chosen = find_period(periods, period, day)
        data = period_store.load_period_data(uow.conn, workspace, chosen, as_of=day)
    figures = evaluate(linked_only(data) if linked_kpis_only else data, day, thresholds)
    findings = (
        coach(data, chosen, figures, day, kpi_value_before=kpi_values_before(data, chosen))
        if coaching
        else []
    )
    TALLY.count(coached=coaching)
    return PeriodReport(
        workspace=workspace,
        period=chosen,
        as_of=day,
        expected=expected_progress(chosen.start_date, chosen.end_date, day),
        data=data,
        figures=figures,
        findings=findings,
    )
