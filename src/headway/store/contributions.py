"""Contributions: the further objectives and key results an objective also serves.

Read set-based: one query fills the `contributes_to` and `contributes_to_key_results` of any
number of objectives, each in the order its links were made.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from headway.domain.model import Objective
from headway.store import tables as t


def fill_contributions(
    conn: sa.Connection,
    objectives: Sequence[Objective],
    which: sa.ColumnElement[bool] | None = None,
) -> None:
    """Set the contributions of these objectives in one query: the links of the objectives
    meeting `which` (a condition on `objective_contribution`), else of these objectives' ids."""
    if not objectives:
        return
    c = t.objective_contribution.c
    if which is None:
        which = c.objective_id.in_([o.id for o in objectives])
    q = (
        sa.select(c.objective_id, c.target_objective_id, c.target_key_result_id)
        .where(which)
        .order_by(c.objective_id, c.id)
    )
    to_objectives: dict[int, list[int]] = {}
    to_key_results: dict[int, list[int]] = {}
    for objective_id, target_objective_id, target_key_result_id in conn.execute(q):
        if target_objective_id is not None:
            to_objectives.setdefault(objective_id, []).append(target_objective_id)
        else:
            to_key_results.setdefault(objective_id, []).append(target_key_result_id)
    for o in objectives:
        o.contributes_to = tuple(to_objectives.get(o.id, ()))
        o.contributes_to_key_results = tuple(to_key_results.get(o.id, ()))


def replace_contributions(
    conn: sa.Connection,
    workspace_id: int,
    objective_id: int,
    objective_ids: Sequence[int],
    key_result_ids: Sequence[int],
) -> None:
    """Make these (checked) objectives and key results, in this order, the whole set the
    objective contributes to."""
    c = t.objective_contribution
    conn.execute(c.delete().where(c.c.objective_id == objective_id))
    add_contributions(
        conn,
        workspace_id,
        [(objective_id, o, None) for o in objective_ids]
        + [(objective_id, None, kr) for kr in key_result_ids],
    )


def add_contributions(
    conn: sa.Connection,
    workspace_id: int,
    links: Sequence[tuple[int, int | None, int | None]],
) -> None:
    """Insert (objective id, target objective id, target key result id) links, in order, in
    one statement."""
    if links:
        conn.execute(
            t.objective_contribution.insert(),
            [
                {
                    "workspace_id": workspace_id,
                    "objective_id": o,
                    "target_objective_id": target,
                    "target_key_result_id": kr,
                }
                for o, target, kr in links
            ],
        )


def contributors_to_key_result(conn: sa.Connection, key_result_id: int) -> list[int]:
    """The ids of the objectives contributing to this key result, by id."""
    c = t.objective_contribution.c
    q = sa.select(c.objective_id).where(c.target_key_result_id == key_result_id)
    return list(conn.execute(q.order_by(c.objective_id)).scalars())


def contributors_to(
    conn: sa.Connection, *, objective_id: int | None = None, key_result_ids: Sequence[int] = ()
) -> list[tuple[int, str]]:
    """(id, title) of the other objectives contributing to the objective or to one of these
    key results, each once, by id."""
    c, o = t.objective_contribution.c, t.objective.c
    targets: list[sa.ColumnElement[bool]] = [c.target_key_result_id.in_(key_result_ids)]
    if objective_id is not None:
        targets.append(c.target_objective_id == objective_id)
    q = (
        sa.select(o.id, o.title)
        .join(t.objective_contribution, c.objective_id == o.id)
        .where(sa.or_(*targets))
        .distinct()
    )
    if objective_id is not None:
        q = q.where(o.id != objective_id)
    return [(row_id, title) for row_id, title in conn.execute(q.order_by(o.id))]
