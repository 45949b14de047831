"""/api/v1/tokens over real HTTP: a person's own tokens, shown once, revocable."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_n = itertools.count()

TOKEN_FIELDS = {"id", "name", "person_id", "created_at", "last_used_at", "revoked_at"}


def _new(http: httpx.Client) -> dict[str, Any]:
    made = http.post("/tokens", json={"name": f"script {next(_n)}"})
    assert made.status_code == 201, made.text
    return dict(made.json())


def _as(live: Any, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=live.base_url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
    )


def test_a_token_is_shown_once_then_used_listed_and_revoked(live: Any) -> None:
    with live.client("sales_member") as http:
        made = http.post("/tokens", json={"name": "  laptop  "})
        assert made.status_code == 201, made.text
        token = made.json()
        assert set(token) == TOKEN_FIELDS | {"token"}
        assert token["name"] == "laptop"
        assert token["person_id"] == live.ids["person:head-sales"]
        assert token["token"].startswith("hw_")
        assert token["last_used_at"] is None
        assert token["revoked_at"] is None

        listed = {t["id"]: t for t in http.get("/tokens").json()["items"]}
        assert listed[token["id"]] == {k: v for k, v in token.items() if k != "token"}
        assert token["token"] not in http.get("/tokens").text

        with _as(live, token["token"]) as mine:
            assert mine.get("/people").status_code == 200
        used = {t["id"]: t for t in http.get("/tokens").json()["items"]}[token["id"]]
        assert used["last_used_at"] is not None
        assert used["last_used_at"] >= used["created_at"]

        assert http.delete(f"/tokens/{token['id']}").status_code == 204
        with _as(live, token["token"]) as mine:
            refused = mine.get("/people")
            assert refused.status_code == 401
            assert refused.headers["content-type"].startswith("application/problem+json")
        revoked = {t["id"]: t for t in http.get("/tokens").json()["items"]}[token["id"]]
        assert revoked["revoked_at"] is not None
        # Revoking again changes nothing.
        assert http.delete(f"/tokens/{token['id']}").status_code == 204
        again = {t["id"]: t for t in http.get("/tokens").json()["items"]}[token["id"]]
        assert again == revoked


def test_the_list_holds_only_the_callers_own_tokens(live: Any) -> None:
    with live.client("support_member") as http:
        own = _new(http)
    with live.client("admin") as http:
        ids = [t["id"] for t in http.get("/tokens").json()["items"]]
        assert own["id"] not in ids
        assert ids == sorted(ids)
        _new(http)
        _new(http)
        first = http.get("/tokens", params={"limit": 1}).json()
        assert len(first["items"]) == 1
        rest = http.get("/tokens", params={"cursor": first["next_cursor"]}).json()["items"]
        assert [t["id"] for t in first["items"] + rest] == sorted(
            t["id"] for t in http.get("/tokens").json()["items"]
        )
    with live.client("viewer") as http:
        viewer_token = _new(http)  # viewers read through the API too, with their own tokens
        assert {t["person_id"] for t in http.get("/tokens").json()["items"]} == {
            live.ids["person:auditor"]
        }
        assert http.delete(f"/tokens/{viewer_token['id']}").status_code == 204


def test_admins_revoke_anyones_token_members_only_their_own(live: Any) -> None:
    with live.client("support_member") as http:
        support = _new(http)
    with live.client("sales_member") as http:
        assert http.delete(f"/tokens/{support['id']}").status_code == 403
    with _as(live, support["token"]) as http:
        assert http.get("/people").status_code == 200
    with live.client("other_admin") as http:
        assert http.delete(f"/tokens/{support['id']}").status_code == 404
    with live.client("admin") as http:
        assert http.delete(f"/tokens/{support['id']}").status_code == 204
        assert http.delete("/tokens/999999").status_code == 404
    with _as(live, support["token"]) as http:
        assert http.get("/people").status_code == 401


def test_a_token_needs_a_name(live: Any) -> None:
    with live.client("admin") as http:
        for body, field in [
            ({"name": "  "}, "name"),
            ({"name": "x" * 201}, "name"),
            ({}, "name"),
            ({"name": 7}, "name"),
            ({"name": "ok", "scopes": ["read"]}, "scopes"),
        ]:
            refused = http.post("/tokens", json=body)
            assert refused.status_code == 422, refused.text
            assert [e["field"] for e in refused.json()["errors"]] == [field]
