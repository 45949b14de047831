"""Workspaces: the tenants, and removing one with everything in it."""

from __future__ import annotations

import sqlalchemy as sa

from headway.domain.errors import NotFound
from headway.domain.model import Workspace
from headway.store import tables as t
from headway.store.mappers import to_workspace


def get_workspace(conn: sa.Connection, workspace_id: int) -> Workspace:
    row = conn.execute(sa.select(t.workspace).where(t.workspace.c.id == workspace_id)).first()
    if row is None:
        raise NotFound(f"workspace {workspace_id} does not exist")
    return to_workspace(row)


def list_workspaces(conn: sa.Connection) -> list[Workspace]:
    rows = conn.execute(sa.select(t.workspace).order_by(t.workspace.c.id))
    return [to_workspace(r) for r in rows]


# Children first: deleting a workspace's rows in this order never trips a foreign key.
WORKSPACE_TABLES_CHILDREN_FIRST = (
    t.api_token,
    t.audit_event,
    t.grade,
    t.check_in,
    t.initiative,
    t.measurement,
)


def delete_workspace(conn: sa.Connection, workspace_id: int) -> None:
    """Remove a workspace and every row in it (used by `import --replace`)."""
    for table in WORKSPACE_TABLES_CHILDREN_FIRST:
        conn.execute(table.delete().where(table.c.workspace_id == workspace_id))
    # Rows that point at rows of their own table or in a cycle: cut the links first.
    conn.execute(
        t.objective.update()
        .where(t.objective.c.workspace_id == workspace_id)
        .values(parent_id=None, parent_key_result_id=None, continued_from_id=None)
    )
    conn.execute(
        t.unit.update().where(t.unit.c.workspace_id == workspace_id).values(parent_id=None)
    )
    people = sa.select(t.person.c.id).where(t.person.c.workspace_id == workspace_id)
    conn.execute(t.person_unit.delete().where(t.person_unit.c.person_id.in_(people)))
    for table in (t.key_result, t.objective, t.kpi, t.period, t.person, t.unit):
        conn.execute(table.delete().where(table.c.workspace_id == workspace_id))
    conn.execute(t.workspace.delete().where(t.workspace.c.id == workspace_id))
