"""Writing rows: inserts stamped with the time, updates, deletes and the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from headway.store import tables as t

# Children first: deleting a workspace's rows in this order never trips a foreign key.
WORKSPACE_TABLES_CHILDREN_FIRST = (
    t.api_token,
    t.audit_event,
    t.grade,
    t.check_in,
    t.initiative,
    t.measurement,
)


def insert_row(conn: sa.Connection, table: sa.Table, now: datetime, **values: Any) -> int:
    """Insert one row (created_at/updated_at set to `now` where the table has them); its id."""
    for stamp in ("created_at", "updated_at"):
        if stamp in table.c and stamp not in values:
            values[stamp] = now
    result = conn.execute(table.insert().values(**values))
    key = result.inserted_primary_key
    return int(key[0]) if key else 0


def update_row(
    conn: sa.Connection, table: sa.Table, row_id: int, now: datetime, **values: Any
) -> None:
    """Update one row by id, stamping updated_at where the table has it."""
    if "updated_at" in table.c:
        values["updated_at"] = now
    conn.execute(table.update().where(table.c.id == row_id).values(**values))


def add_audit_event(
    conn: sa.Connection,
    *,
    workspace_id: int,
    actor_id: int | None,
    actor_label: str,
    action: str,
    subject_type: str,
    subject_id: int | None,
    at: datetime,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Append one audit event: who did what to which row, with the values before and after."""
    conn.execute(
        t.audit_event.insert().values(
            workspace_id=workspace_id,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            before=_jsonable(before),
            after=_jsonable(after),
            at=at,
        )
    )


def _jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


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


def end_sessions(
    conn: sa.Connection, person_id: int, now: datetime, *, keep_hash: str | None = None
) -> None:
    """End every live web session of a person (their password changed: sign in again),
    but the one whose token hash is `keep_hash`, if given."""
    s = t.web_session.c
    live = sa.and_(s.person_id == person_id, s.ended_at.is_(None))
    if keep_hash is not None:
        live = sa.and_(live, s.token_hash != keep_hash)
    conn.execute(t.web_session.update().where(live).values(ended_at=now))
