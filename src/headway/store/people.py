"""People, their unit memberships and their password hashes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from headway.domain.model import Person, Role
from headway.store import tables as t
from headway.store.mappers import to_person
from headway.store.paging import keyset_page
from headway.store.rows import (
    bulk_insert,
    insert_row,
    locked,
    row_exists,
    update_row,
    workspace_row,
)
from headway.store.sessions import end_sessions


class SignInCandidate(NamedTuple):
    """An active person an email may sign in as, with their password hash (if they have one)."""

    id: int
    workspace_id: int
    password_hash: str | None


def load_people(conn: sa.Connection, workspace_id: int) -> list[Person]:
    """People with their unit memberships: two queries whatever the head count."""
    q = sa.select(t.person).where(t.person.c.workspace_id == workspace_id).order_by(t.person.c.id)
    return _run_with_units(conn, workspace_id, list(conn.execute(q)))


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
    if not rows:
        return []
    return _with_units(conn, rows, t.person_unit.c.person_id.in_([r.id for r in rows]))


def _run_with_units(conn: sa.Connection, workspace_id: int, rows: Sequence[Any]) -> list[Person]:
    """`people_with_units` for every person of the workspace from the first row's id to the
    last's (rows by id): their memberships by a subquery, not a list of their ids. On
    PostgreSQL, a parameter per person (thousands) costs more to send and plan than to read."""
    if not rows:
        return []
    p = t.person.c
    run = sa.select(p.id).where(
        p.workspace_id == workspace_id, p.id.between(rows[0].id, rows[-1].id)
    )
    return _with_units(conn, rows, t.person_unit.c.person_id.in_(run))


def _with_units(
    conn: sa.Connection, rows: Sequence[Any], members: sa.ColumnElement[bool]
) -> list[Person]:
    """Person rows with their unit memberships, of the memberships `members` selects."""
    memberships: dict[int, list[int]] = defaultdict(list)
    q = (
        sa.select(t.person_unit.c.person_id, t.person_unit.c.unit_id)
        .where(members)
        .order_by(t.person_unit.c.person_id, t.person_unit.c.unit_id)
    )
    for person_id, unit_id in conn.execute(q):
        memberships[person_id].append(unit_id)
    return [to_person(r, memberships[r.id]) for r in rows]


def get_person(
    conn: sa.Connection, workspace_id: int, person_id: int, *, for_update: bool = False
) -> Person:
    row = workspace_row(conn, t.person, workspace_id, person_id, "person", for_update=for_update)
    return people_with_units(conn, [row])[0]


def people_page(conn: sa.Connection, workspace_id: int, after_id: int, limit: int) -> list[Person]:
    """Up to `limit` + 1 people with ids above `after_id`, by id, with their units."""
    q = sa.select(t.person).where(t.person.c.workspace_id == workspace_id)
    rows = keyset_page(conn, q, t.person.c.id, after_id=after_id, limit=limit)
    return _run_with_units(conn, workspace_id, rows)


def person_exists(conn: sa.Connection, workspace_id: int, person_id: int) -> bool:
    """Whether the workspace has a person with this id."""
    return row_exists(conn, t.person, workspace_id, person_id)


def add_person(
    conn: sa.Connection,
    workspace_id: int,
    now: datetime,
    *,
    email: str,
    name: str,
    role: str,
    active: bool,
    key: str | None = None,
    password_hash: str | None = None,
) -> int:
    """Insert a person (no units yet); their id."""
    return insert_row(
        conn,
        t.person,
        now,
        workspace_id=workspace_id,
        key=key,
        email=email,
        name=name,
        role=role,
        active=active,
        password_hash=password_hash,
    )


def update_person(conn: sa.Connection, person_id: int, now: datetime, **values: Any) -> None:
    """Write these columns of a person (name, email, role, active, key, password_hash)."""
    update_row(conn, t.person, person_id, now, **values)


def add_memberships(conn: sa.Connection, person_id: int, unit_ids: Iterable[int]) -> None:
    """Make a person a member of these units (each once, in the order given)."""
    add_memberships_of(conn, [(person_id, unit_id) for unit_id in unit_ids])


def add_memberships_of(conn: sa.Connection, pairs: Iterable[tuple[int, int]]) -> None:
    """Add these (person id, unit id) memberships in bulk (each once, in the order given)."""
    rows = [{"person_id": p, "unit_id": u} for p, u in dict.fromkeys(pairs)]
    bulk_insert(conn, t.person_unit, rows, ids=False)


def set_memberships(conn: sa.Connection, person_id: int, unit_ids: Iterable[int]) -> None:
    """Make these units a person's only ones."""
    conn.execute(t.person_unit.delete().where(t.person_unit.c.person_id == person_id))
    add_memberships(conn, person_id, unit_ids)


def has_other_active_admin(conn: sa.Connection, workspace_id: int, person_id: int) -> bool:
    """Whether someone but this person is an active admin of the workspace."""
    p = t.person.c
    other = conn.execute(
        sa.select(p.id).where(
            p.workspace_id == workspace_id,
            p.id != person_id,
            p.role == Role.ADMIN.value,
            p.active.is_(True),
        )
    ).first()
    return other is not None


def password_hash_of(conn: sa.Connection, workspace_id: int, person_id: int) -> str | None:
    """The person's password hash (None: they have no password)."""
    q = sa.select(t.person.c.password_hash).where(
        t.person.c.id == person_id, t.person.c.workspace_id == workspace_id
    )
    hashed: str | None = conn.execute(q).scalar_one()
    return hashed


def set_password_hash(
    conn: sa.Connection, person_id: int, password_hash: str, now: datetime
) -> None:
    """Store a person's new password hash."""
    update_row(conn, t.person, person_id, now, password_hash=password_hash)


def give_everyone_password(conn: sa.Connection, workspace_id: int, password_hash: str) -> None:
    """Set one password hash for every person of the workspace (the demo's shared password)."""
    conn.execute(
        t.person.update()
        .where(t.person.c.workspace_id == workspace_id)
        .values(password_hash=password_hash)
    )


def sign_in_candidates(conn: sa.Connection, email: str) -> list[SignInCandidate]:
    """The active people with this (lower-case) email in any workspace, by workspace id."""
    p = t.person.c
    rows = conn.execute(
        sa.select(p.id, p.workspace_id, p.password_hash)
        .where(p.email == email, p.active.is_(True))
        .order_by(p.workspace_id)
    )
    return [SignInCandidate(r.id, r.workspace_id, r.password_hash) for r in rows]


def acting_person(conn: sa.Connection, workspace_id: int, person_id: int) -> Person | None:
    """The workspace's person as stored now (role, active, units), read with a shared lock so
    that a change to them waits until the write they act in ends; None when there is none."""
    q = sa.select(t.person).where(
        t.person.c.id == person_id, t.person.c.workspace_id == workspace_id
    )
    if not conn.get_execution_options().get("postgresql_readonly", False):
        q = locked(q, shared=True)  # a read-only snapshot locks nothing (nor may it)
    found = conn.execute(q).first()
    return None if found is None else people_with_units(conn, [found])[0]


def end_credentials(conn: sa.Connection, person_id: int, now: datetime) -> dict[str, int]:
    """Revoke every API token of the person and end every web session, for good (a
    deactivated person's credentials do not come back with them); how many of each."""
    tokens = conn.execute(
        t.api_token.update()
        .where(t.api_token.c.person_id == person_id, t.api_token.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    sessions = end_sessions(conn, person_id, now)
    return {"tokens_revoked": tokens, "sessions_ended": sessions}
