"""The organisation tree: one company at the root, departments and teams below."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from headway.domain import validation
from headway.domain.errors import Conflict, FieldProblem, ValidationFailed
from headway.domain.model import Unit, UnitKind, Workspace
from headway.services.access.actors import (
    Caller,
    admins_only,
    delete_audited,
    insert_audited,
    require,
    update_audited,
)
from headway.store import units as unit_store
from headway.store import workspaces as workspace_store
from headway.store.uow import Connection, UnitOfWork


def list_units(uow: UnitOfWork, workspace: Workspace, *, after_id: int, limit: int) -> list[Unit]:
    """Up to `limit` + 1 units with ids above `after_id`, by id."""
    with uow.reading():
        return unit_store.units_page(uow.conn, workspace.id, after_id, limit)


def get_unit(uow: UnitOfWork, workspace: Workspace, unit_id: int) -> Unit:
    with uow.reading():
        return _unit(uow.conn, workspace, unit_id)


def _unit(
    conn: Connection, workspace: Workspace, unit_id: int, *, for_update: bool = False
) -> Unit:
    return unit_store.get_unit(conn, workspace.id, unit_id, for_update=for_update)


def _writable_unit(conn: Connection, workspace: Workspace, unit_id: int, caller: Caller) -> Unit:
    """The unit, if the caller may change the unit tree (admins)."""
    unit = _unit(conn, workspace, unit_id, for_update=True)
    require(caller, conn, workspace, "change the unit tree", admins_only)
    return unit


def _unit_values(unit: Unit) -> dict[str, Any]:
    """A unit's writable fields, as the audit log and the API name them."""
    return {"name": unit.name, "kind": unit.kind.value, "parent_id": unit.parent_id}


def _check_tree(units: list[Unit], changed: Unit) -> list[FieldProblem]:
    rows = [(u.id, u.kind, u.parent_id) for u in units if u.id != changed.id]
    rows.append((changed.id, changed.kind, changed.parent_id))
    problems = validation.validate_unit_tree(rows, field_of=lambda _unit_id: "parent_id")
    # The stored tree was valid, so every problem is this change's: a second company or a
    # missing one is about `kind`, the rest about `parent_id`.
    return list(dict.fromkeys(FieldProblem(p.field or "kind", p.message) for p in problems))


def create_unit(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    name: str,
    kind: UnitKind,
    parent_id: int | None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Unit:
    """Add a unit to the tree (admins)."""
    now = clock()
    with uow:
        conn = uow.conn
        workspace_store.lock_workspace(conn, workspace.id)  # the unit tree stays a tree
        require(caller, conn, workspace, "change the unit tree", admins_only)
        units = unit_store.load_units(conn, workspace.id)
        new = Unit(id=0, name=name.strip(), kind=kind, parent_id=parent_id)
        problems = validation.validate_title("name", name) + _check_tree(units, new)
        if problems:
            raise ValidationFailed(problems)
        values = _unit_values(new) | {"key": None}
        new.id = insert_audited(conn, caller, workspace, "unit", now, **values)
    return new


def update_unit(
    uow: UnitOfWork,
    workspace: Workspace,
    unit_id: int,
    changes: Mapping[str, Any],
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Unit:
    """Rename or move a unit (admins); the tree must stay a tree."""
    now = clock()
    with uow:
        conn = uow.conn
        workspace_store.lock_workspace(conn, workspace.id)  # the unit tree stays a tree
        units = unit_store.load_units(conn, workspace.id)
        unit = _writable_unit(conn, workspace, unit_id, caller)
        before = _unit_values(unit)
        # A null name or kind would clear what every unit must have: refuse, don't print "None".
        nulls = [
            FieldProblem(f, "is required") for f in ("name", "kind") if changes.get(f, "") is None
        ]
        if nulls:
            raise ValidationFailed(nulls)
        if "name" in changes:
            unit.name = str(changes["name"]).strip()
        if "kind" in changes:
            unit.kind = UnitKind(changes["kind"])
        if "parent_id" in changes:
            unit.parent_id = changes["parent_id"]
        problems = validation.validate_title("name", unit.name) if "name" in changes else []
        problems += _check_tree(units, unit)
        if problems:
            raise ValidationFailed(problems)
        after = _unit_values(unit)
        update_audited(conn, caller, workspace, "unit", unit.id, now, before=before, after=after)
    return unit


# What a unit may own, as the refusal to delete it names them.
_OWNED = {
    "units": "units below it",
    "objectives": "objectives",
    "kpis": "KPIs",
    "members": "members",
}


def delete_unit(
    uow: UnitOfWork,
    workspace: Workspace,
    unit_id: int,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> None:
    """Remove a unit that owns nothing (admins); one that owns anything is refused."""
    now = clock()
    with uow:
        conn = uow.conn
        workspace_store.lock_workspace(conn, workspace.id)  # the unit tree stays a tree
        unit = _writable_unit(conn, workspace, unit_id, caller)
        owned = [_OWNED[kind] for kind in unit_store.unit_dependants(conn, unit.id)]
        if owned:
            raise Conflict(f"unit {unit.name!r} still has {', '.join(owned)}: move them first")
        before = _unit_values(unit)
        delete_audited(conn, caller, workspace, "unit", unit.id, now, before=before)
