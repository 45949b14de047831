"""Key results: adding them to an objective (last in its order), changing and deleting them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from headway.domain import permissions, validation
from headway.domain.changes import apply_changes, not_null
from headway.domain.errors import FieldProblem, NotFound, ValidationFailed
from headway.domain.model import KeyResult, KeyResultKind, Objective, Workspace
from headway.services.access.actors import Caller, insert_audited, update_audited
from headway.services.okrs.objectives import (
    Linked,
    contributing,
    delete_okr_audited,
    refuse_while_linked,
    require_open,
    unknown_references,
    writable_objective,
)
from headway.store import contributions as contribution_store
from headway.store import okrs as okr_store
from headway.store import periods as period_store
from headway.store import workspaces as workspace_store
from headway.store.uow import Connection, UnitOfWork


def key_result_values(kr: KeyResult) -> dict[str, Any]:
    """A key result's writable fields, as the audit log and the API name them."""
    return {
        "objective_id": kr.objective_id,
        "title": kr.title,
        "kind": kr.kind.value,
        "unit_label": kr.unit_label,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "weight": kr.weight,
        "owner_id": kr.owner_id,
        "kpi_id": kr.kpi_id,
        "due_date": kr.due_date,
    }


def writable_key_result(
    conn: Connection,
    workspace: Workspace,
    key_result_id: int,
    caller: Caller,
    *,
    what: str,
    doing: str,
) -> tuple[KeyResult, Objective]:
    """The key result and its objective, if the caller may `what` (write the key result) and
    the objective's period is open for `doing`."""
    kr = okr_store.get_key_result(conn, workspace.id, key_result_id, for_update=True)
    objective = okr_store.get_objective(conn, workspace.id, kr.objective_id)
    require_open(
        conn,
        workspace,
        caller,
        objective,
        lambda actor, tree: permissions.can_write_key_result(actor, kr, objective, tree),
        what=what,
        doing=doing,
    )
    return kr, objective


def _check_key_result(
    conn: Connection,
    workspace: Workspace,
    kr: KeyResult,
    objective: Objective | None,
    *,
    recheck_check_ins: bool,
) -> list[FieldProblem]:
    """Every problem of the key result's fields, its due date against `objective`'s period
    (none: an objective that does not exist, already a problem of its own)."""
    problems = validation.validate_key_result_text(kr.title, kr.unit_label)
    problems += validation.validate_key_result(
        kr.kind, kr.start_value, kr.target_value, kr.weight, kpi_linked=kr.kpi_id is not None
    )
    problems += unknown_references(
        conn, workspace.id, {"owner_id": kr.owner_id, "kpi_id": kr.kpi_id}
    )
    if kr.due_date is not None and objective is not None:
        period = period_store.get_period(conn, workspace.id, objective.period_id)
        problems += validation.validate_due_date(kr.due_date, period.start_date, period.end_date)
    if recheck_check_ins and not problems:
        problems += _check_ins_still_fit(conn, kr)
    return problems


def _check_ins_still_fit(conn: Connection, kr: KeyResult) -> list[FieldProblem]:
    """A new kind or KPI link must suit the check-ins already recorded (a rollup or a
    KPI-linked key result takes none, a milestone only 0 or 1), so the workspace stays
    exportable and importable as it is."""
    for check_in in okr_store.check_ins_of(conn, kr.id):
        # The date rule is about entering a check-in, not about the kind: date.max skips it.
        misfits = validation.validate_check_in(
            kr.kind,
            check_in.value,
            None,
            check_in.effective_date,
            date.max,
            kpi_linked=kr.kpi_id is not None,
        )
        if misfits:
            field = (
                "kpi_id" if kr.kpi_id is not None and kr.kind != KeyResultKind.ROLLUP else "kind"
            )
            return [
                FieldProblem(
                    field,
                    f"does not suit the check-in of {check_in.effective_date.isoformat()} "
                    f"already recorded: {misfits[0].message}",
                )
            ]
    return []


def create_key_result(
    uow: UnitOfWork,
    workspace: Workspace,
    objective_id: int,
    draft: KeyResult,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> KeyResult:
    """Add a key result to an objective of an open period, after its others."""
    now = clock()
    kr = draft
    kr.title = kr.title.strip()
    with uow:
        conn = uow.conn
        if kr.due_date is not None:
            # A period re-dated meanwhile checks its key results' due dates under this lock.
            workspace_store.lock_workspace(conn, workspace.id)
        objective = writable_objective(
            conn,
            workspace,
            objective_id,
            caller,
            what="add key results to this objective",
            doing="adding key results",
        )
        kr.objective_id = objective.id
        problems = _check_key_result(conn, workspace, kr, objective, recheck_check_ins=False)
        if problems:
            raise ValidationFailed(problems)
        kr.position = okr_store.next_key_result_position(conn, objective.id)
        values = key_result_values(kr) | {"position": kr.position, "key": None}
        kr.id = insert_audited(conn, caller, workspace, "key_result", now, **values)
    return kr


def _apply(kr: KeyResult, changes: Mapping[str, Any]) -> list[FieldProblem]:
    """Write a PATCH's changes into `kr`; problems with nulls that cannot be."""
    problems = not_null(changes, "title", "kind", "objective_id")
    if not problems:
        apply_changes(
            kr, changes, trimmed={"title"}, text={"unit_label"}, enums={"kind": KeyResultKind}
        )
    return problems


def _move_to(
    conn: Connection, workspace: Workspace, kr: KeyResult, caller: Caller
) -> tuple[Objective | None, list[FieldProblem]]:
    """The objective a key result moves to, if the caller may, and every problem of the move
    (alignment stays a tree, and those contributing to it stay in its period); no objective
    when it does not exist."""
    try:
        target = writable_objective(
            conn,
            workspace,
            kr.objective_id,
            caller,
            what="add key results to that objective",
            doing="adding key results",
        )
    except NotFound:
        missing = f"no objective with id {kr.objective_id} in this workspace"
        return None, [FieldProblem("objective_id", missing)]
    objectives = {o.id: o for o in okr_store.load_objectives(conn, workspace.id)}
    key_results = {k.id: k for k in okr_store.load_key_results(conn, workspace.id)}
    key_results[kr.id] = kr
    problems = []
    for aligned in objectives.values():
        serving = kr.id in aligned.contributes_to_key_results
        if serving and aligned.period_id != target.period_id:
            problems.append(
                FieldProblem(
                    "objective_id",
                    f"objective {aligned.id} contributes to this key result from its "
                    "period: a key result it serves stays in that period",
                )
            )
        elif (
            aligned.parent_key_result_id == kr.id or serving
        ) and validation.alignment_creates_cycle(aligned.id, None, kr.id, objectives, key_results):
            problems.append(
                FieldProblem(
                    "objective_id",
                    f"alignment would form a cycle: objective {aligned.id} is aligned under "
                    "(or contributes to) this key result and would become its own ancestor",
                )
            )
    return target, problems


def update_key_result(
    uow: UnitOfWork,
    workspace: Workspace,
    key_result_id: int,
    changes: Mapping[str, Any],
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> KeyResult:
    """Change a key result of an open period; what changed is validated again."""
    now = clock()
    with uow:
        conn = uow.conn
        if {"objective_id", "due_date", "kind"} & changes.keys():
            # Objectives aligned under the key result move with it: alignment must stay a
            # tree under concurrent moves (see update_objective); a period re-dated meanwhile
            # checks the due dates under this lock; and a key result that objectives
            # contribute to stays a rollup while they do.
            workspace_store.lock_workspace(conn, workspace.id)
        kr, objective = writable_key_result(
            conn,
            workspace,
            key_result_id,
            caller,
            what="change this key result",
            doing="changing its key results",
        )
        before = key_result_values(kr)
        problems = _apply(kr, changes)
        if problems:
            raise ValidationFailed(problems)
        moving = kr.objective_id != objective.id
        target: Objective | None = objective
        if moving:
            target, problems = _move_to(conn, workspace, kr, caller)
        relinked = kr.kind.value != before["kind"] or kr.kpi_id != before["kpi_id"]
        problems += _check_key_result(conn, workspace, kr, target, recheck_check_ins=relinked)
        if before["kind"] == KeyResultKind.ROLLUP.value and kr.kind is not KeyResultKind.ROLLUP:
            serving = contribution_store.contributors_to_key_result(conn, kr.id)
            if serving:
                names = ", ".join(str(i) for i in serving)
                problems.append(
                    FieldProblem(
                        "kind",
                        f"objectives {names} contribute to this rollup key result: it stays a "
                        "rollup until they no longer do",
                    )
                )
        if problems:
            raise ValidationFailed(problems)
        moved: dict[str, Any] = {}
        if moving:
            kr.position = okr_store.next_key_result_position(conn, kr.objective_id)
            moved["position"] = kr.position
        after = key_result_values(kr)
        update_audited(
            conn, caller, workspace, "key_result", kr.id, now, before=before, after=after, **moved
        )
    return kr


def delete_key_result(
    uow: UnitOfWork,
    workspace: Workspace,
    key_result_id: int,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> None:
    """Remove a key result with its check-ins, initiatives and grades (refused while
    objectives are aligned under it or contribute to it)."""
    now = clock()
    with uow:
        conn = uow.conn
        # Objectives linking to what goes are found under the lock their links are written
        # under, so none is linked meanwhile and lost with it.
        workspace_store.lock_workspace(conn, workspace.id)
        kr = okr_store.get_key_result(conn, workspace.id, key_result_id, for_update=True)
        writable_objective(
            conn,
            workspace,
            kr.objective_id,
            caller,
            what="remove key results from this objective",
            doing="deleting its key results",
        )
        refuse_while_linked(
            f"key result {kr.id}",
            Linked(
                "aligned under it",
                okr_store.objectives_linked_to(conn, key_result_ids=[kr.id]),
                "move or delete them first",
            ),
            contributing(conn, "to it", key_result_ids=[kr.id]),
        )
        before = key_result_values(kr)
        delete_okr_audited(conn, caller, workspace, "key_result", kr.id, now, before=before)
