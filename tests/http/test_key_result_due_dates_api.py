"""/api/v1 key results over real HTTP: due dates (inside the period, kept so when the period
or the objective moves) and the forecast figures of metric key results."""

from __future__ import annotations

import re
from typing import Any

import pytest
from objective_rows import new_metric, new_objective

from live_server import signed_in_browser


def _errors(answer: Any) -> dict[str, str]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return {e["field"]: e["message"] for e in answer.json()["errors"]}


def test_a_due_date_round_trips_and_the_forecast_reads_the_line_there(live: Any) -> None:
    with live.client("admin") as http:
        objective = new_objective(live, http)
        kr = new_metric(http, objective["id"], target_value=100, due_date="2026-11-30")
        assert kr["due_date"] == "2026-11-30"
        assert (kr["forecast_value"], kr["forecast_score"]) == (None, None)  # the start alone
        path = f"/key-results/{kr['id']}"
        for day, value in (("2026-10-11", 10), ("2026-10-21", 20), ("2026-10-31", 15)):
            made = http.post(f"{path}/check-ins", json={"value": value, "effective_date": day})
            assert made.status_code == 201, made.text
        read = http.get(path, params={"as_of": "2026-11-15"}).json()
        # Through (0, 0), (10, 10), (20, 20), (30, 15) in days since 1 Oct: y = 3 + 0.55x.
        # At 30 Nov (x = 60): 36, 36% of the way from 0 to 100.
        assert read["due_date"] == "2026-11-30"
        assert read["forecast_value"] == pytest.approx(36)
        assert read["forecast_score"] == pytest.approx(0.36)
        # Its own expected progress runs to the due date: day 46 of 61.
        assert read["expected"] == pytest.approx(46 / 61)
        embedded = http.get(f"/objectives/{objective['id']}", params={"as_of": "2026-11-15"})
        assert embedded.json()["expected"] == pytest.approx(46 / 92)
        assert embedded.json()["key_results"][0]["forecast_value"] == pytest.approx(36)

        cleared = http.patch(path, json={"due_date": None})
        assert cleared.status_code == 200, cleared.text
        assert cleared.json()["due_date"] is None
        read = http.get(path, params={"as_of": "2026-11-15"}).json()
        # Without one, the line is read at the period's end, 31 Dec (x = 91): 53.05.
        assert read["forecast_value"] == pytest.approx(53.05)
        assert read["expected"] == pytest.approx(46 / 92)

        milestone = http.post(
            f"/objectives/{objective['id']}/key-results",
            json={"title": "Ship it", "kind": "milestone", "due_date": "2026-12-01"},
        )
        assert milestone.status_code == 201, milestone.text
        assert milestone.json()["due_date"] == "2026-12-01"
        assert (milestone.json()["forecast_value"], milestone.json()["forecast_score"]) == (
            None,
            None,
        )


def test_a_due_date_outside_the_period_or_not_a_date_is_refused(live: Any) -> None:
    with live.client("admin") as http:
        objective = new_objective(live, http)
        base = f"/objectives/{objective['id']}/key-results"
        body = {"title": "Sign 10 partners", "kind": "metric", "start_value": 0, "target_value": 10}
        outside = http.post(base, json=body | {"due_date": "2027-01-15", "weight": 0})
        assert _errors(outside) == {
            "due_date": "must lie inside its period (2026-10-01 to 2026-12-31)",
            "weight": "must be greater than 0",
        }
        assert "due_date" in _errors(http.post(base, json=body | {"due_date": "30 Nov"}))
        assert http.get(f"/objectives/{objective['id']}").json()["key_results"] == []

        kr = new_metric(http, objective["id"], due_date="2026-10-31")
        before = http.patch(f"/key-results/{kr['id']}", json={"due_date": "2026-09-30"})
        assert list(_errors(before)) == ["due_date"]
        assert http.get(f"/key-results/{kr['id']}").json()["due_date"] == "2026-10-31"


def test_periods_and_objectives_move_only_with_their_due_dates_inside(live: Any) -> None:
    with live.client("admin") as http:
        made = http.post(
            "/periods",
            json={
                "name": "November push",
                "kind": "custom",
                "start_date": "2026-11-01",
                "end_date": "2026-11-30",
            },
        )
        assert made.status_code == 201, made.text
        november = made.json()["id"]
        objective = new_objective(live, http, period_id=november)
        kr = new_metric(http, objective["id"], title="Late", due_date="2026-11-25")

        shorter = http.patch(f"/periods/{november}", json={"end_date": "2026-11-20"})
        assert _errors(shorter) == {
            "end_date": f"key result {kr['id']} (Late) is due 2026-11-25, outside "
            "2026-11-01 to 2026-11-20: change its due date first"
        }
        assert http.get(f"/periods/{november}").json()["end_date"] == "2026-11-30"
        assert http.patch(f"/periods/{november}", json={"end_date": "2026-11-27"}).is_success

        october = new_objective(live, http)
        early = new_metric(http, october["id"], title="Early", due_date="2026-10-15")
        moved = http.patch(f"/objectives/{october['id']}", json={"period_id": november})
        assert _errors(moved) == {
            "period_id": f"key result {early['id']} (Early) is due 2026-10-15, outside "
            "2026-11-01 to 2026-11-27: change its due date first"
        }
        into_q4 = http.patch(f"/key-results/{kr['id']}", json={"objective_id": october["id"]})
        assert into_q4.status_code == 200, into_q4.text  # 25 Nov lies inside 2026-Q4 too
        back = http.patch(f"/key-results/{early['id']}", json={"objective_id": objective["id"]})
        assert list(_errors(back)) == ["due_date"]


PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password


def _csrf(page: Any) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_objective_page_shows_and_takes_due_dates(live: Any) -> None:
    with live.client("admin") as http:
        objective = new_objective(live, http)
        kr = new_metric(http, objective["id"], target_value=100, due_date="2026-11-30")
        for day, value in (("2026-10-11", 10), ("2026-10-21", 20), ("2026-10-31", 15)):
            made = http.post(
                f"/key-results/{kr['id']}/check-ins", json={"value": value, "effective_date": day}
            )
            assert made.status_code == 201, made.text
    live.new_person("Planner", "planner@example.com", "admin", PASSWORD)
    with signed_in_browser(live.base_url, "planner@example.com", PASSWORD) as browser:
        path = f"/objectives/{objective['id']}"
        page = browser.get(path, params={"as_of": "2026-11-15"})
        assert page.status_code == 200, page.text
        # The line through the check-ins reaches 36 of 100 at the due date (see above).
        assert "due 30 Nov · on pace for 36%" in page.text
        assert '<label for="kr-new-due">Due date</label>' in page.text
        assert f'<label for="kr-{kr["id"]}-due">Due date</label>' in page.text
        form = {
            "csrf_token": _csrf(page),
            "title": "Ship the partner portal",
            "kind": "milestone",
            "weight": "1",
            "due_date": "2027-02-01",
        }
        refused = browser.post(f"{path}/key-results", data=form)
        assert refused.status_code == 422
        assert "must lie inside its period (2026-10-01 to 2026-12-31)" in refused.text
        added = browser.post(f"{path}/key-results", data=form | {"due_date": "2026-11-20"})
        assert added.status_code == 303, added.text
    with live.client("viewer") as http:
        key_results = http.get(path).json()["key_results"]
    assert [k["due_date"] for k in key_results] == ["2026-11-30", "2026-11-20"]
