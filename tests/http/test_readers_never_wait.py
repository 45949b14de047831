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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from headway.services.access.people import hash_token
from headway.store import tables as t
from headway.store.engine import make_engine
from held_writer import HeldWriter
from live_server import give_passwords, headway_server, metric_key_result, signed_in_browser

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
        with signed_in_browser(self.base_url, EMAIL, PASSWORD) as browser:
            yield browser


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def site(request: pytest.FixtureRequest, copy_seeded: Any) -> Iterator[Site]:
    with copy_seeded(request) as (database_url, tokens, ids):
        give_passwords(database_url, [EMAIL], PASSWORD)
        settings = {"HEADWAY_SQLITE_BUSY_TIMEOUT_MS": str(BUSY_TIMEOUT_MS)}
        engine = make_engine(database_url)
        with headway_server(database_url, settings) as base_url:
            with httpx.Client(
                base_url=base_url + "/api/v1",
                headers={"Authorization": f"Bearer {tokens['admin']}"},
                timeout=60,
            ) as http:
                made = metric_key_result(http, ids, "Delight new customers")
            yield Site(base_url, database_url, tokens["admin"], made["id"], engine)
        engine.dispose()


def _read_while_held(site: Site, read: Callable[[], httpx.Response]) -> httpx.Response:
    """The answer to `read`, asked while another connection holds a write transaction;
    asserts that the answer came before the writer let go."""
    with HeldWriter(site.engine, HOLD_AT_MOST) as writer:
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
    with site.api() as http, HeldWriter(site.engine, HOLD_AT_MOST) as writer:
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
        with HeldWriter(site.engine, HOLD_AT_MOST) as writer:
            answer = browser.post("/logout", data={"csrf_token": found.group(1)})
            writer.release()
            assert not writer.gave_up
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"].startswith("text/html")
        assert int(answer.headers["Retry-After"]) >= 1
        assert "busy" in answer.text
        assert browser.get("/").status_code == 200  # the sign-out was not stored
