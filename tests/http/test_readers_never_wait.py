"""Readers never wait on writers, over real HTTP, on SQLite and PostgreSQL.

Another connection holds a write transaction open (SQLite: BEGIN IMMEDIATE and an insert;
PostgreSQL: every table locked IN EXCLUSIVE MODE, which lets plain reads through and no write)
while the API's dashboard and a page are read with a token and a session: each answers 200
while the writer still holds its lock. Signing in only reads: last-used times are written at
most once a minute per credential (checked in the database). On SQLite a write that cannot get
the lock within the busy timeout (HEADWAY_SQLITE_BUSY_TIMEOUT_MS, short here) answers 503 with
Retry-After, never 500, and stores nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from database_copies import copy_sqlite
from headway.config import load_settings
from headway.services.access.actors import Caller
from headway.services.access.people import hash_token, update_person
from headway.services.access.workspaces import resolve_workspace
from headway.store import tables as t
from headway.store.engine import make_engine
from headway.store.uow import make_uow
from live_server import headway_server

PASSWORD = "a long and right passphrase"  # noqa: S105 - a test value
EMAIL = "ceo@example.com"
BUSY_TIMEOUT_MS = 300  # the server's SQLite busy timeout, short so that the 503 comes soon
# How long the writer holds its lock at most: readers must answer well before it lets go.
HOLD_AT_MOST = 20.0


@dataclass
class Site:
    base_url: str
    database_url: str
    token: str
    key_result_id: int
    engine: sa.Engine

    def api(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.Client(base_url=self.base_url + "/api/v1", headers=headers, timeout=60)

    @contextmanager
    def browser(self) -> Iterator[httpx.Client]:
        """A browser signed in through the sign-in form (it keeps the session cookie)."""
        with httpx.Client(base_url=self.base_url, follow_redirects=False, timeout=60) as browser:
            assert browser.get("/login").status_code == 200
            form = {
                "email": EMAIL,
                "password": PASSWORD,
                "csrf_token": browser.cookies["headway_login_csrf"],
                "next": "/",
            }
            signed = browser.post("/login", data=form)
            assert signed.status_code == 303, signed.text
            yield browser


def _give_password(database_url: str) -> None:
    uow = make_uow(load_settings(database_url=database_url))
    workspace = resolve_workspace(uow, "Example Co")
    with uow:
        person_id = uow.conn.execute(
            sa.select(t.person.c.id).where(
                t.person.c.workspace_id == workspace.id, t.person.c.email == EMAIL
            )
        ).scalar_one()
    update_person(
        uow,
        workspace,
        person_id,
        {"password": PASSWORD},
        caller=Caller.operator(),
        clock=lambda: datetime.now(UTC),
    )
    uow.engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    server = None
    if request.param == "sqlite":
        template, tokens, ids = request.getfixturevalue("seeded_sqlite")
        path = tmp_path_factory.mktemp("readers") / "headway.db"
        database_url = copy_sqlite(Path(str(make_url(template).database)), path)
    else:
        server = request.getfixturevalue("postgres_server")
        template, tokens, ids = request.getfixturevalue("seeded_postgres")
        database_url = server.create_database(copy_of=template)
    _give_password(database_url)
    settings = {"HEADWAY_SQLITE_BUSY_TIMEOUT_MS": str(BUSY_TIMEOUT_MS)}
    engine = make_engine(database_url)
    with headway_server(database_url, settings) as base_url:
        with httpx.Client(
            base_url=base_url + "/api/v1",
            headers={"Authorization": f"Bearer {tokens['admin']}"},
            timeout=60,
        ) as http:
            objective = http.post(
                "/objectives",
                json={
                    "title": "Delight new customers",
                    "period_id": ids["period:2026-Q4"],
                    "owner_unit_id": ids["unit:sales"],
                },
            )
            assert objective.status_code == 201, objective.text
            made = http.post(
                f"/objectives/{objective.json()['id']}/key-results",
                json={
                    "title": "Onboard 100 customers",
                    "kind": "metric",
                    "start_value": 0,
                    "target_value": 100,
                },
            )
            assert made.status_code == 201, made.text
        yield Site(base_url, database_url, tokens["admin"], made.json()["id"], engine)
    engine.dispose()
    if server is not None:
        server.drop_database(database_url)


class HeldWriter:
    """Another connection's write transaction, held open on a thread of its own until
    `release()` (or, at the latest, HOLD_AT_MOST seconds: then `gave_up` is True)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.holding = threading.Event()
        self.released = threading.Event()
        self.gave_up = False
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        try:
            with self.engine.connect() as conn:  # make_engine's connections BEGIN IMMEDIATE
                conn.begin()
                if conn.dialect.name == "postgresql":
                    names = ", ".join(f'"{table.name}"' for table in t.metadata.sorted_tables)
                    conn.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
                now = datetime.now(UTC)
                conn.execute(
                    t.sign_in_failure.insert().values(email="held@example.com", client="x", at=now)
                )
                self.holding.set()
                self.gave_up = not self.released.wait(HOLD_AT_MOST)
                conn.rollback()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.failure = exc
            self.holding.set()

    def __enter__(self) -> HeldWriter:
        self.thread.start()
        assert self.holding.wait(30)
        assert self.failure is None, self.failure
        return self

    def release(self) -> None:
        self.released.set()
        self.thread.join()

    def __exit__(self, *_: object) -> None:
        self.release()


def _read_while_held(site: Site, read: Callable[[], httpx.Response]) -> httpx.Response:
    """The answer to `read`, asked while another connection holds a write transaction;
    asserts that the answer came before the writer let go."""
    with HeldWriter(site.engine) as writer:
        answer = read()
        writer.release()
        assert not writer.gave_up, "the read waited for the writer to finish"
    return answer


def test_the_api_dashboard_answers_while_a_writer_holds_its_lock(site: Site) -> None:
    with site.api() as http:
        assert http.get("/dashboard").status_code == 200
        answer = _read_while_held(site, lambda: http.get("/dashboard"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["period"]


def test_pages_answer_while_a_writer_holds_its_lock(site: Site) -> None:
    with site.browser() as browser:
        _stale(site, t.web_session, t.web_session.c.last_seen_at, timedelta(minutes=2))
        page = _read_while_held(site, lambda: browser.get("/"))
        assert page.status_code == 200, page.text
        assert "Example Co" in page.text


def test_a_token_whose_last_use_is_due_still_reads_while_a_writer_holds_its_lock(
    site: Site,
) -> None:
    # Its last-used time is due to be written, but the database is busy: it is skipped.
    _stale(site, t.api_token, t.api_token.c.last_used_at, timedelta(minutes=5))
    with site.api() as http:
        answer = _read_while_held(site, lambda: http.get("/dashboard"))
    assert answer.status_code == 200, answer.text


def _stale(site: Site, table: sa.Table, column: Any, ago: timedelta) -> datetime:
    """Set every row's last-used time `ago` back; the time set."""
    when = datetime.now(UTC) - ago
    with site.engine.begin() as conn:
        conn.execute(table.update().values({column.name: when}))
    return when


def _last_used(site: Site) -> datetime:
    with site.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.api_token.c.last_used_at).where(
                t.api_token.c.token_hash == hash_token(site.token)
            )
        ).scalar_one()
    assert found is not None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def test_a_tokens_last_use_is_written_at_most_once_a_minute(site: Site) -> None:
    with site.api() as http:
        set_to = _stale(site, t.api_token, t.api_token.c.last_used_at, timedelta(minutes=2))
        assert http.get("/dashboard").status_code == 200
        noted = _last_used(site)
        assert noted > set_to + timedelta(minutes=1)  # over a minute old: written
        for _ in range(3):
            assert http.get("/dashboard").status_code == 200
        assert _last_used(site) == noted  # within the minute: not written again
        set_to = _stale(site, t.api_token, t.api_token.c.last_used_at, timedelta(seconds=40))
        assert http.get("/objectives").status_code == 200
        assert _last_used(site) == set_to


def _last_seen(site: Site) -> list[datetime]:
    with site.engine.connect() as conn:
        rows = conn.execute(sa.select(t.web_session.c.last_seen_at).order_by(t.web_session.c.id))
        return [r if r.tzinfo else r.replace(tzinfo=UTC) for r in rows.scalars()]


def test_a_sessions_last_use_is_written_at_most_once_a_minute(site: Site) -> None:
    with site.browser() as browser:
        set_to = _stale(site, t.web_session, t.web_session.c.last_seen_at, timedelta(seconds=70))
        assert browser.get("/").status_code == 200
        noted = _last_seen(site)[-1]
        assert noted > set_to + timedelta(minutes=1)  # over a minute old: written
        assert browser.get("/").status_code == 200
        assert _last_seen(site)[-1] == noted
        set_to = _stale(site, t.web_session, t.web_session.c.last_seen_at, timedelta(seconds=40))
        assert browser.get("/").status_code == 200
        assert _last_seen(site)[-1] == set_to


def _check_ins(site: Site) -> int:
    with site.engine.connect() as conn:
        q = sa.select(sa.func.count()).where(t.check_in.c.key_result_id == site.key_result_id)
        return int(conn.execute(q).scalar_one())


# SQLite's busy timeout: on PostgreSQL a writer waits for the row locks it needs instead.
@pytest.mark.parametrize("site", ["sqlite"], indirect=True)
def test_a_write_that_cannot_get_sqlites_lock_answers_503_and_stores_nothing(site: Site) -> None:
    before = _check_ins(site)
    with site.api() as http, HeldWriter(site.engine) as writer:
        answer = http.post(
            f"/key-results/{site.key_result_id}/check-ins", json={"value": 40, "confidence": 7}
        )
        writer.release()
        assert not writer.gave_up
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["Retry-After"]) >= 1
    assert answer.json()["status"] == 503
    assert "busy" in answer.json()["detail"]
    assert _check_ins(site) == before
    with site.api() as http:  # once the writer is done, the same write goes through
        again = http.post(
            f"/key-results/{site.key_result_id}/check-ins", json={"value": 40, "confidence": 7}
        )
    assert again.status_code == 201, again.text
    assert _check_ins(site) == before + 1


# SQLite's busy timeout: on PostgreSQL a writer waits for the row locks it needs instead.
@pytest.mark.parametrize("site", ["sqlite"], indirect=True)
def test_a_form_that_cannot_get_sqlites_lock_answers_a_503_page(site: Site) -> None:
    with site.browser() as browser:
        page = browser.get("/")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found is not None
        with HeldWriter(site.engine) as writer:
            answer = browser.post("/logout", data={"csrf_token": found.group(1)})
            writer.release()
            assert not writer.gave_up
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"].startswith("text/html")
        assert int(answer.headers["Retry-After"]) >= 1
        assert "busy" in answer.text
        assert browser.get("/").status_code == 200  # the sign-out was not stored
