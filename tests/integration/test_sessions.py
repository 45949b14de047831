"""Signing in to the web app on SQLite and PostgreSQL: sessions, sign-out, the failure limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from headway.config import load_settings
from headway.domain.errors import ValidationFailed
from headway.domain.sign_in import SignInLimits
from headway.services.access.actors import Caller
from headway.services.access.people import add_person, update_person
from headway.services.access.sessions import (
    SESSION_IDLE,
    SESSION_LIFETIME,
    SignInRefused,
    TooManyAttempts,
    caller_for_session,
    change_own_password,
    sign_in,
    sign_in_delay,
    sign_out,
)
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.store import tables as t
from headway.store.uow import UnitOfWork, make_uow

LIMITS = SignInLimits()  # Headway's defaults
FAILURE_WINDOW = LIMITS.window
PASSWORD = "correct horse battery"  # noqa: S105 - a test value
START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


def _company(uow: UnitOfWork, name: str, clock: Clock) -> None:
    document = {
        "workspace": name,
        "units": [{"key": "co", "name": name, "kind": "company"}],
        "people": [],
    }
    import_workspace(uow, document, actor_label="test", clock=clock)
    workspace = resolve_workspace(uow, name)
    for email, password in (("ada@example.com", PASSWORD), ("bo@example.com", None)):
        add_person(
            uow,
            workspace,
            email=email,
            name=email.split("@")[0],
            role="admin",
            password=password,
            unit_keys=("co",),
            caller=Caller.operator(),
            clock=clock,
        )


def test_a_session_acts_for_its_person_until_signed_out(uow: UnitOfWork) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    session = sign_in(uow, " ADA@example.com ", PASSWORD, client="127.0.0.1", clock=clock)
    assert session.expires_at == START + SESSION_LIFETIME
    found = caller_for_session(uow, session.token, clock=clock)
    assert (found.caller.label, found.workspace.name) == ("ada@example.com", "Acme")
    assert found.csrf_token == session.csrf_token
    with uow:
        stored = uow.conn.execute(sa.select(t.web_session.c.token_hash)).scalars().all()
    assert session.token not in stored  # only a hash is kept

    sign_out(uow, session.token, clock=clock)
    with pytest.raises(Exception, match="session is unknown, over"):
        caller_for_session(uow, session.token, clock=clock)


def test_a_session_ends_when_it_expires_or_its_person_is_deactivated(uow: UnitOfWork) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    first = sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    clock.now = START + SESSION_LIFETIME
    with pytest.raises(Exception, match="session is unknown, over"):
        caller_for_session(uow, first.token, clock=clock)

    second = sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    workspace = resolve_workspace(uow, "Acme")
    ada = caller_for_session(uow, second.token, clock=clock).caller.person
    assert ada is not None
    # Another admin stays, so deactivating Ada is allowed.
    update_person(uow, workspace, ada.id, {"active": False}, caller=Caller.operator(), clock=clock)
    with pytest.raises(Exception, match="session is unknown, over"):
        caller_for_session(uow, second.token, clock=clock)


def test_wrong_passwords_unknown_emails_and_people_without_passwords_are_refused(
    uow: UnitOfWork,
) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    for email, password in (
        ("ada@example.com", "wrong"),
        ("nobody@example.com", PASSWORD),
        ("bo@example.com", ""),
        ("ada@example.com", "x" * 5000),
    ):
        with pytest.raises(SignInRefused, match="the email or the password is wrong"):
            sign_in(uow, email, password, client="c", clock=clock)
    with uow:
        failures = uow.conn.execute(sa.select(sa.func.count()).select_from(t.sign_in_failure))
        assert failures.scalar_one() == 4
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(t.web_session)).scalar() == 0


def test_after_five_failures_from_one_client_it_waits_out_the_window_even_with_the_password(
    uow: UnitOfWork,
) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    for n in range(LIMITS.per_client_email):
        clock.now = START + timedelta(minutes=n)
        with pytest.raises(SignInRefused):
            sign_in(uow, "ada@example.com", "wrong", client="10.0.0.5", clock=clock)
    with pytest.raises(TooManyAttempts) as refused:
        sign_in(uow, "ada@example.com", PASSWORD, client="10.0.0.5", clock=clock)
    # The first failure leaves the window 15 minutes after it was made.
    assert refused.value.retry_after == int((START + FAILURE_WINDOW - clock.now).total_seconds())
    # Ada herself, elsewhere, is not locked out by someone guessing her password.
    assert sign_in(uow, "ada@example.com", PASSWORD, client="10.0.0.6", clock=clock).token
    clock.now = START + FAILURE_WINDOW + timedelta(seconds=1)
    assert sign_in(uow, "ada@example.com", PASSWORD, client="10.0.0.5", clock=clock).token


def test_guessing_one_email_from_many_clients_slows_it_down_but_never_locks_it(
    uow: UnitOfWork,
) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)

    def delay(client: str) -> float:
        return sign_in_delay(uow, "ada@example.com", client=client, limits=LIMITS, clock=clock)

    delays = []
    for n in range(LIMITS.slowdown_after + 6):
        delays.append(delay(f"10.0.1.{n}"))
        with pytest.raises(SignInRefused):
            sign_in(uow, "ada@example.com", "wrong", client=f"10.0.1.{n}", clock=clock)
    assert delays == [0.0] * LIMITS.slowdown_after + [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    # Ada, from her own address, waits the longest delay and is let in.
    assert delay("10.0.2.1") == LIMITS.max_delay_seconds
    assert sign_in(uow, "ada@example.com", PASSWORD, client="10.0.2.1", clock=clock).token
    # Others' accounts are not slowed by guesses at hers.
    others = sign_in_delay(uow, "bo@example.com", client="10.0.3.1", limits=LIMITS, clock=clock)
    assert others == 0.0
    clock.now = START + FAILURE_WINDOW + timedelta(seconds=1)
    assert delay("10.0.1.0") == 0.0


def test_one_client_failing_across_many_emails_is_stopped_too(uow: UnitOfWork) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    for n in range(LIMITS.per_client):
        with pytest.raises(SignInRefused):
            sign_in(uow, f"guess{n}@example.com", "wrong", client="10.0.0.9", clock=clock)
    with pytest.raises(TooManyAttempts):
        sign_in(uow, "ada@example.com", PASSWORD, client="10.0.0.9", clock=clock)
    assert sign_in(uow, "ada@example.com", PASSWORD, client="10.0.0.10", clock=clock).token


def test_an_email_in_two_workspaces_signs_in_where_the_password_fits(uow: UnitOfWork) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    _company(uow, "Globex", clock)
    globex = resolve_workspace(uow, "Globex")
    with uow:
        ada = uow.conn.execute(
            sa.select(t.person.c.id).where(
                t.person.c.email == "ada@example.com", t.person.c.workspace_id == globex.id
            )
        ).scalar_one()
    update_person(
        uow, globex, ada, {"password": "globex password"}, caller=Caller.operator(), clock=clock
    )
    session = sign_in(uow, "ada@example.com", "globex password", client="c", clock=clock)
    assert caller_for_session(uow, session.token, clock=clock).workspace.name == "Globex"
    session = sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    assert caller_for_session(uow, session.token, clock=clock).workspace.name == "Acme"


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(uow: UnitOfWork) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    old = sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    workspace = resolve_workspace(uow, "Acme")
    ada = caller_for_session(uow, old.token, clock=clock).caller.person
    assert ada is not None
    update_person(
        uow,
        workspace,
        ada.id,
        {"password": "a new passphrase"},
        caller=Caller.operator(),
        clock=clock,
    )
    with pytest.raises(Exception, match="session is unknown, over"):
        caller_for_session(uow, old.token, clock=clock)
    fresh = sign_in(uow, "ada@example.com", "a new passphrase", client="c", clock=clock)
    assert caller_for_session(uow, fresh.token, clock=clock).caller.label == "ada@example.com"


def test_a_session_left_unused_for_days_is_over(uow: UnitOfWork) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    session = sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    clock.now = START + SESSION_IDLE - timedelta(minutes=1)
    assert caller_for_session(uow, session.token, clock=clock).caller.person is not None
    clock.now += SESSION_IDLE - timedelta(minutes=1)  # used a minute ago: still alive
    assert caller_for_session(uow, session.token, clock=clock).caller.person is not None
    clock.now += SESSION_IDLE
    with pytest.raises(Exception, match="session is unknown, over"):
        caller_for_session(uow, session.token, clock=clock)


def test_a_session_ends_within_a_minute_of_three_days_after_its_last_use(
    uow: UnitOfWork,
) -> None:
    """Its last-seen time is written at most once a minute: a use two minutes after the
    last written one counts, so the session lives on until three days after it."""
    clock = Clock()
    _company(uow, "Acme", clock)
    session = sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    clock.now = START + timedelta(seconds=30)  # within the minute: not written again
    assert caller_for_session(uow, session.token, clock=clock).caller.person is not None
    clock.now = START + timedelta(minutes=2)  # written
    assert caller_for_session(uow, session.token, clock=clock).caller.person is not None
    clock.now = START + timedelta(minutes=2) + SESSION_IDLE - timedelta(seconds=1)
    assert caller_for_session(uow, session.token, clock=clock).caller.person is not None
    clock.now += SESSION_IDLE
    with pytest.raises(Exception, match="session is unknown, over"):
        caller_for_session(uow, session.token, clock=clock)
    with uow:
        seen = uow.conn.execute(sa.select(t.web_session.c.last_seen_at)).scalar_one()
    last_use = START + timedelta(minutes=2) + SESSION_IDLE - timedelta(seconds=1)
    assert (seen if seen.tzinfo else seen.replace(tzinfo=UTC)) == last_use


def test_concurrent_wrong_guesses_never_get_past_the_limit(migrated_url: str) -> None:
    clock = Clock()
    setup = make_uow(load_settings(database_url=migrated_url))
    _company(setup, "Acme", clock)
    setup.engine.dispose()
    # Each attempt holds the write lock while it hashes the password, and attempts queue on
    # it: on a loaded machine the default 5 s wait for a lock can run out. This test is of the
    # limit, not of that wait.
    engine_settings = load_settings(database_url=migrated_url, sqlite_busy_timeout_ms=120_000)
    outcomes: list[str] = []

    def guess(n: int) -> None:
        one = make_uow(engine_settings)
        try:
            sign_in(one, "ada@example.com", f"wrong {n}", client="10.0.0.9", clock=clock)
        except SignInRefused:
            outcomes.append("refused")
        except TooManyAttempts:
            outcomes.append("too many")
        finally:
            one.engine.dispose()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(guess, range(16)))
    assert outcomes.count("refused") == LIMITS.per_client_email
    assert outcomes.count("too many") == 16 - LIMITS.per_client_email


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(
    uow: UnitOfWork,
) -> None:
    clock = Clock()
    _company(uow, "Acme", clock)
    here = sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    there = sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    me = caller_for_session(uow, here.token, clock=clock)
    change = {"session_token": here.token, "caller": me.caller, "clock": clock}
    with pytest.raises(ValidationFailed) as refused:
        change_own_password(uow, me.workspace, current="guess", new="short", **change)
    assert [p.field for p in refused.value.problems] == ["current_password", "new_password"]
    assert caller_for_session(uow, there.token, clock=clock).caller.label == "ada@example.com"

    change_own_password(uow, me.workspace, current=PASSWORD, new="a better passphrase", **change)
    assert caller_for_session(uow, here.token, clock=clock).caller.label == "ada@example.com"
    with pytest.raises(Exception, match="session is unknown, over"):
        caller_for_session(uow, there.token, clock=clock)
    with pytest.raises(SignInRefused):
        sign_in(uow, "ada@example.com", PASSWORD, client="c", clock=clock)
    assert sign_in(uow, "ada@example.com", "a better passphrase", client="c", clock=clock).token
