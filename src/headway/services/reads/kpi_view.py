"""A KPI as its page shows it: figures, measurements, the key results that follow it, and the
OKR it proposes when it is off target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from headway.domain.errors import ValidationFailed
from headway.domain.kpi import OkrProposal, kpi_figures, propose_okr
from headway.domain.model import (
    Health,
    KeyResult,
    Kpi,
    KpiFigures,
    Measurement,
    Objective,
    Period,
    PeriodState,
    Unit,
    Workspace,
)
from headway.domain.periods import current_period, today_in
from headway.store import kpis as kpi_store
from headway.store import periods as period_store
from headway.store import units as unit_store
from headway.store.uow import UnitOfWork

OFF_TARGET = (Health.WARNING, Health.CRITICAL)


@dataclass(frozen=True, slots=True)
class FollowingKeyResult:
    key_result: KeyResult
    objective: Objective
    period: Period


@dataclass(slots=True, kw_only=True)
class KpiView:
    kpi: Kpi
    figures: KpiFigures
    as_of: date
    measurements: list[Measurement]  # newest first, none after "as of"
    following: list[FollowingKeyResult]
    owner_unit: Unit | None
    units: list[Unit]  # the whole tree, for who may write the KPI
    proposal: OkrProposal | None  # off target, and no key result of an open period follows it
    open_periods: list[Period]  # where a proposed OKR may go
    default_period_id: int | None


def kpi_view(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    as_of: date | None,
    clock: Callable[[], datetime],
) -> KpiView:
    """Everything the KPI's page shows, figures as of a date; four queries."""
    today = today_in(workspace, clock)
    day = as_of or today
    with uow.reading():
        conn = uow.conn
        kpi = kpi_store.get_kpi(conn, workspace.id, kpi_id)
        measurements = kpi_store.load_measurements_of(conn, workspace.id, [kpi.id], until=day)
        linked = kpi_store.key_results_following(conn, workspace.id, kpi.id)
        periods = {p.id: p for p in period_store.load_periods(conn, workspace.id)}
        units = {u.id: u for u in unit_store.load_units(conn, workspace.id)}
    figures = kpi_figures(kpi, measurements, workspace.fiscal_year_start_month, day)
    following = [
        FollowingKeyResult(key_result=kr, objective=objective, period=periods[objective.period_id])
        for kr, objective in linked
    ]
    proposal = None
    followed = any(f.period.state is not PeriodState.CLOSED for f in following)
    if figures.health in OFF_TARGET and not followed:
        try:
            proposal = propose_okr(kpi, figures)
        except ValidationFailed:
            proposal = None  # e.g. an in-range KPI inside its range: nothing to propose
    open_periods = sorted(
        (p for p in periods.values() if p.state is not PeriodState.CLOSED),
        key=lambda p: (p.start_date, p.id),
    )
    current = current_period(open_periods, today)
    return KpiView(
        kpi=kpi,
        figures=figures,
        as_of=day,
        measurements=sorted(measurements, key=lambda m: (m.at, m.recorded_at, m.id), reverse=True),
        following=following,
        owner_unit=units.get(kpi.owner_unit_id),
        units=list(units.values()),
        proposal=proposal,
        open_periods=open_periods,
        default_period_id=current.id if current else None,
    )
