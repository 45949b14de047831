"""The organisation tree's rows."""

from __future__ import annotations

import sqlalchemy as sa

from headway.domain.model import Unit
from headway.store import tables as t
from headway.store.mappers import to_unit


def load_units(conn: sa.Connection, workspace_id: int) -> list[Unit]:
    q = sa.select(t.unit).where(t.unit.c.workspace_id == workspace_id).order_by(t.unit.c.id)
    return [to_unit(r) for r in conn.execute(q)]
