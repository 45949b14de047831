"""The audit trail: append-only events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from headway.store import tables as t


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
