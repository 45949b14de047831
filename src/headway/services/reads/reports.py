"""The period report: every figure of a period "as of" a date, computed in one pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
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
class PeriodReport:
    workspace: Workspace
    period: Period
    as_of: date
    expected: float
    data: PeriodData
    figures: Figures
    findings: list[Finding]

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


def period_report(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    period: str | None = None,
    period_id: int | None = None,
    as_of: date | None = None,
    thresholds: StatusThresholds,
    clock: Callable[[], datetime],
) -> PeriodReport:
    """Load a period's rows set-based, then score, grade and coach them in the domain.

    The period is the one with `period_id`, else the one named `period`, else the current one.
    """
    day = as_of or today_in(workspace, clock)
    with uow.reading():
        periods = period_store.load_periods(uow.conn, workspace.id)
        if period_id is not None:
            chosen = period_by_id(periods, period_id)
        else:
            chosen = find_period(periods, period, day)
        data = period_store.load_period_data(uow.conn, workspace, chosen, as_of=day)
    figures = evaluate(data, day, thresholds)
    findings = coach(data, chosen, figures, day, kpi_value_before=kpi_values_before(data, chosen))
    return PeriodReport(
        workspace=workspace,
        period=chosen,
        as_of=day,
        expected=expected_progress(chosen.start_date, chosen.end_date, day),
        data=data,
        figures=figures,
        findings=findings,
    )
