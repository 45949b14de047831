"""/api/v1/objectives over real HTTP, reading: figures as of a date, filters, paging."""

from __future__ import annotations

from typing import Any

import pytest

WORKED_AS_OF = "2026-11-15"


def _by_key(live: Any, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    keys = {v: k.split(":", 1)[1] for k, v in live.ids.items() if k.startswith("objective:")}
    return {keys[o["id"]]: o for o in items if o["id"] in keys}


def test_the_worked_example_scores_revenue_as_of_mid_november(live: Any) -> None:
    with live.client("viewer") as http:
        answer = http.get(
            "/objectives", params={"period": live.ids["period:2026-Q4"], "as_of": WORKED_AS_OF}
        )
        assert answer.status_code == 200, answer.text
        seeded = _by_key(live, answer.json()["items"])
    revenue = seeded["revenue"]
    assert revenue["score"] == pytest.approx(0.2875)
    assert revenue["expected"] == pytest.approx(0.5)
    assert revenue["status"] == "at_risk"
    assert [kr["id"] for kr in revenue["key_results"]] == [
        live.ids["key_result:deals"],
        live.ids["key_result:pipeline"],
        live.ids["key_result:qbrs"],
    ]
    deals = revenue["key_results"][0]
    assert (deals["current_value"], deals["progress"], deals["score"]) == (36000, 0.45, 0.45)
    assert deals["status"] == "on_track"
    assert {k: deals[k] for k in ("start_value", "target_value", "weight", "kind")} == {
        "start_value": 0,
        "target_value": 80000,
        "weight": 2,
        "kind": "metric",
    }
    assert set(revenue) >= {
        "id",
        "title",
        "description",
        "period_id",
        "owner_unit_id",
        "owner_id",
        "parent_id",
        "parent_key_result_id",
        "type",
        "state",
        "score",
        "expected",
        "status",
        "key_results",
    }
    assert seeded["support"]["parent_key_result_id"] == live.ids["key_result:support-speed"]
    assert seeded["cx"]["score"] == pytest.approx(0.625)  # the rollup counts the support objective
    assert seeded["funnel"]["score"] == pytest.approx(1 / 3)


def test_as_of_recomputes_an_earlier_state(live: Any) -> None:
    revenue = live.ids["objective:revenue"]
    with live.client("viewer") as http:
        october = http.get(f"/objectives/{revenue}", params={"as_of": "2026-10-31"}).json()
        november = http.get(f"/objectives/{revenue}", params={"as_of": WORKED_AS_OF}).json()
        bad = http.get(f"/objectives/{revenue}", params={"as_of": "2026-11-31"})
    assert october["score"] == pytest.approx((2 * 0.25 + 0.25 + 0) / 4)
    assert october["key_results"][0]["current_value"] == 20000
    assert november["score"] == pytest.approx(0.2875)
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["as_of"]


def test_filters_by_period_unit_owner_and_status(live: Any) -> None:
    q4 = live.ids["period:2026-Q4"]
    with live.client("viewer") as http:

        def ids(**params: Any) -> set[int]:
            answer = http.get("/objectives", params={"as_of": WORKED_AS_OF, **params})
            assert answer.status_code == 200, answer.text
            return {o["id"] for o in answer.json()["items"]}

        everything = http.get("/objectives", params={"period": q4, "as_of": WORKED_AS_OF}).json()
        by_status: dict[str | None, set[int]] = {}
        for o in everything["items"]:
            by_status.setdefault(o["status"], set()).add(o["id"])
        seeded = {k: v for k, v in live.ids.items() if k.startswith("objective:")}
        assert by_status["at_risk"] >= {
            seeded["objective:revenue"],
            seeded["objective:funnel"],
            seeded["objective:reach"],
        }
        for status in ("achieved", "on_track", "at_risk", "off_track"):
            assert ids(period=q4, status=status) == by_status.get(status, set()), status
        sales = ids(unit=live.ids["unit:sales"])
        assert {seeded["objective:revenue"], seeded["objective:funnel"]} <= sales
        assert seeded["objective:cx"] not in sales
        assert ids(owner=live.ids["person:head-marketing"]) == {seeded["objective:reach"]}
        assert ids(period=live.ids["period:2026"]) == set()
        assert ids(unit=live.ids["unit:support"], status="on_track") == {
            seeded["objective:support"]
        }
        assert http.get("/objectives", params={"status": "fine"}).status_code == 422
        for bad in ({"period": 0}, {"unit": "sales"}, {"owner": 2**64}):
            assert http.get("/objectives", params=bad).status_code == 422, bad


def test_the_list_pages_with_a_cursor(live: Any) -> None:
    with live.client("viewer") as http:
        seen: list[int] = []
        cursor = None
        while True:
            params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            body = http.get("/objectives", params=params).json()
            assert len(body["items"]) <= 2
            seen += [o["id"] for o in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == sorted(set(seen))
        assert {live.ids[f"objective:{k}"] for k in ("cx", "support", "revenue")} <= set(seen)
        assert http.get("/objectives", params={"limit": 0}).status_code == 422
