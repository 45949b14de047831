"""KPIs and their measurements."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from headway.domain.model import Kpi, Measurement
from headway.store import tables as t
from headway.store.mappers import to_kpi, to_measurement
from headway.store.paging import keyset_page
from headway.store.rows import workspace_row


def load_kpis(conn: sa.Connection, workspace_id: int) -> list[Kpi]:
    q = sa.select(t.kpi).where(t.kpi.c.workspace_id == workspace_id).order_by(t.kpi.c.id)
    return [to_kpi(r) for r in conn.execute(q)]


def load_measurements(
    conn: sa.Connection, workspace_id: int, *, until: date | None = None
) -> list[Measurement]:
    """Every measurement of the workspace in recording order (optionally dated up to `until`)."""
    q = sa.select(t.measurement).where(t.measurement.c.workspace_id == workspace_id)
    if until is not None:
        q = q.where(t.measurement.c.at <= until)
    return [to_measurement(r) for r in conn.execute(q.order_by(t.measurement.c.id))]


def get_kpi(conn: sa.Connection, workspace_id: int, kpi_id: int) -> Kpi:
    row = workspace_row(conn, t.kpi, workspace_id, kpi_id, "KPI")
    return to_kpi(row)


def load_kpi_measurements(conn: sa.Connection, kpi_id: int) -> list[Measurement]:
    """One KPI's measurements in recording order."""
    q = sa.select(t.measurement).where(t.measurement.c.kpi_id == kpi_id)
    return [to_measurement(r) for r in conn.execute(q.order_by(t.measurement.c.id))]


def load_kpis_where(
    conn: sa.Connection,
    workspace_id: int,
    *where: sa.ColumnElement[bool],
    after_id: int = 0,
    limit: int | None = None,
) -> list[Kpi]:
    """The workspace's KPIs with ids above `after_id` matching `where`, by id: at most
    `limit` + 1 of them (the look-ahead row), every one when `limit` is None."""
    q = sa.select(t.kpi).where(t.kpi.c.workspace_id == workspace_id, *where)
    rows = keyset_page(conn, q, t.kpi.c.id, after_id=after_id, limit=limit)
    return [to_kpi(r) for r in rows]


def load_measurements_of(
    conn: sa.Connection, workspace_id: int, kpi_ids: list[int], *, until: date
) -> list[Measurement]:
    """The measurements of these KPIs dated up to `until`, in recording order: one query."""
    if not kpi_ids:
        return []
    q = sa.select(t.measurement).where(
        t.measurement.c.workspace_id == workspace_id,
        t.measurement.c.kpi_id.in_(kpi_ids),
        t.measurement.c.at <= until,
    )
    return [to_measurement(r) for r in conn.execute(q.order_by(t.measurement.c.id))]
