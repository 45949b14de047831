"""Objectives: creating, changing and deleting them, aligned as a tree, in open periods only."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from headway.domain import permissions, validation
from headway.domain.changes import apply_changes, not_null
from headway.domain.errors import Conflict, FieldProblem, ValidationFailed
from headway.domain.model import (
    KeyResult,
    Objective,
    ObjectiveState,
    ObjectiveType,
    Workspace,
)
from headway.services.access.actors import (
    Caller,
    Rule,
    audit,
    insert_audited,
    require,
    update_audited,
)
from headway.services.periods.period_state import open_period
from headway.store import contributions as contribution_store
from headway.store import okrs as okr_store
from headway.store import periods as period_store
from headway.store import rows
from headway.store import workspaces as workspace_store
from headway.store.cascade import delete_with_dependants
from headway.store.uow import Connection, UnitOfWork

# What each id field of a request refers to: its table and the word a message uses.
_REFERENCES: dict[str, tuple[str, str]] = {
    "period_id": ("period", "period"),
    "owner_unit_id": ("unit", "unit"),
    "owner_id": ("person", "person"),
    "parent_id": ("objective", "objective"),
    "parent_key_result_id": ("key_result", "key result"),
    "kpi_id": ("kpi", "KPI"),
    "objective_id": ("objective", "objective"),
    "key_result_id": ("key_result", "key result"),
}


def unknown_references(
    conn: Connection, workspace_id: int, ids: Mapping[str, int | None]
) -> list[FieldProblem]:
    """A problem for each id field naming a row that the workspace does not have."""
    problems = []
    for field, row_id in ids.items():
        table, what = _REFERENCES[field]
        if row_id is not None and not rows.row_exists(conn, table, workspace_id, row_id):
            problems.append(FieldProblem(field, f"no {what} with id {row_id} in this workspace"))
    return problems


def objective_values(objective: Objective) -> dict[str, Any]:
    """An objective's writable fields, as the audit log and the API name them."""
    return {
        "title": objective.title,
        "description": objective.description,
        "period_id": objective.period_id,
        "owner_unit_id": objective.owner_unit_id,
        "owner_id": objective.owner_id,
        "parent_id": objective.parent_id,
        "parent_key_result_id": objective.parent_key_result_id,
        "type": objective.type.value,
        "state": objective.state.value,
    }


# The fields of an objective kept as links in a table of their own, not as its columns.
LINKS = ("contributes_to", "contributes_to_key_results")


def contribution_values(objective: Objective) -> dict[str, Any]:
    """What an objective contributes to, as the audit log and the API name it."""
    return {
        "contributes_to": list(objective.contributes_to),
        "contributes_to_key_results": list(objective.contributes_to_key_results),
    }


def contribution_links(objective: Objective) -> list[validation.Contribution]:
    """The objective's contributions, each with the API field a problem with it names."""
    return [
        validation.Contribution(f"contributes_to[{i}]", objective_id=target)
        for i, target in enumerate(objective.contributes_to)
    ] + [
        validation.Contribution(f"contributes_to_key_results[{i}]", key_result_id=target)
        for i, target in enumerate(objective.contributes_to_key_results)
    ]


def writable_objective(
    conn: Connection,
    workspace: Workspace,
    objective_id: int,
    caller: Caller,
    *,
    what: str,
    doing: str,
) -> Objective:
    """The objective, read locked until the write ends, if the caller may `what` (write it)
    and its period is open for `doing`."""
    objective = okr_store.get_objective(conn, workspace.id, objective_id, for_update=True)
    require_open(
        conn,
        workspace,
        caller,
        objective,
        lambda actor, tree: permissions.can_write_objective(actor, objective, tree),
        what=what,
        doing=doing,
    )
    return objective


def require_open(
    conn: Connection,
    workspace: Workspace,
    caller: Caller,
    objective: Objective,
    rule: Rule,
    *,
    what: str,
    doing: str,
) -> None:
    """Raise unless `rule` lets the caller `what` and `objective`'s period is open for `doing`:
    what writing an objective or anything of it asks, permission first."""
    require(caller, conn, workspace, what, rule)
    open_period(conn, workspace.id, objective.period_id, doing)


def _check_objective(
    conn: Connection,
    workspace: Workspace,
    objective: Objective,
    *,
    is_new: bool,
    links_changed: bool = False,
    moved: bool = False,
    links_kept: bool = False,
) -> list[FieldProblem]:
    """Every problem of the objective's fields and links. `moved`: it goes to another period
    (its key results' due dates must lie inside it); `links_kept`: its stored links go along
    unchanged, which a move cannot take (they serve its old period)."""
    problems = validation.validate_title("title", objective.title)
    problems += validation.validate_note("description", objective.description)
    unknown = unknown_references(
        conn,
        workspace.id,
        {
            "period_id": objective.period_id,
            "owner_unit_id": objective.owner_unit_id,
            "owner_id": objective.owner_id,
            "parent_id": objective.parent_id,
            "parent_key_result_id": objective.parent_key_result_id,
        },
    )
    problems += unknown

    @cache
    def workspace_tree() -> tuple[dict[int, Objective], dict[int, KeyResult]]:
        objectives = {o.id: o for o in okr_store.load_objectives(conn, workspace.id)}
        key_results = {kr.id: kr for kr in okr_store.load_key_results(conn, workspace.id)}
        return objectives, key_results

    parent, parent_kr = objective.parent_id, objective.parent_key_result_id
    if parent is not None and parent_kr is not None:
        problems.append(
            FieldProblem(
                "parent_key_result_id",
                "an objective aligns to an objective or a key result, not both",
            )
        )
    elif (parent is not None or parent_kr is not None) and not problems and not is_new:
        # A new objective has nothing below it yet, so only a change can close a cycle.
        if validation.alignment_creates_cycle(objective.id, parent, parent_kr, *workspace_tree()):
            field = "parent_id" if parent is not None else "parent_key_result_id"
            problems.append(
                FieldProblem(
                    field, "alignment would form a cycle: the objective would be its own ancestor"
                )
            )
    if links_changed and not unknown:
        links = contribution_links(objective)
        if moved and links_kept and links:
            problems.append(FieldProblem("period_id", _serving_elsewhere(objective)))
            links = []  # what they would say ("no such objective in this period") misleads
        problems += validation.validate_contributions(
            objective, links, *workspace_tree(), by_id=True
        )
    if moved and not unknown:
        problems += _due_dates_outside(conn, workspace, objective)
    return problems


def _serving_elsewhere(objective: Objective) -> str:
    """Why an objective that contributes to others cannot simply move to another period."""
    targets, fields = [], []
    for field, ids, what in (
        ("contributes_to", objective.contributes_to, "objectives"),
        ("contributes_to_key_results", objective.contributes_to_key_results, "key results"),
    ):
        if ids:
            targets.append(f"{what} {', '.join(str(i) for i in ids)}")
            fields.append(f"`{field}`")
    return (
        f"contributes to {' and '.join(targets)} of its period: clear {' and '.join(fields)} "
        "to move it"
    )


def create_objective(
    uow: UnitOfWork,
    workspace: Workspace,
    draft: Objective,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Objective:
    """Add an objective to an open period, last in its order."""
    now = clock()
    objective = draft
    objective.title = objective.title.strip()
    with uow:
        conn = uow.conn
        require(
            caller,
            conn,
            workspace,
            "create an objective for this owner",
            lambda actor, tree: permissions.can_create_objective(
                actor, objective.owner_unit_id, objective.owner_id, tree
            ),
        )
        links = bool(objective.contributes_to or objective.contributes_to_key_results)
        if links:  # its targets stay where they are checked to be (see update_objective)
            workspace_store.lock_workspace(conn, workspace.id)
        problems = _check_objective(conn, workspace, objective, is_new=True, links_changed=links)
        if problems:
            raise ValidationFailed(problems)
        open_period(conn, workspace.id, objective.period_id, "adding objectives")
        objective.position = okr_store.next_objective_position(conn, objective.period_id)
        values = objective_values(objective) | {"position": objective.position, "key": None}
        if not links:
            objective.id = insert_audited(conn, caller, workspace, "objective", now, **values)
            return objective
        objective.id = rows.insert_row(conn, "objective", now, workspace_id=workspace.id, **values)
        _write_contributions(conn, workspace, objective)
        after = values | contribution_values(objective)
        audit(conn, caller, workspace, "create", "objective", objective.id, now, after=after)
    return objective


def _write_contributions(conn: Connection, workspace: Workspace, objective: Objective) -> None:
    contribution_store.replace_contributions(
        conn,
        workspace.id,
        objective.id,
        objective.contributes_to,
        objective.contributes_to_key_results,
    )


def _apply(objective: Objective, changes: Mapping[str, Any]) -> list[FieldProblem]:
    """Write a PATCH's changes into `objective`; problems with nulls that cannot be."""
    problems = not_null(changes, "title", "period_id", "type", "state")
    if not problems:
        apply_changes(
            objective,
            {k: v for k, v in changes.items() if k not in LINKS},
            trimmed={"title"},
            text={"description"},
            enums={"type": ObjectiveType, "state": ObjectiveState},
        )
        # A PATCH replaces the whole set it names; a null clears it.
        if "contributes_to" in changes:
            objective.contributes_to = tuple(changes["contributes_to"] or ())
        if "contributes_to_key_results" in changes:
            objective.contributes_to_key_results = tuple(
                changes["contributes_to_key_results"] or ()
            )
    return problems


def update_objective(
    uow: UnitOfWork,
    workspace: Workspace,
    objective_id: int,
    changes: Mapping[str, Any],
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Objective:
    """Change an objective of an open period; what changed is validated again."""
    now = clock()
    with uow:
        conn = uow.conn
        linked = {"parent_id", "parent_key_result_id", "period_id", *LINKS} & changes.keys()
        if linked:
            # Alignment must stay a tree: re-alignments (and contributions) wait for each
            # other, so that two at once cannot make two objectives each other's parent.
            # A period re-dated meanwhile also checks its key results' due dates under it.
            workspace_store.lock_workspace(conn, workspace.id)
        objective = writable_objective(
            conn,
            workspace,
            objective_id,
            caller,
            what="change this objective",
            doing="changing its objectives",
        )
        before = objective_values(objective)
        links_before = contribution_values(objective)
        problems = _apply(objective, changes) or _check_objective(
            conn,
            workspace,
            objective,
            is_new=False,
            links_changed=bool(linked),
            moved=objective.period_id != before["period_id"],
            links_kept=not set(LINKS) & changes.keys(),
        )
        if problems:
            raise ValidationFailed(problems)
        if {"owner_unit_id", "owner_id"} & changes.keys():
            # Handing an objective over is creating it for the new owner.
            require(
                caller,
                conn,
                workspace,
                "hand this objective to that owner",
                lambda actor, tree: permissions.can_create_objective(
                    actor, objective.owner_unit_id, objective.owner_id, tree
                ),
            )
        moved: dict[str, Any] = {}
        if objective.period_id != before["period_id"]:
            open_period(conn, workspace.id, objective.period_id, "adding objectives")
            objective.position = okr_store.next_objective_position(conn, objective.period_id)
            moved["position"] = objective.position
        after = objective_values(objective)
        links_after = contribution_values(objective)
        if links_after != links_before:
            before, after = before | links_before, after | links_after
            _write_contributions(conn, workspace, objective)
        update_audited(
            conn,
            caller,
            workspace,
            "objective",
            objective.id,
            now,
            before=before,
            after=after,
            not_columns=LINKS,
            **moved,
        )
    return objective


def _due_dates_outside(
    conn: Connection, workspace: Workspace, objective: Objective
) -> list[FieldProblem]:
    """An objective moves to another period only with its key results' due dates inside it."""
    period = period_store.get_period(conn, workspace.id, objective.period_id)
    due = okr_store.key_results_with_due_dates(conn, objective_id=objective.id)
    return validation.due_dates_outside(
        due, period.start_date, period.end_date, start_field="period_id", end_field="period_id"
    )


def delete_objective(
    uow: UnitOfWork,
    workspace: Workspace,
    objective_id: int,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> None:
    """Remove an objective with its key results, check-ins, initiatives and grades.

    Refused while another objective is aligned under it or under one of its key results, was
    carried over from it, or contributes to it or to one of its key results: deleting it would
    silently cut the tree or those links.
    """
    now = clock()
    with uow:
        conn = uow.conn
        # Objectives linking to what goes are found under the lock their links are written
        # under, so none is linked meanwhile and lost with it.
        workspace_store.lock_workspace(conn, workspace.id)
        objective = writable_objective(
            conn,
            workspace,
            objective_id,
            caller,
            what="delete this objective",
            doing="deleting its objectives",
        )
        kr_ids = okr_store.key_result_ids_of(conn, objective.id)
        refuse_while_linked(
            f"objective {objective.id}",
            Linked(
                "aligned under it or carried over from it",
                okr_store.objectives_linked_to(
                    conn, objective_id=objective.id, key_result_ids=kr_ids
                ),
                "move or delete them first",
            ),
            contributing(
                conn,
                "to it or to its key results",
                objective_id=objective.id,
                key_result_ids=kr_ids,
            ),
        )
        before = (
            objective_values(objective)
            | contribution_values(objective)
            | {"key_result_ids": kr_ids}
        )
        delete_okr_audited(conn, caller, workspace, "objective", objective.id, now, before=before)


@dataclass(frozen=True, slots=True)
class Linked:
    """Objectives (id, title) still linked to a row being deleted: `how` they are linked,
    and what to do `first`."""

    how: str
    objectives: Sequence[tuple[int, str]]
    first: str


def contributing(
    conn: Connection,
    to: str,
    *,
    objective_id: int | None = None,
    key_result_ids: Sequence[int] = (),
) -> Linked:
    """The objectives contributing to the objective or these key results: their links would
    go unseen with it, so they are removed first, by whoever may write those objectives."""
    return Linked(
        f"contributing {to}",
        contribution_store.contributors_to(
            conn, objective_id=objective_id, key_result_ids=key_result_ids
        ),
        "remove those links first",
    )


def refuse_while_linked(subject: str, *links: Linked) -> None:
    """A conflict naming every objective still linked to what is being deleted, each group
    with what to do about it."""
    parts = [
        f"objectives {linked.how}: "
        + ", ".join(f"{title!r} ({row_id})" for row_id, title in linked.objectives)
        + f"; {linked.first}"
        for linked in links
        if linked.objectives
    ]
    if parts:
        raise Conflict(f"{subject} still has " + "; and ".join(parts))


def delete_okr_audited(
    conn: Connection,
    caller: Caller,
    workspace: Workspace,
    table: str,
    row_id: int,
    now: datetime,
    *,
    before: Mapping[str, Any],
) -> None:
    """Delete an objective or key result with its check-ins, initiatives and grades, and
    record what it held and how many of those went with it."""
    removed = delete_with_dependants(conn, table, [row_id])
    counts = {
        "check_ins": removed.get("check_in", 0),
        "initiatives": removed.get("initiative", 0),
        "grades": removed.get("grade", 0),
    }
    audit(conn, caller, workspace, "delete", table, row_id, now, before={**before, **counts})
