"""People and their unit memberships, and their web sessions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from headway.domain.model import Person
from headway.store import tables as t
from headway.store.mappers import to_person
from headway.store.paging import keyset_page
from headway.store.rows import workspace_row


def load_people(conn: sa.Connection, workspace_id: int) -> list[Person]:
    """People with their unit memberships: two queries whatever the head count."""
    q = sa.select(t.person).where(t.person.c.workspace_id == workspace_id).order_by(t.person.c.id)
    return people_with_units(conn, list(conn.execute(q)))


def find_person_by_email(conn: sa.Connection, workspace_id: int, email: str) -> Person | None:
    """The person with this (lower-case) email, with their units; None when there is none."""
    row = conn.execute(
        sa.select(t.person).where(
            t.person.c.workspace_id == workspace_id, t.person.c.email == email
        )
    ).first()
    return None if row is None else people_with_units(conn, [row])[0]


def people_with_units(conn: sa.Connection, rows: Sequence[Any]) -> list[Person]:
    """Person rows with their unit memberships: one more query whatever the count."""
    memberships: dict[int, list[int]] = defaultdict(list)
    if rows:
        q = (
            sa.select(t.person_unit.c.person_id, t.person_unit.c.unit_id)
            .where(t.person_unit.c.person_id.in_([r.id for r in rows]))
            .order_by(t.person_unit.c.person_id, t.person_unit.c.unit_id)
        )
        for person_id, unit_id in conn.execute(q):
            memberships[person_id].append(unit_id)
    return [to_person(r, memberships[r.id]) for r in rows]


def get_person(conn: sa.Connection, workspace_id: int, person_id: int) -> Person:
    row = workspace_row(conn, t.person, workspace_id, person_id, "person")
    return people_with_units(conn, [row])[0]


def people_page(conn: sa.Connection, workspace_id: int, after_id: int, limit: int) -> list[Person]:
    """Up to `limit` + 1 people with ids above `after_id`, by id, with their units."""
    q = sa.select(t.person).where(t.person.c.workspace_id == workspace_id)
    rows = keyset_page(conn, q, t.person.c.id, after_id=after_id, limit=limit)
    return people_with_units(conn, rows)


def end_sessions(
    conn: sa.Connection, person_id: int, now: datetime, *, keep_hash: str | None = None
) -> None:
    """End every live web session of a person (their password changed: sign in again),
    but the one whose token hash is `keep_hash`, if given."""
    s = t.web_session.c
    live = sa.and_(s.person_id == person_id, s.ended_at.is_(None))
    if keep_hash is not None:
        live = sa.and_(live, s.token_hash != keep_hash)
    conn.execute(t.web_session.update().where(live).values(ended_at=now))
