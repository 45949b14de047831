"""/api/v1 initiatives over real HTTP: the work behind a key result, which never scores."""

from __future__ import annotations

from typing import Any

import pytest

from live_server import metric_key_result


def _key_result(live: Any, http: Any) -> dict[str, Any]:
    """A metric key result on a new Sales objective of 2026-Q4."""
    return metric_key_result(
        http, live.ids, "Shorten the sales cycle", "Cycle from 90 to 60 days", 90, 60
    )


def test_plan_list_change_and_drop_an_initiative(live: Any) -> None:
    with live.client("sales_member") as http:
        kr = _key_result(live, http)
        path = f"/key-results/{kr['id']}/initiatives"
        made = http.post(path, json={"title": "  Standard contract  "})
        assert made.status_code == 201, made.text
        initiative = made.json()
        assert initiative == {
            "id": initiative["id"],
            "key_result_id": kr["id"],
            "objective_id": kr["objective_id"],
            "title": "Standard contract",
            "owner_id": None,
            "status": "planned",
            "due_date": None,
            "link": "",
        }
        changed = http.patch(
            f"/initiatives/{initiative['id']}",
            json={
                "status": "in_progress",
                "due_date": "2026-12-15",
                "owner_id": live.ids["person:head-sales"],
                "link": "https://wiki.example.com/contract",
            },
        )
        assert changed.status_code == 200, changed.text
        assert {k: changed.json()[k] for k in ("status", "due_date", "owner_id", "link")} == {
            "status": "in_progress",
            "due_date": "2026-12-15",
            "owner_id": live.ids["person:head-sales"],
            "link": "https://wiki.example.com/contract",
        }
        second = http.post(path, json={"title": "Legal fast lane", "status": "done"}).json()
        listed = http.get(path, params={"limit": 1}).json()
        assert [i["id"] for i in listed["items"]] == [initiative["id"]]
        rest = http.get(path, params={"limit": 1, "cursor": listed["next_cursor"]}).json()
        assert [i["id"] for i in rest["items"]] == [second["id"]]
        assert http.delete(f"/initiatives/{initiative['id']}").status_code == 204
        assert [i["id"] for i in http.get(path).json()["items"]] == [second["id"]]
        assert http.patch(f"/initiatives/{initiative['id']}", json={}).status_code == 404


def test_the_seeded_initiatives_are_listed_under_their_key_result(live: Any) -> None:
    with live.client("viewer") as http:
        listed = http.get(f"/key-results/{live.ids['key_result:reply']}/initiatives").json()
    assert [(i["title"], i["status"]) for i in listed["items"]] == [
        ("Hire an extra support manager", "done"),
        ("Streamline ticket triage", "planned"),
    ]
    assert {i["objective_id"] for i in listed["items"]} == {live.ids["objective:support"]}


def test_initiatives_never_change_a_score(live: Any) -> None:
    with live.client("admin") as http:
        kr = _key_result(live, http)
        http.post(f"/key-results/{kr['id']}/check-ins", json={"value": 75})
        before = http.get(f"/key-results/{kr['id']}").json()
        for status in ("planned", "in_progress", "done", "dropped"):
            http.post(
                f"/key-results/{kr['id']}/initiatives", json={"title": "Work", "status": status}
            )
        after = http.get(f"/key-results/{kr['id']}").json()
    assert before["score"] == after["score"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "t", "status": "someday"}, "status"),
        ({"title": "t", "due_date": "next week"}, "due_date"),
        ({"title": "t", "due_date": 20261201}, "due_date"),
        ({"title": "t", "owner_id": 999_999}, "owner_id"),
        ({"title": "t", "owner_id": "3"}, "owner_id"),
        ({"title": "t", "link": "javascript:alert(1)"}, "link"),
        ({"title": "t", "link": "https://example.com/" + "x" * 2000}, "link"),
        ({"title": "t", "key_result_id": 1}, "key_result_id"),
    ],
)
def test_invalid_initiatives_are_refused_naming_the_field_and_nothing_is_stored(
    live: Any, body: dict[str, Any], field: str
) -> None:
    deals = live.ids["key_result:deals"]
    with live.client("admin") as http:
        before = http.get(f"/key-results/{deals}/initiatives").json()["items"]
        refused = http.post(f"/key-results/{deals}/initiatives", json=body)
        assert refused.status_code == 422, refused.text
        assert field in [e["field"] for e in refused.json()["errors"]]
        broken = http.post(
            f"/key-results/{deals}/initiatives",
            content=b'{"title": ',
            headers={"content-type": "application/json"},
        )
        assert broken.status_code == 422
        assert http.get(f"/key-results/{deals}/initiatives").json()["items"] == before


def test_a_change_is_validated_too(live: Any) -> None:
    with live.client("admin") as http:
        kr = _key_result(live, http)
        made = http.post(f"/key-results/{kr['id']}/initiatives", json={"title": "Audit"}).json()
        for change, field in (
            ({"title": None}, "title"),
            ({"status": None}, "status"),
            ({"link": "ftp://files"}, "link"),
            ({"owner_id": 999_999}, "owner_id"),
        ):
            refused = http.patch(f"/initiatives/{made['id']}", json=change)
            assert refused.status_code == 422, (change, refused.text)
            assert [e["field"] for e in refused.json()["errors"]] == [field]
        cleared = http.patch(f"/initiatives/{made['id']}", json={"link": None, "due_date": None})
        assert cleared.status_code == 200
        assert (cleared.json()["link"], cleared.json()["due_date"]) == ("", None)


def test_viewers_and_other_units_may_not_plan_but_an_initiatives_owner_may_change_it(
    live: Any,
) -> None:
    deals = live.ids["key_result:deals"]
    with live.client("admin") as http:
        owned = http.post(
            f"/key-results/{deals}/initiatives",
            json={"title": "Support joins the demos", "owner_id": live.ids["person:head-support"]},
        ).json()
        other = http.post(f"/key-results/{deals}/initiatives", json={"title": "Sales only"}).json()
    for actor in ("viewer", "support_member"):
        with live.client(actor) as http:
            planned = http.post(f"/key-results/{deals}/initiatives", json={"title": "Mine"})
            assert planned.status_code == 403
            assert http.patch(f"/initiatives/{other['id']}", json={"title": "x"}).status_code == 403
            assert http.delete(f"/initiatives/{other['id']}").status_code == 403
    with live.client("viewer") as http:
        assert http.patch(f"/initiatives/{owned['id']}", json={"title": "x"}).status_code == 403
    with live.client("support_member") as http:
        mine = http.patch(f"/initiatives/{owned['id']}", json={"status": "done"})
        assert mine.status_code == 200, mine.text
        assert mine.json()["status"] == "done"
    with live.client("sales_member") as http:
        assert http.delete(f"/initiatives/{other['id']}").status_code == 204
        assert http.delete(f"/initiatives/{owned['id']}").status_code == 204


def test_another_workspaces_initiatives_do_not_exist(live: Any) -> None:
    deals = live.ids["key_result:deals"]
    with live.client("admin") as http:
        made = http.post(f"/key-results/{deals}/initiatives", json={"title": "Ours"}).json()
    with live.client("other_admin") as http:
        assert http.get(f"/key-results/{deals}/initiatives").status_code == 404
        assert (
            http.post(f"/key-results/{deals}/initiatives", json={"title": "x"}).status_code == 404
        )
        assert http.patch(f"/initiatives/{made['id']}", json={"title": "x"}).status_code == 404
        assert http.delete(f"/initiatives/{made['id']}").status_code == 404
    with live.client("admin") as http:
        assert http.delete(f"/initiatives/{made['id']}").status_code == 204
