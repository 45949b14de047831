"""Grades: the final scores a period's close freezes for its objectives and key results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from headway.domain.model import ObjectiveType
from headway.store import tables as t


class StoredGrade(NamedTuple):
    """A grade row, with the type of its objective (None for a key result's grade)."""

    objective_id: int | None
    key_result_id: int | None
    score: float | None
    band: str | None
    objective_type: ObjectiveType | None


def grades_of_period(conn: sa.Connection, period_id: int) -> list[StoredGrade]:
    """The period's grades in the order the close wrote them."""
    g = t.grade.c
    rows = conn.execute(
        sa.select(g.objective_id, g.key_result_id, g.score, g.band, t.objective.c.type)
        .outerjoin(t.objective, t.objective.c.id == g.objective_id)
        .where(g.period_id == period_id)
        .order_by(g.id)
    )
    return [
        StoredGrade(
            r.objective_id,
            r.key_result_id,
            r.score,
            r.band,
            None if r.type is None else ObjectiveType(r.type),
        )
        for r in rows
    ]


def add_grades(
    conn: sa.Connection,
    workspace_id: int,
    period_id: int,
    grades: Iterable[Mapping[str, Any]],
    now: datetime,
) -> None:
    """Store grades (objective_id, key_result_id, score, band) of a period: one statement."""
    rows = [
        {**grade, "workspace_id": workspace_id, "period_id": period_id, "created_at": now}
        for grade in grades
    ]
    if rows:
        conn.execute(t.grade.insert(), rows)
