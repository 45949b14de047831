"""A closed period is read-only except for its retrospective notes (docs/concepts.md)."""

from __future__ import annotations

from headway.domain.errors import Conflict
from headway.domain.model import Period, PeriodState
from headway.store import periods as period_store
from headway.store.uow import Connection


def open_period(conn: Connection, workspace_id: int, period_id: int, what: str) -> Period:
    """The period, if it exists in the workspace and is not closed; else NotFound or Conflict."""
    period = period_store.get_period(conn, workspace_id, period_id)
    if period.state is PeriodState.CLOSED:
        raise Conflict(f"period {period.name} is closed: {what} is no longer possible")
    return period
