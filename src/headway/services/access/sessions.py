"""Signing in to the web app: password check, sessions, and a limit on failed attempts.

A session is a random cookie value of which only a SHA-256 is stored (as for API tokens),
with its own CSRF token. Signing out ends the session on the server, not only in the browser.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from headway.domain import sign_in as sign_in_rules
from headway.domain import validation
from headway.domain.errors import Busy, DomainError, FieldProblem, NotFound, ValidationFailed
from headway.domain.model import Workspace
from headway.domain.sign_in import RecentFailures, SignInLimits
from headway.domain.validation.limits import CLIENT_WIDTH, EMAIL_WIDTH, MAX_PASSWORD
from headway.services.access.actors import Caller, audit
from headway.services.access.people import hash_password, hash_token
from headway.store import people as people_store
from headway.store import sessions as session_store
from headway.store import workspaces as workspace_store
from headway.store.sessions import end_sessions
from headway.store.uow import Connection, UnitOfWork

SESSION_LIFETIME = timedelta(days=14)
SESSION_IDLE = timedelta(days=3)  # a session nobody used for this long is over
DEFAULT_LIMITS = SignInLimits()
# Writing last_seen_at on every page view would make every read a write: it is written at most
# once a minute, in a short transaction of its own after the session was read.
SEEN_EVERY = timedelta(minutes=1)

_hasher = PasswordHasher()
# Checked against when no person has the email, so that a wrong email costs as long as a
# wrong password and the answer time does not tell which emails exist.
_UNUSED_HASH = _hasher.hash(secrets.token_urlsafe(16))


class SignInRefused(DomainError):
    """The email and password do not match an active person."""


class TooManyAttempts(DomainError):
    """Too many failed sign-ins lately from this client address (for this email or any)."""

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


def _recent_failures(
    conn: Connection, email: str, client: str, limits: SignInLimits, now: datetime
) -> RecentFailures:
    since = now - limits.window
    return RecentFailures(
        from_client_for_email=session_store.failure_times(
            conn, email=email, client=client, since=since
        ),
        from_client=session_store.failure_times(conn, email=None, client=client, since=since),
        for_email=session_store.failure_count(conn, email=email, since=since),
    )


def _attempt_key(email: str, client: str) -> tuple[str, str]:
    # A failure is recorded whatever was typed, cut to fit its column.
    return validation.normalise_email(email)[:EMAIL_WIDTH], client[:CLIENT_WIDTH]


def sign_in_delay(
    uow: UnitOfWork,
    email: str,
    *,
    client: str,
    limits: SignInLimits,
    clock: Callable[[], datetime],
) -> float:
    """Seconds to wait before trying this email's password (the per-account slowdown);
    TooManyAttempts at once when this client address is over its limits.

    The caller waits (the web app without holding a thread), then calls `sign_in`.
    """
    now = clock()
    email, client = _attempt_key(email, client)
    with uow.reading():
        failures = _recent_failures(uow.conn, email, client, limits, now)
    wait = sign_in_rules.retry_after(limits, failures, now)
    if wait is not None:
        raise TooManyAttempts(wait)
    return sign_in_rules.account_delay(limits, failures.for_email)


def sign_in(
    uow: UnitOfWork,
    email: str,
    password: str,
    *,
    client: str,
    clock: Callable[[], datetime],
    limits: SignInLimits = DEFAULT_LIMITS,
) -> NewSession:
    """Start a session for the active person with this email and password.

    An email may belong to people of several workspaces: the first workspace whose person
    the password fits is the one signed in to. Raises TooManyAttempts when this client
    address is over its limits (see `domain/sign_in.py`), SignInRefused on a mismatch.
    The per-account slowdown is the caller's to wait first (`sign_in_delay`).
    """
    now = clock()
    email, client = _attempt_key(email, client)
    with uow:
        conn = uow.conn
        # Concurrent attempts for one email or from one client wait for each other here, so
        # that a burst of guesses cannot all count the failures before any is recorded.
        session_store.lock_sign_in_attempts(conn, email, client)
        failures = _recent_failures(conn, email, client, limits, now)
        retry_after = sign_in_rules.retry_after(limits, failures, now)
        if retry_after is not None:
            raise TooManyAttempts(retry_after)
        people = people_store.sign_in_candidates(conn, email)
        too_long = len(password) > MAX_PASSWORD
        match = next(
            (p for p in people if not too_long and _password_matches(p.password_hash, password)),
            None,
        )
        if match is None:
            if not people and not too_long:
                _password_matches(None, password)
            session_store.record_failure(conn, email, client, now)
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
        # Held until the session is stored: a deactivation at the same time either comes
        # first (and no session starts) or waits, then ends this session with the rest.
        person = people_store.acting_person(conn, workspace_id, person_id)
        if person is None or not person.active:
            raise SignInRefused("the email or the password is wrong")
        session_id = session_store.start_session(
            conn,
            workspace_id,
            person_id,
            token_hash=hash_token(token),
            csrf_token=csrf_token,
            now=now,
            expires_at=expires_at,
        )
        workspace = workspace_store.get_workspace(conn, workspace_id)
        caller = Caller(label=email, person=person, workspace_id=workspace_id)
        audit(conn, caller, workspace, "sign_in", "web_session", session_id, now)
    return NewSession(token=token, csrf_token=csrf_token, expires_at=expires_at)


def caller_for_session(
    uow: UnitOfWork, token: str, *, clock: Callable[[], datetime]
) -> SessionCaller:
    """The active person a live session acts for; NotFound when it is unknown or over.

    Reads only, in a snapshot that waits for no writer. The session's last-seen time is then
    written in a short transaction of its own when the stored one is a minute old or more
    (skipped when another writer holds the lock; the next page view writes it). A session
    ends once SESSION_IDLE passed since its stored last-seen time: with that time written
    once a minute, at most a minute before SESSION_IDLE has passed since its last use.
    """
    now = clock()
    with uow.reading():
        conn = uow.conn
        row = session_store.live_session(conn, hash_token(token))
        if row is None or row.expires_at <= now or now - row.last_seen_at >= SESSION_IDLE:
            raise NotFound("the session is unknown, over, or its person is no longer active")
        person = people_store.get_person(conn, row.workspace_id, row.person_id)
        workspace = workspace_store.get_workspace(conn, row.workspace_id)
    if now - row.last_seen_at >= SEEN_EVERY:
        try:
            with uow.without_waiting():
                session_store.mark_session_seen(
                    uow.conn, row.id, now, unless_since=now - SEEN_EVERY
                )
        except Busy:
            pass  # another writer holds the lock: the next page view notes it
    caller = Caller(label=person.email, person=person, workspace_id=workspace.id)
    return SessionCaller(caller=caller, workspace=workspace, csrf_token=row.csrf_token)


def sign_out(uow: UnitOfWork, token: str, *, clock: Callable[[], datetime]) -> None:
    """End the session with this cookie value (nothing happens when there is none)."""
    with uow:
        session_store.end_session(uow.conn, hash_token(token), clock())


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
        stored = people_store.password_hash_of(conn, workspace.id, person.id)
        if len(current) > MAX_PASSWORD or not _password_matches(stored, current):
            problems.insert(0, FieldProblem("current_password", "is not your password"))
        if problems:
            raise ValidationFailed(problems)
        people_store.set_password_hash(conn, person.id, hash_password(new), now)
        end_sessions(conn, person.id, now, keep_hash=hash_token(session_token))
        after = {"password_changed": True}  # that it changed, never the password or its hash
        audit(conn, caller, workspace, "update", "person", person.id, now, after=after)
