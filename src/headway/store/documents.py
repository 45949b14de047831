"""The bulk writes of a document import: rows into one workspace, all stamped with one time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from headway.store import tables as t
from headway.store.people import add_memberships, end_credentials, update_person
from headway.store.rows import insert_row


class DocumentRows:
    """Writes a checked document's rows into workspace `workspace_id` at time `now`."""

    def __init__(self, conn: sa.Connection, workspace_id: int, now: datetime) -> None:
        self.conn = conn
        self.workspace_id = workspace_id
        self.now = now

    def add(self, table: str, **values: Any) -> int:
        """Insert one row into the named table ("unit", "kpi", "check_in", ...); its id."""
        return insert_row(self.conn, table, self.now, workspace_id=self.workspace_id, **values)

    def keep_person(self, person_id: int, **values: Any) -> None:
        """Update a person already in the workspace, who keeps their password and tokens
        unless the document deactivates them: then these end for good, as they do when an
        admin deactivates someone."""
        update_person(self.conn, person_id, self.now, **values)
        if values.get("active") is False:
            end_credentials(self.conn, person_id, self.now)

    def add_memberships(self, person_id: int, unit_ids: Iterable[int]) -> None:
        """Make a person a member of these units."""
        add_memberships(self.conn, person_id, unit_ids)

    def align(
        self, objective_id: int, *, parent_id: int | None, parent_key_result_id: int | None
    ) -> None:
        """Align an objective under another objective or a key result, once both exist."""
        self.conn.execute(
            t.objective.update()
            .where(t.objective.c.id == objective_id)
            .values(parent_id=parent_id, parent_key_result_id=parent_key_result_id)
        )
