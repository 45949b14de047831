"""Finding the workspace a command or request works in."""

from __future__ import annotations

from headway.domain.errors import FieldProblem, NotFound, ValidationFailed
from headway.domain.model import Workspace
from headway.store import revisions
from headway.store import workspaces as workspace_store
from headway.store.uow import UnitOfWork


def resolve_workspace(uow: UnitOfWork, name: str | None) -> Workspace:
    """The workspace called `name`, or the only one there is when no name is given."""
    with uow.reading():
        workspaces = workspace_store.list_workspaces(uow.conn)
    if name is not None:
        for ws in workspaces:
            if ws.name == name:
                return ws
        raise NotFound(f"no workspace is named {name!r}")
    if not workspaces:
        raise NotFound("the database has no workspace yet: run `headway demo` or `headway import`")
    if len(workspaces) > 1:
        names = ", ".join(repr(ws.name) for ws in workspaces)
        raise ValidationFailed(
            [FieldProblem("workspace", f"several workspaces exist ({names}): pass --workspace")]
        )
    return workspaces[0]


def workspace_revision(uow: UnitOfWork, workspace_id: int) -> int:
    """The workspace's revision: it changes with every committed write to the workspace, by
    any process, and never returns to a value it had (0 before the first write)."""
    with uow.reading():
        return revisions.workspace_revision(uow.conn, workspace_id)
