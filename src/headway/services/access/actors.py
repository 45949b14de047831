"""Who is acting, and the one place that decides whether they may.

A `Caller` is either a person (acting through a token or a session, with their role's rights),
a KPI's ingest token (which may read and record that KPI's measurements and nothing else), or
the local operator: someone running `headway` on the server with the database itself in hand,
who could change any row anyway and so may do everything.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from headway.domain import permissions
from headway.domain.errors import PermissionDenied
from headway.domain.model import Person, Unit, Workspace
from headway.store import people as people_store
from headway.store import units as unit_store
from headway.store.audit import add_audit_event
from headway.store.rows import delete_row, insert_row, update_row
from headway.store.uow import Connection


@dataclass(frozen=True, slots=True)
class Caller:
    label: str  # what the audit log shows: an email, or "cli"
    person: Person | None = None
    workspace_id: int | None = None
    # An ingest token's KPI: the caller may read and record its measurements, nothing else.
    ingest_kpi_id: int | None = None

    @property
    def person_id(self) -> int | None:
        return self.person.id if self.person else None

    @property
    def is_ingest_token(self) -> bool:
        return self.ingest_kpi_id is not None

    @classmethod
    def operator(cls, label: str = "cli") -> Caller:
        """The local operator: full rights, no person."""
        return cls(label=label)


Rule = Callable[[permissions.Actor, permissions.UnitTree], bool]


def require(
    caller: Caller,
    conn: Connection,
    workspace: Workspace,
    what: str,
    rule: Rule,
    *,
    units: Iterable[int | None] | None = None,
) -> None:
    """Raise PermissionDenied unless `rule` (a predicate of domain/permissions.py) allows it.

    The one place every write asks: the local operator may do everything; a person acts
    only in their own workspace, with their role's rights over the unit tree. The person is
    read again inside the write's transaction (and held there: a change to their role waits
    for this write to end), so a role taken away or a deactivation that committed since
    the request was authenticated is what counts, not the role it started with.

    The unit tree is read only when the actor's units can change the answer (an active
    member's), and then, with `units` (the units the rule asks about), only those units and
    the units above them: what "this unit or a unit below one of the actor's" needs.

    An ingest token is refused everything here: what it may do is asked of `require_ingest`.
    """
    if caller.is_ingest_token:
        raise PermissionDenied(f"{caller.label} may not {what}: {INGEST_ONLY}")
    if caller.person is None:
        return
    if caller.workspace_id != workspace.id:
        raise PermissionDenied(f"{caller.label} may not {what}: another workspace")
    person = people_store.acting_person(conn, workspace.id, caller.person.id)
    if person is None or not person.active:
        raise PermissionDenied(f"{caller.label} may not {what}: no longer an active person here")
    actor = permissions.Actor.of(person, workspace.id)
    if not permissions.units_decide(actor):
        loaded: list[Unit] = []
    elif units is None:
        loaded = unit_store.load_units(conn, workspace.id)
    else:
        loaded = unit_store.units_and_above(conn, workspace.id, [u for u in units if u is not None])
    tree = permissions.UnitTree(loaded, workspace_id=workspace.id)
    if not rule(actor, tree):
        raise PermissionDenied(f"{caller.label} may not {what}")


INGEST_ONLY = "an ingest token may only read and record the measurements of its own KPI"


def require_ingest(caller: Caller, kpi_id: int, what: str) -> None:
    """PermissionDenied when the caller is an ingest token of another KPI than this one."""
    if caller.ingest_kpi_id is not None and caller.ingest_kpi_id != kpi_id:
        raise PermissionDenied(f"{caller.label} may not {what}: {INGEST_ONLY}")


def admins_only(actor: permissions.Actor, _tree: permissions.UnitTree) -> bool:
    """The rule for what only admins may do."""
    return permissions.can_admin(actor)


def insert_audited(
    conn: Connection,
    caller: Caller,
    workspace: Workspace,
    table: str,
    now: datetime,
    **values: Any,
) -> int:
    """Insert a row into the workspace and record its creation in the audit log; its id."""
    row_id = insert_row(conn, table, now, workspace_id=workspace.id, **values)
    audit(conn, caller, workspace, "create", table, row_id, now, after=values)
    return row_id


def update_audited(
    conn: Connection,
    caller: Caller,
    workspace: Workspace,
    table: str,
    row_id: int,
    now: datetime,
    *,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    not_columns: Collection[str] = (),
    **extra: Any,
) -> None:
    """Write what changed from `before` to `after` (and `extra` columns the audit log leaves
    out, such as a new position) to one row and record the change with the values before and
    after. Only the changed fields are written: a concurrent change to another field stays.
    Fields named in `not_columns` (links the caller writes elsewhere) are only recorded."""
    changed = {
        k: v
        for k, v in after.items()
        if k not in not_columns and (k not in before or before[k] != v)
    }
    update_row(conn, table, row_id, now, **changed, **extra)
    audit(conn, caller, workspace, "update", table, row_id, now, before=before, after=after)


def delete_audited(
    conn: Connection,
    caller: Caller,
    workspace: Workspace,
    table: str,
    row_id: int,
    now: datetime,
    *,
    before: Mapping[str, Any],
) -> None:
    """Delete one row (its dependants are the caller's business) and record what it held."""
    delete_row(conn, table, row_id)
    audit(conn, caller, workspace, "delete", table, row_id, now, before=before)


def audit(
    conn: Connection,
    caller: Caller,
    workspace: Workspace,
    action: str,
    subject_type: str,
    subject_id: int | None,
    now: datetime,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Record what the caller did to a row, with the values before and after."""
    add_audit_event(
        conn,
        workspace_id=workspace.id,
        actor_id=caller.person_id,
        actor_label=caller.label,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        at=now,
        before=before,
        after=after,
    )
