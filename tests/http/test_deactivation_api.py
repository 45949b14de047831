"""Deactivating a person ends their credentials for good, over real HTTP on both databases:
their API tokens and their web sessions stop working, and reactivating them does not bring
those back; they sign in again and make new tokens."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from headway.web.ui.context import SESSION_COOKIE
from live_server import sign_in_through_form

PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
_n = itertools.count()


def _browser(live: Any) -> httpx.Client:
    """A browser-like client: it keeps cookies and follows no redirect."""
    return httpx.Client(base_url=live.base_url, follow_redirects=False, timeout=30)


def _sign_in(browser: httpx.Client, email: str) -> None:
    """Sign in through the sign-in form; the client keeps the session cookie."""
    sign_in_through_form(browser, email, PASSWORD)
    assert browser.cookies.get(SESSION_COOKIE)


def _page_status(browser: httpx.Client) -> int:
    return browser.get("/").status_code


def _api_status(live: Any, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(live.base_url + "/api/v1/units", headers=headers, timeout=30).status_code


def test_deactivation_ends_tokens_and_sessions_and_reactivation_does_not_revive_them(
    live: Any,
) -> None:
    email = f"leaver-{next(_n)}@example.com"
    with live.client("admin") as admin:
        person = f"/people/{live.new_person('Leaver', email, 'member', PASSWORD)}"
        token = live.new_token(email)
        with _browser(live) as browser:
            _sign_in(browser, email)
            assert (_api_status(live, token), _page_status(browser)) == (200, 200)

            off = admin.patch(person, json={"active": False})
            assert off.status_code == 200, off.text
            assert _api_status(live, token) == 401
            assert _page_status(browser) == 303  # to the sign-in page

            on = admin.patch(person, json={"active": True})
            assert on.status_code == 200, on.text
            assert _api_status(live, token) == 401
            assert _page_status(browser) == 303
            assert browser.get("/").headers["location"].startswith("/login")

        # Back at work, they sign in again and make a new token: those work.
        with _browser(live) as again:
            _sign_in(again, email)
            assert _page_status(again) == 200
        assert _api_status(live, live.new_token(email)) == 200
