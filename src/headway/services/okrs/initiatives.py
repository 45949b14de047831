"""Initiatives: the work planned for a key result. Effort, not outcome: they never score."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from headway.domain import permissions, validation
from headway.domain.changes import apply_changes, not_null
from headway.domain.errors import FieldProblem, NotFound, ValidationFailed
from headway.domain.model import Initiative, InitiativeStatus, KeyResult, Objective, Workspace
from headway.services.access.actors import (
    Caller,
    delete_audited,
    insert_audited,
    update_audited,
)
from headway.services.okrs.key_results import writable_key_result
from headway.services.okrs.objectives import require_open, unknown_references
from headway.store import okrs as okr_store
from headway.store.uow import Connection, UnitOfWork


def initiative_values(initiative: Initiative) -> dict[str, Any]:
    """An initiative's writable fields, as the audit log and the API name them."""
    return {
        "title": initiative.title,
        "owner_id": initiative.owner_id,
        "status": initiative.status.value,
        "due_date": initiative.due_date,
        "link": initiative.link,
    }


def _check_initiative(
    conn: Connection, workspace: Workspace, initiative: Initiative
) -> list[FieldProblem]:
    problems = validation.validate_initiative(
        initiative.title, initiative.link, initiative.due_date
    )
    return problems + unknown_references(conn, workspace.id, {"owner_id": initiative.owner_id})


def _owners_of(
    conn: Connection, workspace: Workspace, initiative: Initiative
) -> tuple[KeyResult | None, Objective]:
    """The key result (if any) and the objective an initiative belongs to."""
    if initiative.key_result_id is not None:
        kr = okr_store.get_key_result(conn, workspace.id, initiative.key_result_id)
        objective = okr_store.get_objective(conn, workspace.id, kr.objective_id)
        initiative.objective_id = objective.id
        return kr, objective
    if initiative.objective_id is None:
        raise NotFound(f"initiative {initiative.id} belongs to nothing")
    return None, okr_store.get_objective(conn, workspace.id, initiative.objective_id)


def _writable_initiative(
    conn: Connection,
    workspace: Workspace,
    initiative_id: int,
    caller: Caller,
    *,
    what: str,
    doing: str,
) -> Initiative:
    """The initiative, if the caller may `what` (write it) and its period is open for `doing`."""
    initiative = okr_store.get_initiative(conn, workspace.id, initiative_id, for_update=True)
    kr, objective = _owners_of(conn, workspace, initiative)
    require_open(
        conn,
        workspace,
        caller,
        objective,
        lambda actor, tree: permissions.can_write_initiative(
            actor, initiative, kr, objective, tree
        ),
        what=what,
        doing=doing,
    )
    return initiative


def list_initiatives(
    uow: UnitOfWork, workspace: Workspace, key_result_id: int, *, after_id: int, limit: int
) -> list[Initiative]:
    """Up to `limit` + 1 initiatives of a key result with ids above `after_id`, by id."""
    with uow.reading():
        conn = uow.conn
        kr = okr_store.get_key_result(conn, workspace.id, key_result_id)
        rows = okr_store.initiatives_page(conn, workspace.id, kr.id, after_id=after_id, limit=limit)
    for initiative in rows:
        initiative.objective_id = kr.objective_id
    return rows


def create_initiative(
    uow: UnitOfWork,
    workspace: Workspace,
    key_result_id: int,
    draft: Initiative,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Initiative:
    """Plan an initiative for a key result of an open period."""
    now = clock()
    initiative = draft
    initiative.title = initiative.title.strip()
    with uow:
        conn = uow.conn
        # Naming oneself the owner grants nothing here: it takes the right to write the KR.
        kr, objective = writable_key_result(
            conn,
            workspace,
            key_result_id,
            caller,
            what="plan initiatives for this key result",
            doing="planning initiatives",
        )
        problems = _check_initiative(conn, workspace, initiative)
        if problems:
            raise ValidationFailed(problems)
        initiative.key_result_id = kr.id
        values = initiative_values(initiative) | {"key_result_id": kr.id}
        initiative.id = insert_audited(conn, caller, workspace, "initiative", now, **values)
        initiative.objective_id = objective.id
    return initiative


def update_initiative(
    uow: UnitOfWork,
    workspace: Workspace,
    initiative_id: int,
    changes: Mapping[str, Any],
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Initiative:
    """Change an initiative of an open period: its owner, or whoever may write its key result."""
    now = clock()
    with uow:
        conn = uow.conn
        initiative = _writable_initiative(
            conn,
            workspace,
            initiative_id,
            caller,
            what="change this initiative",
            doing="changing its initiatives",
        )
        before = initiative_values(initiative)
        problems = not_null(changes, "title", "status")
        if problems:
            raise ValidationFailed(problems)
        apply_changes(
            initiative,
            changes,
            trimmed={"title"},
            text={"link"},
            enums={"status": InitiativeStatus},
        )
        problems = _check_initiative(conn, workspace, initiative)
        if problems:
            raise ValidationFailed(problems)
        after = initiative_values(initiative)
        update_audited(
            conn, caller, workspace, "initiative", initiative.id, now, before=before, after=after
        )
    return initiative


def delete_initiative(
    uow: UnitOfWork,
    workspace: Workspace,
    initiative_id: int,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> None:
    """Remove an initiative of an open period."""
    now = clock()
    with uow:
        conn = uow.conn
        initiative = _writable_initiative(
            conn,
            workspace,
            initiative_id,
            caller,
            what="delete this initiative",
            doing="deleting its initiatives",
        )
        before = initiative_values(initiative) | {"key_result_id": initiative.key_result_id}
        delete_audited(conn, caller, workspace, "initiative", initiative.id, now, before=before)
