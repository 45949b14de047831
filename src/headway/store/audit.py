"""The audit trail: append-only events, read newest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from headway.domain.model import AuditEvent, AuditFilter
from headway.store import tables as t
from headway.store.mappers import to_audit_event
from headway.store.revisions import note_write


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
    """Append one audit event: who did what to which row, with the values before and after.

    Every write leaves one, so this is where the workspace's revision is told to move on."""
    note_write(conn, workspace_id, subject_type, subject_id, after or before)
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


class AuditRow(NamedTuple):
    """One audit event to append, as `add_audit_event` takes it."""

    workspace_id: int
    actor_id: int | None
    actor_label: str
    action: str
    subject_type: str
    subject_id: int | None
    at: datetime
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


def add_audit_events(conn: sa.Connection, events: Sequence[AuditRow]) -> None:
    """Append many audit events in bulk, in the order given (each as `add_audit_event` would)."""
    for e in events:
        note_write(conn, e.workspace_id, e.subject_type, e.subject_id, e.after or e.before)
    if events:
        conn.execute(
            t.audit_event.insert(),
            [
                {
                    **e._asdict(),
                    "before": _jsonable(e.before),
                    "after": _jsonable(e.after),
                }
                for e in events
            ],
        )


def audit_events_before(
    conn: sa.Connection,
    workspace_id: int,
    *,
    before_id: int | None,
    limit: int,
    only: AuditFilter,
) -> list[AuditEvent]:
    """Up to `limit` + 1 events of the workspace with ids below `before_id`, newest first,
    of the subject and actor `only` names."""
    e = t.audit_event.c
    q = sa.select(t.audit_event).where(e.workspace_id == workspace_id)
    if before_id is not None:
        q = q.where(e.id < before_id)
    if only.subject_type is not None:
        q = q.where(e.subject_type == only.subject_type)
    if only.subject_id is not None:
        q = q.where(e.subject_id == only.subject_id)
    if only.actor_id is not None:
        q = q.where(e.actor_id == only.actor_id)
    rows = conn.execute(q.order_by(e.id.desc()).limit(limit + 1))
    return [to_audit_event(r) for r in rows]


def forget_actors(conn: sa.Connection, person_ids: Sequence[int]) -> None:
    """Clear the actor id of these people's events; the events keep their actor label."""
    e = t.audit_event
    conn.execute(e.update().where(e.c.actor_id.in_(person_ids)).values(actor_id=None))


def _jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}
