"""Workspace revisions: a number that changes with every committed write to a workspace.

Every write leaves an audit event, and the audit writer notes the workspace on the connection
(`note_write`); the unit of work bumps each noted workspace's revision once, as the last
statement before it commits (`bump_noted`), in the same transaction. A process that keeps
figures keeps the revision they were computed at, and knows its copy is old when the
database's revision (`workspace_revision`) differs, whichever process wrote.

A revision is never handed out twice, even across a restore of an older backup: a bump sets
it to the larger of the revision + 1 and the microseconds since the epoch, so the first write
after a restore moves past every revision issued before it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from headway.store import tables as t

_WRITTEN = "headway_written_workspaces"  # connection.info key: the workspaces written to


def note_write(conn: sa.Connection, workspace_id: int) -> None:
    """Remember that this transaction wrote to the workspace (its revision moves at commit)."""
    conn.info.setdefault(_WRITTEN, set()).add(workspace_id)


def forget_writes(conn: sa.Connection) -> set[int]:
    """The workspaces noted since the last call, forgotten (a transaction begins or ends)."""
    written: set[int] = conn.info.pop(_WRITTEN, set())
    return written


def bump_noted(conn: sa.Connection) -> None:
    """Bump the revision of every workspace this transaction wrote to (that still exists)."""
    written = forget_writes(conn)
    if written:
        bump(conn, written)


def bump(conn: sa.Connection, workspace_ids: Iterable[int]) -> None:
    """Move these workspaces' revisions on: one UPDATE, and an upsert for a workspace's first
    write (its row does not exist yet; a deleted workspace gets none)."""
    ids = sorted(set(workspace_ids))
    r = t.workspace_revision
    now = time.time_ns() // 1000
    following = r.c.revision + 1
    moved_on = sa.case((following > now, following), else_=now)
    updated = conn.execute(r.update().where(r.c.workspace_id.in_(ids)).values(revision=moved_on))
    if updated.rowcount == len(ids):
        return
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for workspace_id in ids:
        existing = sa.select(t.workspace.c.id, sa.literal(now, sa.BigInteger)).where(
            t.workspace.c.id == workspace_id
        )
        statement = (
            insert(r)
            .from_select(["workspace_id", "revision"], existing)
            .on_conflict_do_update(index_elements=[r.c.workspace_id], set_={"revision": moved_on})
        )
        conn.execute(statement)


def workspace_revision(conn: sa.Connection, workspace_id: int) -> int:
    """The workspace's revision now (0 before its first write)."""
    q = sa.select(t.workspace_revision.c.revision).where(
        t.workspace_revision.c.workspace_id == workspace_id
    )
    revision: int | None = conn.execute(q).scalar()
    return revision or 0
