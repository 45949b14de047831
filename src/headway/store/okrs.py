"""Objectives, key results, check-ins and initiatives."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa

from headway.domain.model import (
    CheckIn,
    Initiative,
    KeyResult,
    Objective,
    ObjectiveState,
    PeriodState,
)
from headway.store import tables as t
from headway.store.contributions import fill_contributions
from headway.store.mappers import to_check_in, to_initiative, to_key_result, to_objective
from headway.store.paging import keyset_page, page_of
from headway.store.rows import next_position, workspace_row


def objectives_in(conn: sa.Connection, period_filter: sa.ColumnElement[bool]) -> list[Objective]:
    """The objectives of the periods meeting `period_filter`, with their contributions: two
    queries however many there are."""
    q = (
        sa.select(t.objective)
        .join(t.period, t.period.c.id == t.objective.c.period_id)
        .where(period_filter)
        .order_by(t.objective.c.position, t.objective.c.id)
    )
    objectives = [to_objective(r) for r in conn.execute(q)]
    ids = (
        sa.select(t.objective.c.id)
        .join(t.period, t.period.c.id == t.objective.c.period_id)
        .where(period_filter)
    )
    fill_contributions(conn, objectives, t.objective_contribution.c.objective_id.in_(ids))
    return objectives


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


def get_objective(
    conn: sa.Connection, workspace_id: int, objective_id: int, *, for_update: bool = False
) -> Objective:
    row = workspace_row(
        conn, t.objective, workspace_id, objective_id, "objective", for_update=for_update
    )
    objective = to_objective(row)
    fill_contributions(conn, [objective])
    return objective


def get_key_result(
    conn: sa.Connection, workspace_id: int, key_result_id: int, *, for_update: bool = False
) -> KeyResult:
    row = workspace_row(
        conn, t.key_result, workspace_id, key_result_id, "key result", for_update=for_update
    )
    return to_key_result(row)


def get_check_in(
    conn: sa.Connection, workspace_id: int, check_in_id: int, *, for_update: bool = False
) -> CheckIn:
    row = workspace_row(
        conn, t.check_in, workspace_id, check_in_id, "check-in", for_update=for_update
    )
    return to_check_in(row)


def get_initiative(
    conn: sa.Connection, workspace_id: int, initiative_id: int, *, for_update: bool = False
) -> Initiative:
    row = workspace_row(
        conn, t.initiative, workspace_id, initiative_id, "initiative", for_update=for_update
    )
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


def objectives_page(
    conn: sa.Connection,
    workspace_id: int,
    *,
    period_id: int | None = None,
    owner_unit_id: int | None = None,
    owner_id: int | None = None,
    after_id: int,
    limit: int | None,
) -> list[Objective]:
    """Objectives of a workspace with ids above `after_id`, by id, matching the filters given;
    at most `limit` + 1 of them (every one when `limit` is None: a filter on computed figures
    must see them all). Without their contributions: the period load that evaluates them
    reads those (`objectives_in`)."""
    o = t.objective.c
    q = sa.select(t.objective).where(o.workspace_id == workspace_id)
    if period_id is not None:
        q = q.where(o.period_id == period_id)
    if owner_unit_id is not None:
        q = q.where(o.owner_unit_id == owner_unit_id)
    if owner_id is not None:
        q = q.where(o.owner_id == owner_id)
    rows = keyset_page(conn, q, o.id, after_id=after_id, limit=limit)
    return [to_objective(r) for r in rows]


def next_objective_position(conn: sa.Connection, period_id: int) -> int:
    """Where a new objective of the period goes: after its others."""
    return next_position(conn, t.objective.c.position, t.objective.c.period_id == period_id)


def next_key_result_position(conn: sa.Connection, objective_id: int) -> int:
    """Where a new key result of the objective goes: after its others."""
    kr = t.key_result.c
    return next_position(conn, kr.position, kr.objective_id == objective_id)


def key_result_ids_of(conn: sa.Connection, objective_id: int) -> list[int]:
    """The ids of an objective's key results."""
    q = sa.select(t.key_result.c.id).where(t.key_result.c.objective_id == objective_id)
    return list(conn.execute(q).scalars())


def key_results_with_due_dates(
    conn: sa.Connection, *, period_id: int | None = None, objective_id: int | None = None
) -> list[KeyResult]:
    """The key results with a due date of the period's objectives or of one objective, by id."""
    kr, o = t.key_result, t.objective
    q = sa.select(kr).where(kr.c.due_date.is_not(None))
    if period_id is not None:
        q = q.join(o, o.c.id == kr.c.objective_id).where(o.c.period_id == period_id)
    if objective_id is not None:
        q = q.where(kr.c.objective_id == objective_id)
    return [to_key_result(r) for r in conn.execute(q.order_by(kr.c.id))]


def objectives_linked_to(
    conn: sa.Connection, *, objective_id: int | None = None, key_result_ids: Sequence[int] = ()
) -> list[tuple[int, str]]:
    """(id, title) of the other objectives aligned under the objective or under one of these
    key results, or carried over from the objective, by id."""
    o = t.objective.c
    links: list[sa.ColumnElement[bool]] = [o.parent_key_result_id.in_(key_result_ids)]
    if objective_id is not None:
        links += [o.parent_id == objective_id, o.continued_from_id == objective_id]
    q = sa.select(o.id, o.title).where(sa.or_(*links))
    if objective_id is not None:
        q = q.where(o.id != objective_id)
    return [(row_id, title) for row_id, title in conn.execute(q.order_by(o.id))]


def close_objectives(conn: sa.Connection, objective_ids: Collection[int], now: datetime) -> None:
    """Mark these objectives closed, as their period closes."""
    if objective_ids:
        conn.execute(
            t.objective.update()
            .where(t.objective.c.id.in_(objective_ids))
            .values(state=ObjectiveState.CLOSED.value, updated_at=now)
        )


def key_result_with_objective(
    conn: sa.Connection, workspace_id: int, key_result_id: int
) -> tuple[KeyResult, Objective, PeriodState] | None:
    """A key result of the workspace, its objective and the state of the objective's period,
    in one query."""
    kr, o = t.key_result, t.objective
    row = conn.execute(
        sa.select(
            kr,
            *(column.label(f"objective__{column.name}") for column in o.c),
            t.period.c.state.label("period_state"),
        )
        .join(o, o.c.id == kr.c.objective_id)
        .join(t.period, t.period.c.id == o.c.period_id)
        .where(kr.c.id == key_result_id, kr.c.workspace_id == workspace_id)
        .where(o.c.workspace_id == workspace_id)
    ).first()
    if row is None:
        return None
    fields = row._mapping
    objective = SimpleNamespace(**{c.name: fields[f"objective__{c.name}"] for c in o.c})
    return to_key_result(row), to_objective(objective), PeriodState(row.period_state)


def check_ins_of(conn: sa.Connection, key_result_id: int) -> list[CheckIn]:
    """A key result's check-ins in recording order."""
    q = sa.select(t.check_in).where(t.check_in.c.key_result_id == key_result_id)
    return [to_check_in(r) for r in conn.execute(q.order_by(t.check_in.c.id))]


def check_ins_page(
    conn: sa.Connection, workspace_id: int, key_result_id: int, *, after_id: int, limit: int
) -> list[CheckIn]:
    """Up to `limit` + 1 check-ins of a key result with ids above `after_id`: recording order."""
    return page_of(
        conn,
        t.check_in,
        to_check_in,
        workspace_id,
        after_id,
        limit,
        t.check_in.c.key_result_id == key_result_id,
    )


def initiatives_page(
    conn: sa.Connection, workspace_id: int, key_result_id: int, *, after_id: int, limit: int
) -> list[Initiative]:
    """Up to `limit` + 1 initiatives of a key result with ids above `after_id`, by id."""
    return page_of(
        conn,
        t.initiative,
        to_initiative,
        workspace_id,
        after_id,
        limit,
        t.initiative.c.key_result_id == key_result_id,
    )
