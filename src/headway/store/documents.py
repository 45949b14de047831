"""The bulk writes of a document import: rows into one workspace, all stamped with one time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from headway.store import tables as t
from headway.store.people import add_memberships_of, end_credentials
from headway.store.rows import insert_rows

# The statistics target of the ANALYZE after an import (PostgreSQL's default: 100).
_SAMPLE = 10
# What a document says of a person who stays.
_KEPT = ("key", "name", "role", "active")


class DocumentRows:
    """Writes a checked document's rows into workspace `workspace_id` at time `now`, many rows
    per statement: an import costs a number of statements that does not grow with its rows."""

    def __init__(self, conn: sa.Connection, workspace_id: int, now: datetime) -> None:
        self.conn = conn
        self.workspace_id = workspace_id
        self.now = now
        self._written: set[str] = set()  # the tables rows went into

    def add_all(
        self, table: str, rows: Sequence[Mapping[str, Any]], *, ids: bool = True
    ) -> list[int]:
        """Insert rows into the named table ("unit", "kpi", "check_in", ...) in bulk; their ids
        in the order given (none when `ids` is False: nothing refers to them)."""
        own = [{"workspace_id": self.workspace_id, **row} for row in rows]
        if own:
            self._written.add(table)
        return insert_rows(self.conn, table, self.now, own, ids=ids)

    def keep_people(self, people: Mapping[int, Mapping[str, Any]]) -> None:
        """Update people already in the workspace (id -> their key, name, role and active), who
        keep their passwords and tokens unless the document deactivates them: then these end
        for good, as they do when an admin deactivates someone."""
        if not people:
            return
        p = t.person.c
        self.conn.execute(
            t.person.update()
            .where(p.id == sa.bindparam("person_id"))
            .values({name: sa.bindparam(f"new_{name}") for name in _KEPT})
            .values(updated_at=self.now),
            [
                {"person_id": person_id, **{f"new_{k}": v[k] for k in _KEPT}}
                for person_id, v in people.items()
            ],
        )
        for person_id, values in people.items():
            if values["active"] is False:
                end_credentials(self.conn, person_id, self.now)

    def add_memberships(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Make people members of units: (person id, unit id) pairs, in bulk."""
        self._written.add(t.person_unit.name)
        add_memberships_of(self.conn, pairs)

    def refresh_statistics(self) -> None:
        """On PostgreSQL, ANALYZE the tables written (in this transaction, which sees its
        rows): its planner would otherwise plan the next reads for tables as it last saw
        them, often empty (nested loops over thousands of rows) until autovacuum, when it
        runs at all, catches up. (SQLite, without statistics, plans by its indexes.)

        A small sample (a tenth of the default's) costs a fifth of the time and gives the
        planner what changes its plans here, the tables' sizes; autovacuum refines it later."""
        if self._written and self.conn.dialect.name == "postgresql":
            quote = self.conn.dialect.identifier_preparer.quote
            self.conn.exec_driver_sql(f"SET LOCAL default_statistics_target = {_SAMPLE}")
            self.conn.exec_driver_sql(f"ANALYZE {', '.join(map(quote, sorted(self._written)))}")

    def align(self, alignments: Sequence[tuple[int, int | None, int | None]]) -> None:
        """Align objectives under another objective or a key result, once all exist:
        (objective id, parent id, parent key result id) each, in one statement."""
        if not alignments:
            return
        if self.conn.dialect.name == "postgresql":
            # One UPDATE from three arrays: psycopg would send an executemany a row per
            # statement (SQLite runs those in-process, at no cost of round trips).
            objective_ids, parent_ids, key_result_ids = map(list, zip(*alignments, strict=True))
            self.conn.execute(
                sa.text(
                    "UPDATE objective SET parent_id = a.parent_id,"
                    " parent_key_result_id = a.parent_key_result_id"
                    " FROM unnest(CAST(:objective_ids AS integer[]),"
                    " CAST(:parent_ids AS integer[]), CAST(:key_result_ids AS integer[]))"
                    " AS a(id, parent_id, parent_key_result_id)"
                    " WHERE objective.id = a.id"
                ),
                {
                    "objective_ids": objective_ids,
                    "parent_ids": parent_ids,
                    "key_result_ids": key_result_ids,
                },
            )
            return
        self.conn.execute(
            t.objective.update()
            .where(t.objective.c.id == sa.bindparam("objective_id"))
            .values(
                parent_id=sa.bindparam("new_parent_id"),
                parent_key_result_id=sa.bindparam("new_parent_key_result_id"),
            ),
            [
                {"objective_id": o, "new_parent_id": p, "new_parent_key_result_id": kr}
                for o, p, kr in alignments
            ],
        )
