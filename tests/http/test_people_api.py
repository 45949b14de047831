"""/api/v1/people over real HTTP: who is in the workspace, and who may change that."""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa

from headway.store import tables as t

_n = itertools.count()


def _email(prefix: str = "person") -> str:
    return f"{prefix}-{next(_n)}@example.com"


def _add(http: Any, **fields: Any) -> dict[str, Any]:
    body = {"name": "Someone", "email": _email(), "role": "member", **fields}
    made = http.post("/people", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _password_hash(live: Any, person_id: int) -> str | None:
    engine = sa.create_engine(live.database_url)
    try:
        with engine.connect() as conn:
            q = sa.select(t.person.c.password_hash).where(t.person.c.id == person_id)
            return conn.execute(q).scalar()
    finally:
        engine.dispose()


def test_everyone_reads_the_people_page_by_page(live: Any) -> None:
    with live.client("viewer") as http:
        first = http.get("/people", params={"limit": 3})
        assert first.status_code == 200
        body = first.json()
        second = http.get("/people", params={"limit": 3, "cursor": body["next_cursor"]}).json()
        people = body["items"] + second["items"]
        ids = [p["id"] for p in people]
        assert ids == sorted(set(ids))
        ceo = next(p for p in people if p["email"] == "ceo@example.com")
        assert ceo == {
            "id": live.ids["person:ceo"],
            "name": "Chief Executive",
            "email": "ceo@example.com",
            "role": "admin",
            "active": True,
            "unit_ids": [live.ids["unit:co"]],
        }
        one = http.get(f"/people/{live.ids['person:head-sales']}")
        assert one.json()["unit_ids"] == [live.ids["unit:sales"]]


def test_admin_adds_a_person_with_units_and_a_password_that_is_never_shown(live: Any) -> None:
    units = [live.ids["unit:support"], live.ids["unit:support-emea"]]
    with live.client("admin") as http:
        made = http.post(
            "/people",
            json={
                "name": "  Ada Agent ",
                "email": " Ada.Agent@Example.COM ",
                "role": "member",
                "unit_ids": units,
                "password": "correct horse",
            },
        )
        assert made.status_code == 201, made.text
        person = made.json()
        assert set(person) == {"id", "name", "email", "role", "active", "unit_ids"}
        assert person["name"] == "Ada Agent"
        assert person["email"] == "ada.agent@example.com"
        assert person["unit_ids"] == sorted(units)
        assert person["active"] is True
        assert http.get(f"/people/{person['id']}").json() == person
    stored = _password_hash(live, person["id"])
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored


def test_an_email_belongs_to_one_person_whatever_its_case(live: Any) -> None:
    with live.client("admin") as http:
        taken = http.post(
            "/people", json={"name": "Twin", "email": "CEO@example.com", "role": "viewer"}
        )
        assert taken.status_code == 409
        assert taken.headers["content-type"].startswith("application/problem+json")
        person = _add(http)
        clash = http.patch(f"/people/{person['id']}", json={"email": "Sales-Lead@Example.com"})
        assert clash.status_code == 409
        same = http.patch(f"/people/{person['id']}", json={"email": person["email"].upper()})
        assert same.status_code == 200
        assert same.json()["email"] == person["email"]


def test_units_must_exist_in_the_workspace(live: Any) -> None:
    with live.client("other_admin") as other:
        foreign_unit = other.get("/units").json()["items"][0]["id"]
    with live.client("admin") as http:
        for unit_ids in ([999_999], [foreign_unit], [live.ids["unit:sales"], 999_998]):
            refused = http.post(
                "/people",
                json={"name": "X", "email": _email(), "role": "member", "unit_ids": unit_ids},
            )
            assert refused.status_code == 422, unit_ids
            assert [e["field"] for e in refused.json()["errors"]] == ["unit_ids"]
        person = _add(http)
        moved = http.patch(f"/people/{person['id']}", json={"unit_ids": [foreign_unit]})
        assert moved.status_code == 422
        assert moved.json()["errors"][0]["field"] == "unit_ids"


def test_bad_person_inputs_are_422_naming_each_field(live: Any) -> None:
    cases = [
        ({"password": "short"}, "password"),
        ({"email": "not an address"}, "email"),
        ({"role": "owner"}, "role"),
        ({"name": "   "}, "name"),
        ({"name": 5}, "name"),
        ({"unit_ids": ["1"]}, "unit_ids[0]"),
        ({"unit_ids": [True]}, "unit_ids[0]"),
        ({"active": "yes"}, "active"),
        ({"colour": "red"}, "colour"),
    ]
    with live.client("admin") as http:
        before = http.get("/people", params={"limit": 500}).json()["items"]
        for change, field in cases:
            body = {"name": "Valid", "email": _email(), "role": "member", **change}
            refused = http.post("/people", json=body)
            assert refused.status_code == 422, (change, refused.text)
            assert field in {e["field"] for e in refused.json()["errors"]}, refused.text
        missing = http.post("/people", json={"name": "No email", "role": "member"})
        assert [e["field"] for e in missing.json()["errors"]] == ["email"]
        broken = http.post(
            "/people", content=b'{"name": "x", ', headers={"content-type": "application/json"}
        )
        assert broken.status_code == 422
        target = f"/people/{live.ids['person:head-marketing']}"
        for change, field in [({"name": None}, "name"), ({"password": "1234567"}, "password")]:
            refused = http.patch(target, json=change)
            assert refused.status_code == 422
            assert [e["field"] for e in refused.json()["errors"]] == [field]
        assert http.get("/people", params={"limit": 500}).json()["items"] == before


def test_a_patch_changes_only_what_it_sends(live: Any) -> None:
    with live.client("admin") as http:
        person = _add(http, unit_ids=[live.ids["unit:hr"]], password="first password")
        old_hash = _password_hash(live, person["id"])
        renamed = http.patch(f"/people/{person['id']}", json={"name": "Renamed"}).json()
        assert renamed == {**person, "name": "Renamed"}
        http.patch(f"/people/{person['id']}", json={"password": "second password"})
        assert _password_hash(live, person["id"]) != old_hash
        cleared = http.patch(f"/people/{person['id']}", json={"unit_ids": [], "role": "viewer"})
        assert cleared.json() == {**person, "name": "Renamed", "unit_ids": [], "role": "viewer"}


def test_members_and_viewers_read_people_but_cannot_change_them(live: Any) -> None:
    target = f"/people/{live.ids['person:head-support']}"
    for actor in ("sales_member", "support_member", "viewer"):
        with live.client(actor) as http:
            assert http.get(target).status_code == 200
            assert http.patch(target, json={"role": "admin"}).status_code == 403
            made = http.post("/people", json={"name": "X", "email": _email(), "role": "admin"})
            assert made.status_code == 403
    with live.client("admin") as http:
        assert http.get(target).json()["role"] == "member"


def test_another_workspaces_person_does_not_exist(live: Any) -> None:
    with live.client("other_admin") as http:
        target = f"/people/{live.ids['person:head-sales']}"
        assert http.get(target).status_code == 404
        assert http.patch(target, json={"name": "Mine now"}).status_code == 404
        emails = {p["email"] for p in http.get("/people").json()["items"]}
        assert emails and all(e.endswith("@other.example") for e in emails)


def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(live: Any) -> None:
    me = f"/people/{live.ids['person:ceo']}"
    with live.client("admin") as http:
        for change in ({"role": "member"}, {"active": False}):
            refused = http.patch(me, json=change)
            assert refused.status_code == 409, refused.text
            assert "last active admin" in refused.json()["detail"]
        assert http.get(me).json()["role"] == "admin"
        # With a second admin in place, an admin may be demoted (that one, here).
        deputy = _add(http, role="admin")
        demoted = http.patch(f"/people/{deputy['id']}", json={"role": "member"})
        assert demoted.status_code == 200
        assert http.patch(me, json={"role": "member"}).status_code == 409


def test_a_deactivated_persons_token_stops_working(live: Any) -> None:
    with live.client("admin") as http:
        person = _add(http, role="viewer")
    token = live.new_token(person["email"])
    with live.client(None) as anonymous:
        headers = {"Authorization": f"Bearer {token}"}
        assert anonymous.get("/people", headers=headers).status_code == 200
        with live.client("admin") as http:
            off = http.patch(f"/people/{person['id']}", json={"active": False})
            assert off.json()["active"] is False
            assert anonymous.get("/people", headers=headers).status_code == 401
            http.patch(f"/people/{person['id']}", json={"active": True})
        # Deactivation revoked it for good: reactivating the person does not revive it.
        assert anonymous.get("/people", headers=headers).status_code == 401
