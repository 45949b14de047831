"""/api/v1/audit over real HTTP: every write is in the log, newest first, for admins only."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

import httpx

from headway.config import load_settings
from headway.services.access.actors import Caller
from headway.services.access.people import create_token
from headway.services.access.workspaces import resolve_workspace
from headway.store.uow import make_uow

EVENT_FIELDS = {
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "subject_type",
    "subject_id",
    "before",
    "after",
}
PASSWORD = "never-in-the-log"  # noqa: S105 - a test value


def test_the_log_lists_the_writes_newest_first_without_secrets(live: Any) -> None:
    ceo = live.ids["person:ceo"]
    with live.client("admin") as http:
        person = http.post(
            "/people",
            json={
                "name": "Logged",
                "email": "logged@example.com",
                "role": "member",
                "password": PASSWORD,
            },
        ).json()
        http.patch(f"/people/{person['id']}", json={"role": "viewer", "password": PASSWORD + "!"})
        period = http.post(
            "/periods",
            json={
                "name": "Logged period",
                "kind": "custom",
                "start_date": "2027-01-01",
                "end_date": "2027-02-28",
            },
        ).json()
        token = http.post("/tokens", json={"name": "logged"}).json()
        http.delete(f"/tokens/{token['id']}")

        response = http.get("/audit", params={"limit": 5})
        assert response.status_code == 200
        events = response.json()["items"]
    assert all(set(e) == EVENT_FIELDS for e in events)
    assert [(e["action"], e["subject_type"], e["subject_id"]) for e in events] == [
        ("revoke", "api_token", token["id"]),
        ("create", "api_token", token["id"]),
        ("create", "period", period["id"]),
        ("update", "person", person["id"]),
        ("create", "person", person["id"]),
    ]
    assert {(e["actor_id"], e["actor_label"]) for e in events} == {(ceo, "ceo@example.com")}
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    update = events[3]
    assert update["before"]["role"] == "member"
    assert update["after"]["role"] == "viewer"
    assert events[2]["after"]["name"] == "Logged period"
    assert events[2]["before"] is None
    assert events[0]["after"]["revoked_at"] is not None

    text = response.text
    for secret in (
        PASSWORD,
        "$argon2",
        token["token"],
        hashlib.sha256(token["token"].encode()).hexdigest(),
    ):
        assert secret not in text


def test_the_log_filters_by_subject_and_actor(live: Any) -> None:
    with live.client("sales_member") as http:
        mine = http.post("/tokens", json={"name": "sales script"}).json()
    with live.client("admin") as http:
        marketing = live.ids["person:head-marketing"]
        http.patch(f"/people/{marketing}", json={"name": "Head of Growth"})
        http.patch(f"/people/{marketing}", json={"name": "Head of Marketing"})

        about = http.get("/audit", params={"subject_type": "person", "subject_id": marketing})
        names = [e["after"]["name"] for e in about.json()["items"]]
        assert names == ["Head of Marketing", "Head of Growth"]

        by_sales = http.get("/audit", params={"actor_id": live.ids["person:head-sales"]}).json()
        assert [(e["action"], e["subject_id"]) for e in by_sales["items"]] == [
            ("create", mine["id"])
        ]
        seeded = http.get("/audit", params={"subject_type": "workspace"}).json()["items"]
        assert [(e["action"], e["actor_id"], e["actor_label"]) for e in seeded] == [
            ("import", None, "test")
        ]
        bad = http.get("/audit", params={"subject_id": "abc"})
        assert bad.status_code == 422
        assert [e["field"] for e in bad.json()["errors"]] == ["subject_id"]


def test_the_log_pages_backwards_and_new_events_never_shift_a_page(live: Any) -> None:
    with live.client("admin") as http:
        for n in range(3):
            http.patch(f"/people/{live.ids['person:head-support']}", json={"name": f"Support {n}"})
        first = http.get("/audit", params={"limit": 2}).json()
        http.patch(f"/people/{live.ids['person:head-support']}", json={"name": "Head of Support"})
        second = http.get("/audit", params={"limit": 2, "cursor": first["next_cursor"]}).json()
        ids = [e["id"] for e in first["items"] + second["items"]]
        assert ids == sorted(ids, reverse=True)
        assert len(set(ids)) == 4
        assert [e["after"]["name"] for e in first["items"] + second["items"]][:3] == [
            "Support 2",
            "Support 1",
            "Support 0",
        ]
        everything: list[int] = []
        cursor = None
        while True:
            params = {"limit": 500} | ({"cursor": cursor} if cursor else {})
            answer = http.get("/audit", params=params).json()
            everything += [e["id"] for e in answer["items"]]
            cursor = answer["next_cursor"]
            if cursor is None:
                break
        assert everything == sorted(set(everything), reverse=True)
        assert http.get("/audit", params={"cursor": "bogus"}).status_code == 422


def test_only_admins_read_the_log_and_only_their_own_workspaces(live: Any) -> None:
    for actor in ("sales_member", "support_member", "viewer"):
        with live.client(actor) as http:
            refused = http.get("/audit")
            assert refused.status_code == 403
            assert refused.headers["content-type"].startswith("application/problem+json")
    with live.client(None) as http:
        assert http.get("/audit").status_code == 401
    with live.client("admin") as http:
        ours = {e["id"] for e in http.get("/audit", params={"limit": 500}).json()["items"]}
    with live.client("other_admin") as http:
        theirs = http.get("/audit", params={"limit": 500}).json()["items"]
    assert theirs
    assert not ours & {e["id"] for e in theirs}
    assert all(e["actor_label"] != "ceo@example.com" for e in theirs)


def test_a_cursor_beyond_any_id_is_refused_naming_the_cursor(live: Any) -> None:
    huge = base64.urlsafe_b64encode(f"id:{2**70}".encode()).decode().rstrip("=")
    with live.client("admin") as http:
        answer = http.get("/audit", params={"cursor": huge})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["cursor"]


def test_a_person_with_a_250_character_email_leaves_it_in_the_log(live: Any) -> None:
    email = "a" * 59 + "@" + ".".join(["b" * 60, "c" * 60, "d" * 60]) + ".example"
    assert len(email) == 250
    with live.client("admin") as http:
        person = http.post("/people", json={"name": "Long Mail", "email": email, "role": "admin"})
        assert person.status_code == 201, person.text
    uow = make_uow(load_settings(database_url=live.database_url))
    token = create_token(
        uow,
        resolve_workspace(uow, "Example Co"),
        email=email,
        caller=Caller.operator("test"),
        clock=lambda: datetime.now(UTC),
    ).token
    uow.engine.dispose()
    with httpx.Client(
        base_url=live.base_url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
    ) as http:
        period = http.post(
            "/periods",
            json={
                "name": "Long mail's sprint",
                "kind": "custom",
                "start_date": "2027-05-03",
                "end_date": "2027-05-14",
            },
        )
        assert period.status_code == 201, period.text
        events = http.get(
            "/audit", params={"subject_type": "period", "subject_id": period.json()["id"]}
        ).json()["items"]
    assert [e["actor_label"] for e in events] == [email]
