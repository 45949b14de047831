"""Web sessions and failed sign-ins: only a SHA-256 of a session cookie is stored."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from headway.store import tables as t
from headway.store.mappers import aware
from headway.store.rows import insert_row


class LiveSession(NamedTuple):
    """A session nobody ended, of an active person (it may still have expired)."""

    id: int
    workspace_id: int
    person_id: int
    csrf_token: str
    expires_at: datetime
    last_seen_at: datetime


def lock_sign_in_attempts(conn: sa.Connection, email: str, client: str) -> None:
    """Make concurrent attempts for one email or from one client wait for each other.

    SQLite's BEGIN IMMEDIATE already serialises them; on PostgreSQL, without these locks, a
    burst of guesses would all count the failures before any of them is recorded.
    """
    if conn.dialect.name != "postgresql":
        return
    for key in (f"sign-in email {email}", f"sign-in client {client}"):
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(key, 0))))


def failure_times(
    conn: sa.Connection, *, email: str | None, client: str | None, since: datetime
) -> list[datetime]:
    """When sign-ins failed after `since` for this email and/or from this client, newest first
    (a None filter is left out)."""
    f = t.sign_in_failure.c
    q = sa.select(f.at).where(f.at > since)
    if email is not None:
        q = q.where(f.email == email)
    if client is not None:
        q = q.where(f.client == client)
    return [aware(at) for at in conn.execute(q.order_by(f.at.desc())).scalars()]


def failure_count(conn: sa.Connection, *, email: str, since: datetime) -> int:
    """How many sign-ins failed after `since` for this email, from anywhere."""
    f = t.sign_in_failure.c
    q = sa.select(sa.func.count()).select_from(t.sign_in_failure)
    return int(conn.execute(q.where(f.email == email, f.at > since)).scalar_one())


def record_failure(conn: sa.Connection, email: str, client: str, now: datetime) -> None:
    """Count a failed sign-in for this email from this client."""
    insert_row(conn, t.sign_in_failure, now, email=email, client=client, at=now)


def start_session(
    conn: sa.Connection,
    workspace_id: int,
    person_id: int,
    *,
    token_hash: str,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> int:
    """Store a new session by its cookie's hash; its id."""
    return insert_row(
        conn,
        t.web_session,
        now,
        workspace_id=workspace_id,
        person_id=person_id,
        token_hash=token_hash,
        csrf_token=csrf_token,
        created_at=now,
        last_seen_at=now,
        expires_at=expires_at,
    )


def live_session(conn: sa.Connection, token_hash: str) -> LiveSession | None:
    """The session with this cookie hash, unless it ended or its person is inactive."""
    s = t.web_session.c
    row = conn.execute(
        sa.select(s.id, s.workspace_id, s.person_id, s.csrf_token)
        .add_columns(s.expires_at, s.last_seen_at)
        .join(t.person, t.person.c.id == s.person_id)
        .where(s.token_hash == token_hash, s.ended_at.is_(None), t.person.c.active.is_(True))
    ).first()
    if row is None:
        return None
    return LiveSession(
        row.id,
        row.workspace_id,
        row.person_id,
        row.csrf_token,
        aware(row.expires_at),
        aware(row.last_seen_at),
    )


def mark_session_seen(
    conn: sa.Connection, session_id: int, now: datetime, *, unless_since: datetime | None = None
) -> None:
    """Note that the session was used just now; with `unless_since`, only when its stored
    last-seen time is older than that (another process may have noted it meanwhile)."""
    s = t.web_session
    q = s.update().where(s.c.id == session_id)
    if unless_since is not None:
        q = q.where(s.c.last_seen_at <= unless_since)
    conn.execute(q.values(last_seen_at=now))


def end_session(conn: sa.Connection, token_hash: str, now: datetime) -> None:
    """End the live session with this cookie hash, if there is one."""
    s = t.web_session.c
    conn.execute(
        t.web_session.update()
        .where(s.token_hash == token_hash, s.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_sessions(
    conn: sa.Connection, person_id: int, now: datetime, *, keep_hash: str | None = None
) -> int:
    """End every live web session of a person (their password changed: sign in again),
    but the one whose token hash is `keep_hash`, if given; how many ended."""
    s = t.web_session.c
    live = sa.and_(s.person_id == person_id, s.ended_at.is_(None))
    if keep_hash is not None:
        live = sa.and_(live, s.token_hash != keep_hash)
    return conn.execute(t.web_session.update().where(live).values(ended_at=now)).rowcount
