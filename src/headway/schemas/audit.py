"""The audit log as the API answers it."""

from __future__ import annotations

from typing import Any

from headway.domain.model import AuditEvent
from headway.schemas.answer import Answer, Timestamp


class AuditEventOut(Answer):
    """Who did what to which row, with the row's values before and after."""

    id: int
    at: Timestamp
    actor_id: int | None
    actor_label: str
    action: str
    subject_type: str
    subject_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        """The event as the API answers it."""
        return cls.read(event)
