"""Workspaces: the tenants, emptying one for a document, and removing one with everything in it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from headway.domain.errors import NotFound
from headway.domain.model import Workspace
from headway.store import tables as t
from headway.store.audit import forget_actors
from headway.store.cascade import delete_with_dependants
from headway.store.mappers import to_workspace
from headway.store.rows import insert_row, locked, update_row
from headway.store.tokens import delete_tokens_of


def get_workspace(conn: sa.Connection, workspace_id: int) -> Workspace:
    row = conn.execute(sa.select(t.workspace).where(t.workspace.c.id == workspace_id)).first()
    if row is None:
        raise NotFound(f"workspace {workspace_id} does not exist")
    return to_workspace(row)


def lock_workspace(conn: sa.Connection, workspace_id: int) -> None:
    """Hold the workspace's row locked until the transaction ends.

    Taken first by every write whose rule spans rows (the last active admin, alignment and
    the unit tree staying trees, unique emails and period names): such writes wait for each
    other, so each checks its rule against what the one before it stored. Other writes,
    which only refer to the workspace, are not held up (PostgreSQL's `FOR NO KEY UPDATE`);
    on SQLite every write transaction already holds the database's write lock.
    """
    q = sa.select(t.workspace.c.id).where(t.workspace.c.id == workspace_id)
    if conn.execute(locked(q)).first() is None:
        raise NotFound(f"workspace {workspace_id} does not exist")


def list_workspaces(conn: sa.Connection) -> list[Workspace]:
    rows = conn.execute(sa.select(t.workspace).order_by(t.workspace.c.id))
    return [to_workspace(r) for r in rows]


def workspace_id_named(conn: sa.Connection, name: str) -> int | None:
    """The id of the workspace with this name; None when there is none."""
    q = sa.select(t.workspace.c.id).where(t.workspace.c.name == name)
    workspace_id: int | None = conn.execute(q).scalar()
    return workspace_id


def add_workspace(
    conn: sa.Connection, now: datetime, *, name: str, fiscal_year_start_month: int, timezone: str
) -> int:
    """Insert an empty workspace; its id."""
    return insert_row(
        conn,
        t.workspace,
        now,
        name=name,
        fiscal_year_start_month=fiscal_year_start_month,
        timezone=timezone,
    )


def update_workspace_settings(
    conn: sa.Connection,
    workspace_id: int,
    now: datetime,
    *,
    fiscal_year_start_month: int,
    timezone: str,
) -> None:
    """Change the workspace's fiscal year start and time zone."""
    update_row(
        conn,
        t.workspace,
        workspace_id,
        now,
        fiscal_year_start_month=fiscal_year_start_month,
        timezone=timezone,
    )


def _delete_plans(conn: sa.Connection, workspace_id: int) -> None:
    """Delete the workspace's objectives, KPIs and periods with what belongs to them (through
    the one cascade), and every unit membership, so people and units can go next."""
    for table in (t.objective, t.kpi):
        ids = conn.execute(sa.select(table.c.id).where(table.c.workspace_id == workspace_id))
        delete_with_dependants(conn, table.name, list(ids.scalars()))
    conn.execute(t.period.delete().where(t.period.c.workspace_id == workspace_id))
    people = sa.select(t.person.c.id).where(t.person.c.workspace_id == workspace_id)
    conn.execute(t.person_unit.delete().where(t.person_unit.c.person_id.in_(people)))


def clear_workspace(
    conn: sa.Connection, workspace_id: int, keep_emails: Collection[str]
) -> dict[str, int]:
    """Delete the workspace's rows but its audit log and the people with these emails; the
    ids of those people by email (keys cleared: a document hands them out afresh)."""
    q = sa.select(t.person.c.id, t.person.c.email).where(t.person.c.workspace_id == workspace_id)
    people = conn.execute(q).all()
    kept = {email: person_id for person_id, email in people if email in keep_emails}
    gone = [person_id for person_id, email in people if email not in keep_emails]
    _delete_plans(conn, workspace_id)
    if gone:
        # The audit log is append-only: events of people who go keep their actor label.
        forget_actors(conn, gone)
        delete_tokens_of(conn, gone)
        conn.execute(t.person.delete().where(t.person.c.id.in_(gone)))
    # Keys are handed out afresh by the document; clear them so no two clash on the way.
    conn.execute(t.person.update().where(t.person.c.workspace_id == workspace_id).values(key=None))
    conn.execute(t.unit.delete().where(t.unit.c.workspace_id == workspace_id))
    return kept


def delete_workspace(conn: sa.Connection, workspace_id: int) -> None:
    """Remove a workspace and every row in it (used by `import --replace`)."""
    delete_with_dependants(conn, "workspace", [workspace_id])
