"""/api/v1/key-results/{id}/check-ins over real HTTP: recording moves scores; bad input stores
nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest


def _key_result(live: Any, http: Any, **fields: Any) -> dict[str, Any]:
    """A metric key result 0 -> 100 on a new Sales objective of 2026-Q4."""
    objective = http.post(
        "/objectives",
        json={
            "title": "Delight new customers",
            "period_id": live.ids["period:2026-Q4"],
            "owner_unit_id": live.ids["unit:sales"],
        },
    )
    assert objective.status_code == 201, objective.text
    body = {"title": "Onboard 100 customers", "kind": "metric", "start_value": 0}
    made = http.post(
        f"/objectives/{objective.json()['id']}/key-results",
        json=body | {"target_value": 100} | fields,
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_a_check_in_moves_the_key_result_and_its_objective(live: Any) -> None:
    with live.client("sales_member") as http:
        kr = _key_result(live, http)
        recorded = http.post(
            f"/key-results/{kr['id']}/check-ins",
            json={"value": 40, "confidence": 7, "note": "two big accounts signed"},
        )
        assert recorded.status_code == 201, recorded.text
        check_in = recorded.json()
        assert {k: check_in[k] for k in ("value", "confidence", "note", "author_id")} == {
            "value": 40,
            "confidence": 7,
            "note": "two big accounts signed",
            "author_id": live.ids["person:head-sales"],
        }
        assert set(check_in) >= {"id", "effective_date", "created_at"}
        today = date.fromisoformat(check_in["effective_date"])
        assert abs(today - date.today()) <= timedelta(days=1)  # today in the workspace's zone
        moved = http.get(f"/key-results/{kr['id']}").json()
        assert (moved["current_value"], moved["progress"], moved["score"]) == (40, 0.4, 0.4)
        assert moved["confidence"] == 7
        objective = http.get(f"/objectives/{kr['objective_id']}").json()
        assert objective["score"] == pytest.approx(0.4)


def test_the_latest_effective_date_counts_and_as_of_ignores_later_ones(live: Any) -> None:
    with live.client("admin") as http:
        kr = _key_result(live, http)
        path = f"/key-results/{kr['id']}/check-ins"
        assert (
            http.post(path, json={"value": 30, "effective_date": "2026-11-10"}).status_code == 201
        )
        # Recorded later but dated earlier: a correction of the past, not the latest value.
        assert (
            http.post(path, json={"value": 10, "effective_date": "2026-11-01"}).status_code == 201
        )
        now = http.get(f"/key-results/{kr['id']}").json()
        assert now["current_value"] == 30
        then = http.get(f"/key-results/{kr['id']}", params={"as_of": "2026-11-05"}).json()
        assert then["current_value"] == 10


def test_check_ins_list_in_recording_order_page_by_page(live: Any) -> None:
    with live.client("admin") as http:
        kr = _key_result(live, http)
        path = f"/key-results/{kr['id']}/check-ins"
        for value in (5, 15, 25):
            assert http.post(path, json={"value": value}).status_code == 201
        first = http.get(path, params={"limit": 2}).json()
        second = http.get(path, params={"limit": 2, "cursor": first["next_cursor"]}).json()
        assert [c["value"] for c in first["items"] + second["items"]] == [5, 15, 25]
        assert second["next_cursor"] is None
    with live.client("viewer") as http:
        seeded = http.get(f"/key-results/{live.ids['key_result:deals']}/check-ins").json()
        assert [c["value"] for c in seeded["items"]] == [20000, 36000]
        assert seeded["items"][1]["confidence"] == 5


TOMORROW = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"value": NaN}', "value"),
        (b'{"value": Infinity}', "value"),
        (b'{"value": -Infinity}', "value"),
        (b'{"value": 1e999}', "value"),
        (b'{"value": "40"}', "value"),
        (b'{"value": true}', "value"),
        (b'{"value": null}', "value"),
        (b"{}", "value"),
        (b'{"value": 40, "confidence": 11}', "confidence"),
        (b'{"value": 40, "confidence": -1}', "confidence"),
        (b'{"value": 40, "confidence": 7.5}', "confidence"),
        (b'{"value": 40, "confidence": "7"}', "confidence"),
        (b'{"value": 40, "confidence": true}', "confidence"),
        (b'{"value": 40, "effective_date": "' + TOMORROW.encode() + b'"}', "effective_date"),
        (b'{"value": 40, "effective_date": "2026-13-01"}', "effective_date"),
        (b'{"value": 40, "effective_date": 20261101}', "effective_date"),
        (b'{"value": 40, "note": "' + b"x" * 10_001 + b'"}', "note"),
        (b'{"value": 40, "author_id": 1}', "author_id"),
        (b'{"value": 40', None),
        (b'[{"value": 40}]', None),
    ],
)
def test_invalid_check_ins_are_refused_naming_the_field_and_nothing_is_stored(
    live: Any, raw: bytes, field: str | None
) -> None:
    deals = live.ids["key_result:deals"]
    with live.client("admin") as http:
        before = http.get(f"/key-results/{deals}/check-ins").json()["items"]
        refused = http.post(
            f"/key-results/{deals}/check-ins",
            content=raw,
            headers={"content-type": "application/json"},
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        fields = [e["field"] for e in refused.json()["errors"]]
        assert field in fields if field else fields
        assert http.get(f"/key-results/{deals}/check-ins").json()["items"] == before


def test_rollups_milestones_and_kpi_linked_key_results_take_only_what_fits(live: Any) -> None:
    with live.client("admin") as http:
        rollup = _key_result(live, http, kind="rollup", start_value=None, target_value=None)
        milestone = _key_result(live, http, kind="milestone", start_value=None, target_value=None)
        linked = _key_result(
            live, http, start_value=45, target_value=25, kpi_id=live.ids["kpi:reply-time"]
        )
        for kr, value in ((rollup, 1), (linked, 30), (milestone, 0.5)):
            refused = http.post(f"/key-results/{kr['id']}/check-ins", json={"value": value})
            assert refused.status_code == 422, (kr["kind"], refused.text)
            assert [e["field"] for e in refused.json()["errors"]] == ["value"]
            assert http.get(f"/key-results/{kr['id']}/check-ins").json()["items"] == []
        done = http.post(f"/key-results/{milestone['id']}/check-ins", json={"value": 1})
        assert done.status_code == 201
        assert http.get(f"/key-results/{milestone['id']}").json()["score"] == 1


def test_only_those_who_may_write_the_key_result_check_in(live: Any) -> None:
    deals = live.ids["key_result:deals"]
    for actor in ("viewer", "support_member"):
        with live.client(actor) as http:
            refused = http.post(f"/key-results/{deals}/check-ins", json={"value": 1})
            assert refused.status_code == 403
            assert http.get(f"/key-results/{deals}/check-ins").status_code == 200
    with live.client("admin") as http:
        after = http.get(f"/key-results/{deals}/check-ins").json()["items"]
        assert [c["value"] for c in after] == [20000, 36000]


def test_another_workspaces_check_ins_do_not_exist(live: Any) -> None:
    deals = live.ids["key_result:deals"]
    with live.client("other_admin") as http:
        assert http.get(f"/key-results/{deals}/check-ins").status_code == 404
        assert http.post(f"/key-results/{deals}/check-ins", json={"value": 1}).status_code == 404
