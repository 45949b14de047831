"""Reading the audit log (admins): who did what to which row, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from headway.domain.model import Workspace
from headway.services.actors import Caller, admins_only, require
from headway.store import mappers
from headway.store import tables as t
from headway.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    subject_type: str
    subject_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _event(r: Any) -> AuditEvent:
    return AuditEvent(
        id=r.id,
        at=mappers.aware(r.at).astimezone(UTC),  # PostgreSQL answers in its session's zone
        actor_id=r.actor_id,
        actor_label=r.actor_label,
        action=r.action,
        subject_type=r.subject_type,
        subject_id=r.subject_id,
        before=r.before,
        after=r.after,
    )


def list_audit_events(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    caller: Caller,
    before_id: int | None,
    limit: int,
    subject_type: str | None = None,
    subject_id: int | None = None,
    actor_id: int | None = None,
) -> list[AuditEvent]:
    """Up to `limit` + 1 events of the workspace with ids below `before_id`, newest first.

    Events are appended in time order, so the id orders them; paging by it stays stable
    while new events arrive (they sort before the first page).
    """
    with uow.reading():
        conn = uow.conn
        require(caller, conn, workspace, "read the audit log", admins_only)
        e = t.audit_event
        q = sa.select(e).where(e.c.workspace_id == workspace.id)
        if before_id is not None:
            q = q.where(e.c.id < before_id)
        if subject_type is not None:
            q = q.where(e.c.subject_type == subject_type)
        if subject_id is not None:
            q = q.where(e.c.subject_id == subject_id)
        if actor_id is not None:
            q = q.where(e.c.actor_id == actor_id)
        rows = conn.execute(q.order_by(e.c.id.desc()).limit(limit + 1))
        return [_event(r) for r in rows]
