"""Failed sign-ins over real HTTP, on SQLite and PostgreSQL: refused per client address,
slowed down per account, and never a lockout of the real person by someone else's guesses.

Client addresses are simulated with X-Forwarded-For, trusted from a server started with
HEADWAY_FORWARDED_ALLOW_IPS=127.0.0.1; a server with the default settings trusts no proxy.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from live_server import give_passwords, headway_server

PASSWORD = "a long and right passphrase"  # noqa: S105 - a test value
MAX_DELAY = 0.3  # seconds: HEADWAY_SIGN_IN_MAX_DELAY_SECONDS, short for the test's sake
SLOWDOWN_AFTER = 10  # Headway's default
PER_CLIENT_EMAIL = 5  # Headway's default
PER_CLIENT = 10  # HEADWAY_SIGN_IN_CLIENT_FAILURES (30 by default), fewer for speed
# Past the 20 failures from anywhere after which the old rule locked the account.
GUESSES_FROM_MANY = 22
# Each test signs in as its own person, so that the failures of one do not count in another.
PEOPLE = ("ceo@example.com", "sales-lead@example.com", "support-lead@example.com")


@dataclass
class Site:
    base_url: str


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def site(request: pytest.FixtureRequest, copy_seeded: Any) -> Iterator[Site]:
    """The seeded company, three people with a password, served behind a trusted "proxy"."""
    with copy_seeded(request) as (database_url, _tokens, _ids):
        give_passwords(database_url, PEOPLE, PASSWORD)
        settings = {
            "HEADWAY_FORWARDED_ALLOW_IPS": "127.0.0.1",
            "HEADWAY_SIGN_IN_MAX_DELAY_SECONDS": str(MAX_DELAY),
            "HEADWAY_SIGN_IN_CLIENT_FAILURES": str(PER_CLIENT),
        }
        with headway_server(database_url, settings) as base_url:
            yield Site(base_url)


class Browser:
    """One person's browser: the sign-in form's CSRF cookie and token, from one address."""

    def __init__(self, base_url: str, address: str | None) -> None:
        headers = {"X-Forwarded-For": address} if address else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=60)
        form = self.http.get("/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert found is not None
        self.csrf = found.group(1)

    def sign_in(self, email: str, password: str, *, address: str | None = None) -> httpx.Response:
        data = {"email": email, "password": password, "next": "/", "csrf_token": self.csrf}
        headers = {"X-Forwarded-For": address} if address else {}
        return self.http.post("/login", data=data, headers=headers)

    def close(self) -> None:
        self.http.close()


def assert_refused_for_a_while(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert "too many failed sign-ins" in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "headway_session" not in response.cookies


def assert_signed_in(response: httpx.Response) -> None:
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"
    assert response.cookies.get("headway_session")


def test_an_attackers_address_hammering_does_not_lock_out_the_real_user(site: Site) -> None:
    email = PEOPLE[0]
    attacker = Browser(site.base_url, "203.0.113.66")
    answers = [attacker.sign_in(email, f"guess {n}").status_code for n in range(40)]
    assert answers == [401] * PER_CLIENT_EMAIL + [429] * (40 - PER_CLIENT_EMAIL)
    # Even the right password is refused from the attacker's address until the window passes.
    assert_refused_for_a_while(attacker.sign_in(email, PASSWORD))
    attacker.close()

    person = Browser(site.base_url, "198.51.100.7")
    assert_signed_in(person.sign_in(email, PASSWORD))
    person.close()


def test_guesses_from_many_addresses_slow_the_account_down_but_never_lock_it(
    site: Site,
) -> None:
    email = PEOPLE[1]
    botnet = Browser(site.base_url, None)
    answers = []
    took = []
    for n in range(GUESSES_FROM_MANY):  # one guess per address: none reaches its limit
        started = time.monotonic()
        answers.append(botnet.sign_in(email, f"guess {n}", address=f"203.0.113.{n + 1}"))
        took.append(time.monotonic() - started)
    botnet.close()
    assert [a.status_code for a in answers] == [401] * GUESSES_FROM_MANY
    # Beyond the account's free failures each guess waits (lower bounds only: never flaky).
    assert all(seconds >= MAX_DELAY for seconds in took[SLOWDOWN_AFTER + 1 :]), took

    person = Browser(site.base_url, "198.51.100.8")
    started = time.monotonic()
    assert_signed_in(person.sign_in(email, PASSWORD))
    assert time.monotonic() - started >= MAX_DELAY  # slowed down, as the guesses were
    person.close()


def test_one_address_guessing_many_accounts_is_refused_and_others_are_not(site: Site) -> None:
    sprayer = Browser(site.base_url, "192.0.2.50")
    answers = [
        sprayer.sign_in(f"someone{n}@example.com", "Summer2026!").status_code
        for n in range(PER_CLIENT)
    ]
    assert answers == [401] * PER_CLIENT
    assert_refused_for_a_while(sprayer.sign_in(PEOPLE[2], PASSWORD))
    sprayer.close()

    person = Browser(site.base_url, "192.0.2.51")
    assert_signed_in(person.sign_in(PEOPLE[2], PASSWORD))
    person.close()


def test_by_default_no_proxy_is_trusted_so_a_forged_address_changes_nothing(live: Any) -> None:
    """`live` runs with the default settings: X-Forwarded-For from anyone is ignored, and
    every guess below counts against the one real address, 127.0.0.1."""
    browser = Browser(live.base_url, None)
    answers = [
        browser.sign_in("observer@example.com", "guess", address=f"203.0.113.{n}").status_code
        for n in range(PER_CLIENT_EMAIL + 1)
    ]
    assert answers == [401] * PER_CLIENT_EMAIL + [429]
    browser.close()
