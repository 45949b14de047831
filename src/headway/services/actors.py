"""Who is acting, and the one place that decides whether they may.

A `Caller` is either a person (acting through a token or a session, with their role's rights)
or the local operator: someone running `headway` on the server with the database itself in
hand, who could change any row anyway and so may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from headway.domain import permissions
from headway.domain.errors import PermissionDenied
from headway.domain.model import Person, Workspace
from headway.store import repository as repo


@dataclass(frozen=True, slots=True)
class Caller:
    label: str  # what the audit log shows: an email, or "cli"
    person: Person | None = None
    workspace_id: int | None = None

    @property
    def person_id(self) -> int | None:
        return self.person.id if self.person else None

    @classmethod
    def operator(cls, label: str = "cli") -> Caller:
        """The local operator: full rights, no person."""
        return cls(label=label)


def require(
    caller: Caller, action: str, *, conn: sa.Connection, workspace: Workspace, **rows: Any
) -> None:
    """Raise PermissionDenied unless the caller may do `action` to `rows` in the workspace."""
    if caller.person is None:
        return
    actor = permissions.Actor.of(caller.person, workspace.id)
    if caller.workspace_id != workspace.id:
        allowed = False
    elif action == "admin":
        allowed = permissions.can_admin(actor)
    elif action == "create_token":
        allowed = permissions.can_admin(actor) or rows["person"].id == caller.person.id
    else:
        tree = permissions.UnitTree(repo.load_units(conn, workspace.id), workspace_id=workspace.id)
        if action == "check_in":
            allowed = permissions.can_check_in(actor, rows["key_result"], rows["objective"], tree)
        elif action == "record_measurement":
            allowed = permissions.can_record_measurement(actor, rows["kpi"], tree)
        else:
            raise ValueError(f"unknown action {action!r}")
    if not allowed:
        raise PermissionDenied(f"{caller.label} may not {action.replace('_', ' ')} here")
