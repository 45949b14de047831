"""A closed period is read-only except for its retrospective notes (DOMAIN.md, Validation)."""

from __future__ import annotations

import sqlalchemy as sa

from headway.domain.errors import Conflict, NotFound
from headway.domain.model import Period, PeriodState
from headway.store import repository as repo
from headway.store import tables as t


def open_period(conn: sa.Connection, workspace_id: int, period_id: int, what: str) -> Period:
    """The period, if it exists in the workspace and is not closed; else NotFound or Conflict."""
    row = conn.execute(
        sa.select(t.period).where(
            t.period.c.id == period_id, t.period.c.workspace_id == workspace_id
        )
    ).first()
    if row is None:
        raise NotFound(f"period {period_id} does not exist")
    period = repo.to_period(row)
    if period.state is PeriodState.CLOSED:
        raise Conflict(f"period {period.name} is closed: {what} is no longer possible")
    return period
