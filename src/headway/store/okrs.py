"""Objectives, key results, check-ins and initiatives."""

from __future__ import annotations

import sqlalchemy as sa

from headway.domain.model import CheckIn, Initiative, KeyResult, Objective
from headway.store import tables as t
from headway.store.mappers import to_check_in, to_initiative, to_key_result, to_objective
from headway.store.paging import keyset_page
from headway.store.rows import workspace_row


def objectives_in(conn: sa.Connection, period_filter: sa.ColumnElement[bool]) -> list[Objective]:
    q = (
        sa.select(t.objective)
        .join(t.period, t.period.c.id == t.objective.c.period_id)
        .where(period_filter)
        .order_by(t.objective.c.position, t.objective.c.id)
    )
    return [to_objective(r) for r in conn.execute(q)]


def load_objectives(conn: sa.Connection, workspace_id: int) -> list[Objective]:
    return objectives_in(conn, t.period.c.workspace_id == workspace_id)


def load_key_results(conn: sa.Connection, workspace_id: int) -> list[KeyResult]:
    q = sa.select(t.key_result).where(t.key_result.c.workspace_id == workspace_id)
    q = q.order_by(t.key_result.c.objective_id, t.key_result.c.position, t.key_result.c.id)
    return [to_key_result(r) for r in conn.execute(q)]


def load_check_ins(conn: sa.Connection, workspace_id: int) -> list[CheckIn]:
    """Check-ins in recording order."""
    q = sa.select(t.check_in).where(t.check_in.c.workspace_id == workspace_id)
    return [to_check_in(r) for r in conn.execute(q.order_by(t.check_in.c.id))]


def load_initiatives(conn: sa.Connection, workspace_id: int) -> list[Initiative]:
    q = (
        sa.select(t.initiative)
        .where(t.initiative.c.workspace_id == workspace_id)
        .order_by(t.initiative.c.id)
    )
    return [to_initiative(r) for r in conn.execute(q)]


def get_objective(conn: sa.Connection, workspace_id: int, objective_id: int) -> Objective:
    row = workspace_row(conn, t.objective, workspace_id, objective_id, "objective")
    return to_objective(row)


def objectives_after(
    conn: sa.Connection,
    workspace_id: int,
    after_id: int,
    limit: int | None,
    *where: sa.ColumnElement[bool],
) -> list[Objective]:
    """Objectives of a workspace with ids above `after_id`, by id; at most `limit` + 1 of them
    (every one when `limit` is None: a filter on computed figures must see them all)."""
    q = sa.select(t.objective).where(t.objective.c.workspace_id == workspace_id, *where)
    rows = keyset_page(conn, q, t.objective.c.id, after_id=after_id, limit=limit)
    return [to_objective(r) for r in rows]


def get_key_result(conn: sa.Connection, workspace_id: int, key_result_id: int) -> KeyResult:
    row = workspace_row(conn, t.key_result, workspace_id, key_result_id, "key result")
    return to_key_result(row)


def get_check_in(conn: sa.Connection, workspace_id: int, check_in_id: int) -> CheckIn:
    row = workspace_row(conn, t.check_in, workspace_id, check_in_id, "check-in")
    return to_check_in(row)


def get_initiative(conn: sa.Connection, workspace_id: int, initiative_id: int) -> Initiative:
    row = workspace_row(conn, t.initiative, workspace_id, initiative_id, "initiative")
    return to_initiative(row)


def load_initiatives_of_objective(
    conn: sa.Connection, workspace_id: int, objective_id: int
) -> list[Initiative]:
    """The initiatives of an objective and of its key results, by id, in one query."""
    i = t.initiative.c
    krs = sa.select(t.key_result.c.id).where(t.key_result.c.objective_id == objective_id)
    q = (
        sa.select(t.initiative)
        .where(i.workspace_id == workspace_id)
        .where(sa.or_(i.objective_id == objective_id, i.key_result_id.in_(krs)))
        .order_by(i.id)
    )
    return [to_initiative(r) for r in conn.execute(q)]
