"""A person's own e-mail choices over real HTTP: GET/PATCH /api/v1/me/notifications and the
Notifications form of the account page, which set the same two flags."""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx
import sqlalchemy as sa

from headway.store import tables as t
from headway.store.engine import make_engine
from live_server import signed_in_browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password

_n = itertools.count()


def _stored(live: Any, email: str) -> tuple[bool, bool]:
    """The person's opt-out columns, read from the database itself."""
    engine = make_engine(live.database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(t.person.c.digest_opt_out, t.person.c.alerts_opt_out).where(
                    t.person.c.email == email
                )
            ).one()
    finally:
        engine.dispose()
    return bool(row[0]), bool(row[1])


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_everyone_gets_both_until_they_turn_one_off(live: Any) -> None:
    email = f"notify-api-{next(_n)}@example.com"
    live.new_person("Notify API", email, "member", PASSWORD)
    token = live.new_token(email)
    with httpx.Client(
        base_url=live.base_url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
    ) as me:
        got = me.get("/me/notifications")
        assert got.status_code == 200, got.text
        assert got.json() == {"digest": True, "kpi_alerts": True}

        off = me.patch("/me/notifications", json={"digest": False})
        assert off.status_code == 200, off.text
        assert off.json() == {"digest": False, "kpi_alerts": True}
        assert _stored(live, email) == (True, False)
        assert me.get("/me/notifications").json() == {"digest": False, "kpi_alerts": True}

        both = me.patch("/me/notifications", json={"digest": True, "kpi_alerts": False})
        assert both.json() == {"digest": True, "kpi_alerts": False}
        assert _stored(live, email) == (False, True)


def test_a_bad_body_is_refused_naming_every_field_and_changes_nothing(live: Any) -> None:
    email = f"notify-bad-{next(_n)}@example.com"
    live.new_person("Notify bad", email, "viewer", PASSWORD)
    token = live.new_token(email)
    with httpx.Client(
        base_url=live.base_url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
    ) as me:
        bad = me.patch("/me/notifications", json={"digest": "no", "kpi_alerts": 0, "sms": True})
        assert bad.status_code == 422, bad.text
        assert bad.headers["content-type"].startswith("application/problem+json")
        fields = {e["field"] for e in bad.json()["errors"]}
        assert {"digest", "kpi_alerts", "sms"} <= fields
    assert _stored(live, email) == (False, False)
    with live.client(None) as anonymous:
        assert anonymous.get("/me/notifications").status_code == 401


def test_the_account_page_turns_the_digest_off_and_alerts_back_on(live: Any) -> None:
    email = f"notify-page-{next(_n)}@example.com"
    live.new_person("Notify page", email, "member", PASSWORD)
    with signed_in_browser(live.base_url, email, PASSWORD) as browser:
        page = browser.get("/account")
        assert page.status_code == 200
        assert '<label for="notify-digest">Weekly check-in digest</label>' in page.text
        assert '<label for="notify-kpi-alerts">KPI alerts</label>' in page.text
        assert re.search(
            r'id="notify-digest" name="digest" type="checkbox"[^>]* checked', page.text
        )
        forged = browser.post("/account/notifications", data={"kpi_alerts": "yes"})
        assert forged.status_code == 403
        assert _stored(live, email) == (False, False)
        # Only "KPI alerts" ticked: the digest goes off.
        saved = browser.post(
            "/account/notifications", data={"csrf_token": _csrf(page), "kpi_alerts": "yes"}
        )
        assert saved.status_code == 200, saved.text
        assert "Your e-mail choices are saved." in saved.text
        assert not re.search(r'id="notify-digest"[^>]* checked', saved.text)
        assert re.search(r'id="notify-kpi-alerts"[^>]* checked', saved.text)
        assert _stored(live, email) == (True, False)
