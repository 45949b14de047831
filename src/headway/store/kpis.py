"""KPIs, their measurements, and the key results that follow them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from headway.domain.model import KeyResult, Kpi, Measurement, Objective
from headway.store import tables as t
from headway.store.mappers import to_key_result, to_kpi, to_measurement, to_measurements
from headway.store.paging import keyset_page, page_of
from headway.store.rows import workspace_row

# Ids per DELETE: a batch may replace thousands of measurements, more than a statement's
# parameters may number on some databases.
_DELETE_CHUNK = 500


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


def get_kpi(
    conn: sa.Connection, workspace_id: int, kpi_id: int, *, for_update: bool = False
) -> Kpi:
    row = workspace_row(conn, t.kpi, workspace_id, kpi_id, "KPI", for_update=for_update)
    return to_kpi(row)


def load_kpi_measurements(conn: sa.Connection, kpi_id: int) -> list[Measurement]:
    """One KPI's measurements in recording order."""
    q = sa.select(t.measurement).where(t.measurement.c.kpi_id == kpi_id)
    return [to_measurement(r) for r in conn.execute(q.order_by(t.measurement.c.id))]


def kpis_page(
    conn: sa.Connection,
    workspace_id: int,
    *,
    unit_id: int | None = None,
    category: str | None = None,
    after_id: int = 0,
    limit: int | None = None,
) -> list[Kpi]:
    """The workspace's KPIs with ids above `after_id`, by id: at most `limit` + 1 of them
    (the look-ahead row), every one when `limit` is None. `unit_id` is the owning unit;
    `category` matches regardless of case."""
    q = sa.select(t.kpi).where(t.kpi.c.workspace_id == workspace_id)
    if unit_id is not None:
        q = q.where(t.kpi.c.owner_unit_id == unit_id)
    if category is not None:
        q = q.where(sa.func.lower(t.kpi.c.category) == category.strip().lower())
    rows = keyset_page(conn, q, t.kpi.c.id, after_id=after_id, limit=limit)
    return [to_kpi(r) for r in rows]


def kpi_id_by_key(conn: sa.Connection, workspace_id: int, key: str) -> int:
    """The id of the KPI a document gave this key (it must exist)."""
    q = sa.select(t.kpi.c.id).where(t.kpi.c.workspace_id == workspace_id, t.kpi.c.key == key)
    kpi_id: int = conn.execute(q).scalar_one()
    return kpi_id


def measurements_page(
    conn: sa.Connection,
    workspace_id: int,
    kpi_id: int,
    *,
    since: date | None,
    until: date | None,
    after_id: int,
    limit: int,
) -> list[Measurement]:
    """Up to `limit` + 1 of a KPI's measurements dated since..until (inclusive, each bound
    only when given) with ids above `after_id`, by id."""
    m = t.measurement.c
    where = [m.kpi_id == kpi_id]
    if since is not None:
        where.append(m.at >= since)
    if until is not None:
        where.append(m.at <= until)
    return page_of(conn, t.measurement, to_measurement, workspace_id, after_id, limit, *where)


def measurements_on(conn: sa.Connection, kpi_id: int, days: Collection[date]) -> list[Measurement]:
    """A KPI's measurements dated on any of these days."""
    m = t.measurement.c
    q = sa.select(t.measurement).where(m.kpi_id == kpi_id, m.at.in_(sorted(days)))
    return [to_measurement(r) for r in conn.execute(q)]


def measurements_outside(
    conn: sa.Connection, kpi_id: int, min_value: float | None, max_value: float | None
) -> tuple[int, date | None]:
    """How many of a KPI's measurements lie outside [min_value, max_value], and the first date."""
    m = t.measurement.c
    outside = [
        *([m.value < min_value] if min_value is not None else []),
        *([m.value > max_value] if max_value is not None else []),
    ]
    if not outside:
        return 0, None
    q = sa.select(sa.func.count(), sa.func.min(m.at)).where(m.kpi_id == kpi_id, sa.or_(*outside))
    count, first = conn.execute(q).one()
    return int(count), first


def delete_measurements(conn: sa.Connection, measurement_ids: Sequence[int]) -> None:
    """Delete these measurements, a chunk of ids per statement."""
    for start in range(0, len(measurement_ids), _DELETE_CHUNK):
        chunk = measurement_ids[start : start + _DELETE_CHUNK]
        conn.execute(t.measurement.delete().where(t.measurement.c.id.in_(chunk)))


def delete_measurements_of(conn: sa.Connection, kpi_id: int) -> int:
    """Delete every measurement of a KPI; how many there were."""
    removed = conn.execute(t.measurement.delete().where(t.measurement.c.kpi_id == kpi_id))
    return removed.rowcount


def key_result_titles_following(conn: sa.Connection, kpi_id: int, *, limit: int) -> list[str]:
    """The titles of the first `limit` key results (by id) linked to the KPI."""
    kr = t.key_result.c
    q = sa.select(kr.title).where(kr.kpi_id == kpi_id).order_by(kr.id).limit(limit)
    return list(conn.execute(q).scalars())


def key_results_following(
    conn: sa.Connection, workspace_id: int, kpi_id: int
) -> list[tuple[KeyResult, Objective]]:
    """The key results linked to the KPI, by id, each with its objective's id, title and
    period: one query."""
    o = t.objective.c
    rows = conn.execute(
        sa.select(t.key_result, o.title.label("objective_title"), o.period_id)
        .join(t.objective, o.id == t.key_result.c.objective_id)
        .where(t.key_result.c.kpi_id == kpi_id, t.key_result.c.workspace_id == workspace_id)
        .order_by(t.key_result.c.id)
    )
    return [
        (
            to_key_result(r),
            Objective(id=r.objective_id, title=r.objective_title, period_id=r.period_id),
        )
        for r in rows
    ]


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
    return to_measurements(conn.execute(q.order_by(t.measurement.c.id)))


def measured_spans(
    conn: sa.Connection, workspace_id: int, kpi_ids: list[int], *, until: date
) -> dict[int, tuple[date, date]]:
    """The first and the latest date each of these KPIs of the workspace was measured on, up
    to `until` (a KPI with no measurement is left out): one query, two seeks in the
    (kpi_id, at) index per KPI."""
    if not kpi_ids:
        return {}
    m = t.measurement.c
    k = t.kpi.c

    def seek(bound: Any) -> Any:
        return sa.select(bound(m.at)).where(m.kpi_id == k.id, m.at <= until).scalar_subquery()

    q = sa.select(k.id, seek(sa.func.min), seek(sa.func.max)).where(
        k.workspace_id == workspace_id, k.id.in_(kpi_ids)
    )
    return {kpi_id: (first, last) for kpi_id, first, last in conn.execute(q) if last is not None}


def load_measurements_since(
    conn: sa.Connection, since: Mapping[int, date], *, until: date
) -> list[Measurement]:
    """The measurements of each KPI of `since` dated from its own day up to `until`, in
    recording order: one query, a range of the (kpi_id, at) index for each KPI.

    The KPIs are one workspace's (`measured_spans` says which were measured): a condition on
    the measurement's workspace would lead SQLite to read all of the workspace's rows."""
    if not since:
        return []
    by_day: dict[date, list[int]] = defaultdict(list)
    for kpi_id, day in since.items():
        by_day[day].append(kpi_id)
    m = t.measurement.c
    q = sa.select(t.measurement).where(
        m.at <= until,
        sa.or_(*(sa.and_(m.kpi_id.in_(ids), m.at >= day) for day, ids in sorted(by_day.items()))),
    )
    return to_measurements(conn.execute(q.order_by(m.id)))
