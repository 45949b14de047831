"""A workspace's row found by its key, for tests that name rows as their documents do."""

from __future__ import annotations

import sqlalchemy as sa

from headway.domain.model import Workspace
from headway.store.uow import UnitOfWork


def id_by_key(uow: UnitOfWork, workspace: Workspace, table: sa.Table, key: str) -> int:
    """The id of the workspace's row of `table` with this key."""
    with uow.reading():
        row_id: int = uow.conn.execute(
            sa.select(table.c.id).where(table.c.workspace_id == workspace.id, table.c.key == key)
        ).scalar_one()
    return row_id
