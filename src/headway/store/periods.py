"""Periods, and every row a period's figures need."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from headway.domain.model import (
    CheckIn,
    KeyResult,
    Kpi,
    Measurement,
    Period,
    PeriodData,
    PeriodState,
    Workspace,
)
from headway.store import tables as t
from headway.store.kpis import load_kpis, load_measurements, load_measurements_of
from headway.store.mappers import (
    to_check_in,
    to_key_result,
    to_kpi,
    to_period,
)
from headway.store.okrs import objectives_in
from headway.store.paging import page_of
from headway.store.people import load_people
from headway.store.rows import workspace_row
from headway.store.units import load_units

# A period's retrospective notes: text columns that stay writable once it is closed.
RETRO_NOTES = ("retro_worked", "retro_didnt", "retro_next")

# A period with its retrospective notes by name.
PeriodWithNotes = tuple[Period, dict[str, str]]


def load_periods(conn: sa.Connection, workspace_id: int) -> list[Period]:
    q = (
        sa.select(t.period)
        .where(t.period.c.workspace_id == workspace_id)
        .order_by(t.period.c.start_date, t.period.c.end_date.desc(), t.period.c.id)
    )
    return [to_period(r) for r in conn.execute(q)]


def load_period_data(
    conn: sa.Connection, workspace: Workspace, period: Period, *, as_of: date
) -> PeriodData:
    """Every row the period's figures need, in a fixed number of queries.

    Objectives of every period overlapping this one are loaded, so a rollup key result sees
    the objectives aligned under it even when they sit in a shorter period.
    """
    return load_periods_data(conn, workspace, [period], as_of=as_of)


def load_periods_data(
    conn: sa.Connection, workspace: Workspace, periods: Sequence[Period], *, as_of: date
) -> PeriodData:
    """`load_period_data` for several periods at once: still a fixed number of queries."""
    ws = workspace.id
    every_period = {p.id: p for p in load_periods(conn, ws)}
    overlaps = sa.or_(
        sa.false(),
        *(
            sa.and_(t.period.c.start_date <= p.end_date, t.period.c.end_date >= p.start_date)
            for p in periods
        ),
    )
    in_periods = sa.and_(t.period.c.workspace_id == ws, overlaps)
    objectives = objectives_in(conn, in_periods)
    overlapping = (
        sa.select(t.objective.c.id)
        .join(t.period, t.period.c.id == t.objective.c.period_id)
        .where(in_periods)
    )
    kr_rows = conn.execute(
        sa.select(t.key_result)
        .where(t.key_result.c.objective_id.in_(overlapping))
        .order_by(t.key_result.c.objective_id, t.key_result.c.position, t.key_result.c.id)
    )
    key_results = [to_key_result(r) for r in kr_rows]
    ci_rows = conn.execute(
        sa.select(t.check_in)
        .join(t.key_result, t.key_result.c.id == t.check_in.c.key_result_id)
        .where(t.key_result.c.objective_id.in_(overlapping), t.check_in.c.effective_date <= as_of)
        .order_by(t.check_in.c.id)
    )
    return PeriodData(
        fiscal_year_start_month=workspace.fiscal_year_start_month,
        periods=every_period,
        objectives=objectives,
        key_results=key_results,
        check_ins=[to_check_in(r) for r in ci_rows],
        kpis=load_kpis(conn, ws),
        measurements=load_measurements(conn, ws, until=as_of),
        units={u.id: u for u in load_units(conn, ws)},
        people={p.id: p for p in load_people(conn, ws)},
    )


class ChangedRows(NamedTuple):
    """The rows of some key results and KPIs as they are now (what a write may have changed)."""

    key_results: list[KeyResult]  # those that still exist
    check_ins: list[CheckIn]  # theirs, effective by "as of", by id
    kpis: list[Kpi]  # those that still exist
    measurements: list[Measurement]  # of those KPIs and the ones these key results follow


def load_changed_rows(
    conn: sa.Connection,
    workspace_id: int,
    key_result_ids: Collection[int],
    kpi_ids: Collection[int],
    *,
    as_of: date,
) -> ChangedRows:
    """These key results with their check-ins, these KPIs with their measurements (and those
    of the KPIs these key results follow), filtered and ordered as `load_period_data` loads
    them."""
    kr, ci = t.key_result, t.check_in
    kr_q = sa.select(kr).where(kr.c.workspace_id == workspace_id, kr.c.id.in_(key_result_ids))
    key_results = [to_key_result(r) for r in conn.execute(kr_q)]
    ci_q = sa.select(ci).where(
        ci.c.key_result_id.in_([k.id for k in key_results]), ci.c.effective_date <= as_of
    )
    check_ins = [to_check_in(r) for r in conn.execute(ci_q.order_by(ci.c.id))]
    kpi_q = sa.select(t.kpi).where(t.kpi.c.workspace_id == workspace_id, t.kpi.c.id.in_(kpi_ids))
    kpis = [to_kpi(r) for r in conn.execute(kpi_q.order_by(t.kpi.c.id))]
    measured = {k.id for k in kpis} | {k.kpi_id for k in key_results if k.kpi_id is not None}
    measurements = load_measurements_of(conn, workspace_id, sorted(measured), until=as_of)
    return ChangedRows(key_results, check_ins, kpis, measurements)


def get_period(
    conn: sa.Connection, workspace_id: int, period_id: int, *, for_update: bool = False
) -> Period:
    row = workspace_row(conn, t.period, workspace_id, period_id, "period", for_update=for_update)
    return to_period(row)


def _with_notes(row: Any) -> PeriodWithNotes:
    return to_period(row), {name: getattr(row, name) for name in RETRO_NOTES}


def period_with_notes(conn: sa.Connection, workspace_id: int, period_id: int) -> PeriodWithNotes:
    """A period of the workspace with its retrospective notes; NotFound otherwise."""
    return _with_notes(workspace_row(conn, t.period, workspace_id, period_id, "period"))


def periods_page(
    conn: sa.Connection, workspace_id: int, *, after_id: int, limit: int
) -> list[PeriodWithNotes]:
    """Up to `limit` + 1 periods with their notes, with ids above `after_id`, by id."""
    return page_of(conn, t.period, _with_notes, workspace_id, after_id, limit)


def period_name_taken(
    conn: sa.Connection, workspace_id: int, name: str, *, other_than: int
) -> bool:
    """True when a period of the workspace other than `other_than` has this name."""
    p = t.period.c
    q = sa.select(p.id).where(p.workspace_id == workspace_id, p.name == name, p.id != other_than)
    return conn.execute(q).first() is not None


def mark_period_closed(
    conn: sa.Connection, period_id: int, now: datetime, notes: Mapping[str, str]
) -> bool:
    """Close the period with these notes; False when it was closed already, so that of two
    concurrent closes only one goes on to grade it."""
    closed = conn.execute(
        t.period.update()
        .where(t.period.c.id == period_id, t.period.c.state != PeriodState.CLOSED.value)
        .values(state=PeriodState.CLOSED.value, updated_at=now, **notes)
    )
    return closed.rowcount == 1
