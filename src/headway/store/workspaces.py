"""Workspaces: the tenants, and removing one with everything in it."""

from __future__ import annotations

import sqlalchemy as sa

from headway.domain.errors import NotFound
from headway.domain.model import Workspace
from headway.store import tables as t
from headway.store.cascade import delete_with_dependants
from headway.store.mappers import to_workspace


def get_workspace(conn: sa.Connection, workspace_id: int) -> Workspace:
    row = conn.execute(sa.select(t.workspace).where(t.workspace.c.id == workspace_id)).first()
    if row is None:
        raise NotFound(f"workspace {workspace_id} does not exist")
    return to_workspace(row)


def list_workspaces(conn: sa.Connection) -> list[Workspace]:
    rows = conn.execute(sa.select(t.workspace).order_by(t.workspace.c.id))
    return [to_workspace(r) for r in rows]


def delete_workspace(conn: sa.Connection, workspace_id: int) -> None:
    """Remove a workspace and every row in it (used by `import --replace`)."""
    delete_with_dependants(conn, "workspace", [workspace_id])
