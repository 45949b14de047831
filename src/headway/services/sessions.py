"""Signing in to the web app: password check, sessions, and a limit on failed attempts.

A session is a random cookie value of which only a SHA-256 is stored (as for API tokens),
with its own CSRF token. Signing out ends the session on the server, not only in the browser.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from headway.domain import validation
from headway.domain.errors import DomainError, FieldProblem, NotFound, ValidationFailed
from headway.domain.model import Workspace
from headway.domain.validation.limits import CLIENT_WIDTH, EMAIL_WIDTH, MAX_PASSWORD
from headway.services.actors import Caller, audit
from headway.services.people import hash_password, hash_token
from headway.store import mappers
from headway.store import people as people_store
from headway.store import tables as t
from headway.store import workspaces as workspace_store
from headway.store.people import end_sessions
from headway.store.rows import insert_row
from headway.store.uow import UnitOfWork

SESSION_LIFETIME = timedelta(days=14)
SESSION_IDLE = timedelta(days=3)  # a session nobody used for this long is over
FAILURE_WINDOW = timedelta(minutes=15)
# Guessing one person's password from one place stops after a few tries; from many places
# after more (so that a stranger cannot lock a known person out with a handful of requests);
# one place guessing many people's passwords stops too.
MAX_FAILURES_PER_EMAIL_AND_CLIENT = 5
MAX_FAILURES_PER_EMAIL = 20
MAX_FAILURES_PER_CLIENT = 30
# Writing last_seen_at on every page view would make every read a write; once a while will do.
SEEN_EVERY = timedelta(minutes=5)

_hasher = PasswordHasher()
# Checked against when no person has the email, so that a wrong email costs as long as a
# wrong password and the answer time does not tell which emails exist.
_UNUSED_HASH = _hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(DomainError):
    """The email and password do not match an active person."""


class TooManyAttempts(DomainError):
    """Too many failed sign-ins lately, from this email or this client."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, -(-retry_after // 60))
        super().__init__(f"too many failed sign-ins: try again in {minutes} minute(s)")


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # the cookie value, shown to the browser once; only its hash is stored
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SessionCaller:
    """Who a live session acts for, in which workspace, and the CSRF token its forms carry."""

    caller: Caller
    workspace: Workspace
    csrf_token: str


def _password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _UNUSED_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def _one_attempt_at_a_time(conn: sa.Connection, email: str, client: str) -> None:
    """Make concurrent attempts for one email or from one client wait for each other.

    SQLite's BEGIN IMMEDIATE already serialises them; on PostgreSQL, without these locks, a
    burst of guesses would all count the failures before any of them is recorded.
    """
    if conn.dialect.name != "postgresql":
        return
    for key in (f"sign-in email {email}", f"sign-in client {client}"):
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(key, 0))))


def _retry_after(conn: sa.Connection, email: str, client: str, now: datetime) -> int | None:
    """Seconds until another attempt is allowed, or None when one is allowed now."""
    _one_attempt_at_a_time(conn, email, client)
    since = now - FAILURE_WINDOW
    f = t.sign_in_failure.c
    limits = (
        (sa.and_(f.email == email, f.client == client), MAX_FAILURES_PER_EMAIL_AND_CLIENT),
        (f.email == email, MAX_FAILURES_PER_EMAIL),
        (f.client == client, MAX_FAILURES_PER_CLIENT),
    )
    for bucket, limit in limits:
        recent = (
            conn.execute(sa.select(f.at).where(bucket, f.at > since).order_by(f.at.desc()))
            .scalars()
            .all()
        )
        if len(recent) >= limit:
            oldest_counted = mappers.aware(recent[limit - 1])
            return max(1, int((oldest_counted + FAILURE_WINDOW - now).total_seconds()))
    return None


def sign_in(
    uow: UnitOfWork,
    email: str,
    password: str,
    *,
    client: str,
    clock: Callable[[], datetime],
) -> NewSession:
    """Start a session for the active person with this email and password.

    An email may belong to people of several workspaces: the first workspace whose person
    the password fits is the one signed in to. Raises TooManyAttempts after repeated
    failures (counted per email from this client, per email, and per client address),
    SignInRefused on a mismatch.
    """
    now = clock()
    # A failure is recorded whatever was typed, cut to fit its column.
    email = validation.normalise_email(email)[:EMAIL_WIDTH]
    client = client[:CLIENT_WIDTH]
    with uow:
        conn = uow.conn
        retry_after = _retry_after(conn, email, client, now)
        if retry_after is not None:
            raise TooManyAttempts(retry_after)
        people = conn.execute(
            sa.select(t.person.c.id, t.person.c.workspace_id, t.person.c.password_hash)
            .where(t.person.c.email == email, t.person.c.active.is_(True))
            .order_by(t.person.c.workspace_id)
        ).all()
        too_long = len(password) > MAX_PASSWORD
        match = next(
            (p for p in people if not too_long and _password_matches(p.password_hash, password)),
            None,
        )
        if match is None:
            if not people and not too_long:
                _password_matches(None, password)
            insert_row(conn, t.sign_in_failure, now, email=email, client=client, at=now)
    # The failure is committed above; only now is the caller told.
    if match is None:
        raise SignInRefused("the email or the password is wrong")
    return _start_session(uow, match.workspace_id, match.id, email, now)


def _start_session(
    uow: UnitOfWork, workspace_id: int, person_id: int, email: str, now: datetime
) -> NewSession:
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    expires_at = now + SESSION_LIFETIME
    with uow:
        conn = uow.conn
        session_id = insert_row(
            conn,
            t.web_session,
            now,
            workspace_id=workspace_id,
            person_id=person_id,
            token_hash=hash_token(token),
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
        workspace = workspace_store.get_workspace(conn, workspace_id)
        person = people_store.get_person(conn, workspace_id, person_id)
        caller = Caller(label=email, person=person, workspace_id=workspace_id)
        audit(conn, caller, workspace, "sign_in", "web_session", session_id, now)
    return NewSession(token=token, csrf_token=csrf_token, expires_at=expires_at)


def caller_for_session(
    uow: UnitOfWork, token: str, *, clock: Callable[[], datetime]
) -> SessionCaller:
    """The active person a live session acts for; NotFound when it is unknown or over."""
    now = clock()
    s = t.web_session.c
    with uow:
        conn = uow.conn
        row = conn.execute(
            sa.select(s.id, s.workspace_id, s.person_id, s.csrf_token)
            .add_columns(s.expires_at, s.last_seen_at)
            .join(t.person, t.person.c.id == s.person_id)
            .where(
                s.token_hash == hash_token(token),
                s.ended_at.is_(None),
                t.person.c.active.is_(True),
            )
        ).first()
        if (
            row is None
            or mappers.aware(row.expires_at) <= now
            or now - mappers.aware(row.last_seen_at) >= SESSION_IDLE
        ):
            raise NotFound("the session is unknown, over, or its person is no longer active")
        person = people_store.get_person(conn, row.workspace_id, row.person_id)
        workspace = workspace_store.get_workspace(conn, row.workspace_id)
        if now - mappers.aware(row.last_seen_at) >= SEEN_EVERY:
            conn.execute(t.web_session.update().where(s.id == row.id).values(last_seen_at=now))
    caller = Caller(label=person.email, person=person, workspace_id=workspace.id)
    return SessionCaller(caller=caller, workspace=workspace, csrf_token=row.csrf_token)


def sign_out(uow: UnitOfWork, token: str, *, clock: Callable[[], datetime]) -> None:
    """End the session with this cookie value (nothing happens when there is none)."""
    with uow:
        uow.conn.execute(
            t.web_session.update()
            .where(t.web_session.c.token_hash == hash_token(token))
            .where(t.web_session.c.ended_at.is_(None))
            .values(ended_at=clock())
        )


def change_own_password(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    session_token: str,
    current: str,
    new: str,
    caller: Caller,
    clock: Callable[[], datetime],
) -> None:
    """Change one's own password, proving the current one; every other session ends."""
    now = clock()
    person = caller.person
    if person is None:
        raise ValidationFailed([FieldProblem("current_password", "only a person has one")])
    problems = validation.validate_password(new, field="new_password")
    with uow:
        conn = uow.conn
        stored = conn.execute(
            sa.select(t.person.c.password_hash).where(
                t.person.c.id == person.id, t.person.c.workspace_id == workspace.id
            )
        ).scalar_one()
        if len(current) > MAX_PASSWORD or not _password_matches(stored, current):
            problems.insert(0, FieldProblem("current_password", "is not your password"))
        if problems:
            raise ValidationFailed(problems)
        conn.execute(
            t.person.update()
            .where(t.person.c.id == person.id)
            .values(password_hash=hash_password(new), updated_at=now)
        )
        end_sessions(conn, person.id, now, keep_hash=hash_token(session_token))
        after = {"password_changed": True}  # that it changed, never the password or its hash
        audit(conn, caller, workspace, "update", "person", person.id, now, after=after)
