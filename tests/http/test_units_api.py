"""/api/v1/units over real HTTP: the organisation tree."""

from __future__ import annotations

from typing import Any

import pytest


def test_units_list_pages_with_an_opaque_cursor(live: Any) -> None:
    with live.client("viewer") as http:
        first = http.get("/units", params={"limit": 4})
        assert first.status_code == 200
        body = first.json()
        assert len(body["items"]) == 4
        second = http.get("/units", params={"limit": 4, "cursor": body["next_cursor"]}).json()
        ids = [u["id"] for u in body["items"] + second["items"]]
        assert ids == sorted(set(ids))
        assert len(ids) == 6  # the seeds have six units
        assert second["next_cursor"] is None
        bad = http.get("/units", params={"cursor": "not-a-cursor"})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "cursor"
        assert http.get("/units", params={"limit": 501}).status_code == 422


def test_admin_creates_moves_and_deletes_a_unit(live: Any) -> None:
    support = live.ids["unit:support"]
    with live.client("admin") as http:
        made = http.post(
            "/units", json={"name": "Support APAC", "kind": "team", "parent_id": support}
        )
        assert made.status_code == 201, made.text
        unit = made.json()
        moved = http.patch(f"/units/{unit['id']}", json={"parent_id": live.ids["unit:sales"]})
        assert moved.json()["parent_id"] == live.ids["unit:sales"]
        assert http.delete(f"/units/{unit['id']}").status_code == 204
        assert http.get(f"/units/{unit['id']}").status_code == 404


def test_a_unit_cannot_move_below_itself_nor_be_a_second_company(live: Any) -> None:
    with live.client("admin") as http:
        cycle = http.patch(
            f"/units/{live.ids['unit:support']}", json={"parent_id": live.ids["unit:support-emea"]}
        )
        assert cycle.status_code == 422
        assert cycle.headers["content-type"].startswith("application/problem+json")
        assert cycle.json()["errors"][0]["field"] == "parent_id"
        second = http.post("/units", json={"name": "Holding", "kind": "company"})
        assert second.status_code == 422
        assert {e["field"] for e in second.json()["errors"]} == {"kind"}


def test_a_unit_that_owns_anything_is_not_deleted(live: Any) -> None:
    with live.client("admin") as http:
        refused = http.delete(f"/units/{live.ids['unit:sales']}")
        assert refused.status_code == 409
        assert http.get(f"/units/{live.ids['unit:sales']}").status_code == 200


def test_requests_without_a_valid_token_are_refused(live: Any) -> None:
    with live.client(None) as http:
        missing = http.get("/units")
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        forged = http.get("/units", headers={"Authorization": "Bearer hw_forged"})
        assert forged.status_code == 401


def test_another_workspaces_unit_does_not_exist(live: Any) -> None:
    with live.client("other_admin") as http:
        assert http.get(f"/units/{live.ids['unit:sales']}").status_code == 404
        assert http.patch(f"/units/{live.ids['unit:sales']}", json={"name": "x"}).status_code == 404


def test_a_null_name_or_kind_is_refused_not_stored_as_none(live: Any) -> None:
    with live.client("admin") as http:
        unit = f"/units/{live.ids['unit:support-emea']}"
        refused = http.patch(unit, json={"name": None, "kind": None})
        assert refused.status_code == 422
        assert {e["field"] for e in refused.json()["errors"]} == {"name", "kind"}
        assert http.get(unit).json()["name"] == "Support EMEA"


@pytest.mark.parametrize("parent", ['"PARENT"', "PARENT.0", "true"])
def test_a_parent_id_that_is_not_a_json_integer_is_refused(live: Any, parent: str) -> None:
    raw = parent.replace("PARENT", str(live.ids["unit:support"]))
    with live.client("admin") as http:
        before = len(http.get("/units", params={"limit": 500}).json()["items"])
        made = http.post(
            "/units",
            content=f'{{"name": "Support APAC", "kind": "team", "parent_id": {raw}}}'.encode(),
            headers={"content-type": "application/json"},
        )
        assert made.status_code == 422, made.text
        assert [e["field"] for e in made.json()["errors"]] == ["parent_id"]
        assert len(http.get("/units", params={"limit": 500}).json()["items"]) == before
        moved = http.patch(
            f"/units/{live.ids['unit:support-emea']}",
            content=f'{{"parent_id": {raw}}}'.encode(),
            headers={"content-type": "application/json"},
        )
        assert moved.status_code == 422, moved.text
        assert [e["field"] for e in moved.json()["errors"]] == ["parent_id"]
