"""The organisation tree's rows."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from headway.domain.model import Unit
from headway.store import tables as t
from headway.store.mappers import to_unit
from headway.store.paging import page_of
from headway.store.rows import row_exists, workspace_row


def load_units(conn: sa.Connection, workspace_id: int) -> list[Unit]:
    q = sa.select(t.unit).where(t.unit.c.workspace_id == workspace_id).order_by(t.unit.c.id)
    return [to_unit(r) for r in conn.execute(q)]


def units_and_above(conn: sa.Connection, workspace_id: int, unit_ids: Iterable[int]) -> list[Unit]:
    """The workspace's units with these ids and every unit above them (one recursive query:
    as many rows as the tree is deep, however many units it holds)."""
    u = t.unit
    above = (
        sa.select(u)
        .where(u.c.workspace_id == workspace_id, u.c.id.in_(sorted(set(unit_ids))))
        .cte("above", recursive=True)
    )
    parent = u.alias("parent")
    # UNION (not UNION ALL) drops a row seen before, so a corrupt tree's cycle still ends.
    above = above.union(
        sa.select(parent).where(
            parent.c.workspace_id == workspace_id, parent.c.id == above.c.parent_id
        )
    )
    return [to_unit(r) for r in conn.execute(sa.select(above).order_by(above.c.id))]


def get_unit(
    conn: sa.Connection, workspace_id: int, unit_id: int, *, for_update: bool = False
) -> Unit:
    """The workspace's unit with this id (locked: `for_update`); NotFound otherwise."""
    return to_unit(
        workspace_row(conn, t.unit, workspace_id, unit_id, "unit", for_update=for_update)
    )


def unit_exists(conn: sa.Connection, workspace_id: int, unit_id: int) -> bool:
    """Whether the workspace has a unit with this id."""
    return row_exists(conn, t.unit, workspace_id, unit_id)


def units_page(conn: sa.Connection, workspace_id: int, after_id: int, limit: int) -> list[Unit]:
    """Up to `limit` + 1 units with ids above `after_id`, by id."""
    return page_of(conn, t.unit, to_unit, workspace_id, after_id, limit)


# What may hang on a unit, each by the rows that would point at it.
_DEPENDANTS = {
    "units": t.unit.c.parent_id,
    "objectives": t.objective.c.owner_unit_id,
    "kpis": t.kpi.c.owner_unit_id,
    "members": t.person_unit.c.unit_id,
}


def unit_dependants(conn: sa.Connection, unit_id: int) -> list[str]:
    """Which of units, objectives, kpis and members point at the unit (one query each)."""
    return [
        kind
        for kind, column in _DEPENDANTS.items()
        if conn.execute(sa.select(column).where(column == unit_id).limit(1)).first()
    ]
