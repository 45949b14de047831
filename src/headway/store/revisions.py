"""Workspace revisions: a number that changes with every committed write to a workspace.

Every write leaves an audit event, and the audit writer notes the workspace on the connection
(`note_write`); the unit of work bumps each noted workspace's revision once, as the last
statement before it commits (`bump_noted`), in the same transaction. A process that keeps
figures keeps the revision they were computed at, and knows its copy is old when the
database's revision (`workspace_revision`) differs, whichever process wrote.

A revision is never handed out twice, even across a restore of an older backup: a bump sets
it to the larger of the revision + 1 and the microseconds since the epoch, so the first write
after a restore moves past every revision issued before it.

The bump also writes what the transaction changed to the change log (`workspace_change`),
with the new revision, under the revision row's lock: so the log's revisions follow commit
order (audit-event ids do not, on PostgreSQL: they are handed out before commit), and a
process keeping figures at revision R reads `changes_since(R)` to learn which rows moved.
Rows are named as figures depend on them: a check-in as ("key_result", its key result), a
measurement as ("kpi", its KPI), any other row as its table and id; a transaction that
touched more than `MAX_CHANGES` rows logs one ("*", None). Rows older than a day of
revisions are pruned by a later write: the first a connection makes to the workspace, and
then one an hour of revisions (not every write: a check-in pays for no DELETE).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from headway.store import tables as t

_WRITTEN = "headway_written_workspaces"  # connection.info key: what was written, by workspace

EVERYTHING = "*"  # the subject type of a change too large to name row by row
MAX_CHANGES = 500  # rows a transaction may name in the log; beyond, one EVERYTHING change
KEPT_FOR = 24 * 3600 * 1_000_000  # a day of revisions (microseconds): older changes are pruned
PRUNE_EVERY = 3600 * 1_000_000  # an hour of revisions: how often a connection prunes the log
_PRUNED = "headway_pruned_change_log"  # connection.info key: revision of the last prune, by ws

# The row that a figure reads, for rows that belong to one: (subject type, its field).
_OWNER = {"check_in": ("key_result", "key_result_id"), "measurement": ("kpi", "kpi_id")}

Subject = tuple[str, int | None]


class Change(NamedTuple):
    """A row some write changed, and the revision that write's commit got."""

    revision: int
    subject_type: str
    subject_id: int | None


def note_write(
    conn: sa.Connection,
    workspace_id: int,
    subject_type: str = EVERYTHING,
    subject_id: int | None = None,
    values: Mapping[str, Any] | None = None,
) -> None:
    """Remember that this transaction wrote this row of the workspace (`values`: what the
    audit log holds of it); the revision moves on and the change is logged at commit."""
    owner = _OWNER.get(subject_type)
    if owner is not None and values is not None and values.get(owner[1]) is not None:
        subject_type, subject_id = owner[0], int(values[owner[1]])
    written: dict[int, set[Subject]] = conn.info.setdefault(_WRITTEN, {})
    subjects = written.setdefault(workspace_id, set())
    if len(subjects) < MAX_CHANGES:
        subjects.add((subject_type, subject_id))
    else:
        subjects.clear()
        subjects.add((EVERYTHING, None))


def forget_writes(conn: sa.Connection) -> dict[int, set[Subject]]:
    """What was noted since the last call, forgotten (a transaction begins or ends)."""
    written: dict[int, set[Subject]] = conn.info.pop(_WRITTEN, {})
    return written


def bump_noted(conn: sa.Connection) -> None:
    """Bump the revision of every workspace this transaction wrote to (that still exists), and
    log what it changed with the new revision."""
    written = forget_writes(conn)
    if not written:
        return
    now = bump(conn, written)
    rows = [
        {"workspace_id": ws, "revision": revision, "subject_type": kind, "subject_id": row_id}
        for ws, revision in sorted(now.items())
        for kind, row_id in sorted(written[ws], key=lambda s: (s[0], s[1] or 0))
    ]
    c = t.workspace_change
    if rows:
        conn.execute(c.insert(), rows)
    # Pruning is not every write's business: a connection prunes a workspace's log when it
    # has not for PRUNE_EVERY revisions (an hour). A change it leaves a while longer is one
    # no reader asks for (changes_since answers only within the last KEPT_FOR revisions).
    pruned: dict[int, int] = conn.info.setdefault(_PRUNED, {})
    for ws, revision in sorted(now.items()):
        if revision - pruned.get(ws, 0) < PRUNE_EVERY:
            continue
        conn.execute(c.delete().where(c.c.workspace_id == ws, c.c.revision < revision - KEPT_FOR))
        pruned[ws] = revision


def changes_since(conn: sa.Connection, workspace_id: int, revision: int) -> list[Change] | None:
    """What writes committed after `revision` changed, in commit order; None when the log does
    not tell it: it does not reach back that far (its changes are pruned), or the revision is
    not in this workspace's history (it holds no change at `revision`: a restored backup
    replaced the history, moving the revision back or to another one), or it does not reach
    the revision now (a bump that logged nothing: a process of a Headway from before the log
    wrote). Every bump here logs at least one change with the revision it sets."""
    now = workspace_revision(conn, workspace_id)
    if now < revision or revision < now - KEPT_FOR:
        return None
    if revision == now:
        return []
    c = t.workspace_change.c
    q = (
        sa.select(c.revision, c.subject_type, c.subject_id)
        .where(c.workspace_id == workspace_id, c.revision >= revision, c.revision <= now)
        .order_by(c.revision, c.id)
    )
    logged = [Change(*row) for row in conn.execute(q)]
    if not logged or logged[0].revision != revision or logged[-1].revision != now:
        return None
    return [change for change in logged if change.revision > revision]


def bump(conn: sa.Connection, workspace_ids: Iterable[int]) -> dict[int, int]:
    """Move these workspaces' revisions on; their new revisions, by workspace. One UPDATE
    that returns them, and an upsert for a workspace's first write (its row does not exist
    yet; a deleted workspace gets none)."""
    ids = sorted(set(workspace_ids))
    r = t.workspace_revision
    now = time.time_ns() // 1000
    following = r.c.revision + 1
    moved_on = sa.case((following > now, following), else_=now)
    updated = conn.execute(
        r.update()
        .where(r.c.workspace_id.in_(ids))
        .values(revision=moved_on)
        .returning(r.c.workspace_id, r.c.revision)
    )
    revisions = {int(ws): int(revision) for ws, revision in updated}
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    for workspace_id in ids:
        if workspace_id in revisions:
            continue
        existing = sa.select(t.workspace.c.id, sa.literal(now, sa.BigInteger)).where(
            t.workspace.c.id == workspace_id
        )
        statement = (
            insert(r)
            .from_select(["workspace_id", "revision"], existing)
            .on_conflict_do_update(index_elements=[r.c.workspace_id], set_={"revision": moved_on})
            .returning(r.c.workspace_id, r.c.revision)
        )
        revisions.update({int(ws): int(rev) for ws, rev in conn.execute(statement)})
    return revisions


def workspace_revision(conn: sa.Connection, workspace_id: int) -> int:
    """The workspace's revision now (0 before its first write)."""
    q = sa.select(t.workspace_revision.c.revision).where(
        t.workspace_revision.c.workspace_id == workspace_id
    )
    revision: int | None = conn.execute(q).scalar()
    return revision or 0
