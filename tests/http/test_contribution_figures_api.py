"""A contributor's score reaches what it serves (docs/formulas.md), over real HTTP on both
databases: a rollup key result takes the mean score of the objectives aligned under it and
of those contributing to it; an objective with no key results, the plain mean of its child
objectives and its contributors. A draft counts nowhere."""

from __future__ import annotations

from typing import Any

import pytest
from objective_rows import new_metric as _metric
from objective_rows import new_objective as _objective


def _scored(live: Any, http: Any, title: str, value: float, **fields: Any) -> dict[str, Any]:
    """An objective with one metric key result from 0 to 10 checked in at `value`."""
    objective = _objective(live, http, title=title, **fields)
    kr = _metric(http, objective["id"], start_value=0, target_value=10)
    checked = http.post(f"/key-results/{kr['id']}/check-ins", json={"value": value})
    assert checked.status_code == 201, checked.text
    return objective


def test_a_contributor_counts_in_a_rollup_and_in_an_objective_without_key_results(
    live: Any,
) -> None:
    with live.client("admin") as http:
        # An objective without key results, a child under it scoring 1.0.
        served = _objective(live, http, title="Scored from below")
        _scored(live, http, "Its child", 10, parent_id=served["id"])
        # An objective with a rollup key result, a child under that scoring 0.25.
        rolled = _objective(live, http, title="Rolled up")
        made = http.post(
            f"/objectives/{rolled['id']}/key-results",
            json={"title": "Teams delivered", "kind": "rollup"},
        )
        assert made.status_code == 201, made.text
        rollup = made.json()
        _scored(live, http, "Under the rollup", 2.5, parent_key_result_id=rollup["id"])
        # A contributor scoring 0.5 serves both; a draft scoring 1.0 would serve both too.
        _scored(
            live,
            http,
            "Cross-team contributor",
            5,
            owner_unit_id=live.ids["unit:marketing"],
            contributes_to=[served["id"]],
            contributes_to_key_results=[rollup["id"]],
        )
        _scored(
            live,
            http,
            "A proposal",
            10,
            state="draft",
            contributes_to=[served["id"]],
            contributes_to_key_results=[rollup["id"]],
        )

        # mean(1.0 child, 0.5 contributor); the draft counts nowhere.
        assert http.get(f"/objectives/{served['id']}").json()["score"] == pytest.approx(0.75)
        # mean(0.25 aligned, 0.5 contributor) = 0.375, the objective's only key result.
        answer = http.get(f"/objectives/{rolled['id']}").json()
        (kr,) = answer["key_results"]
        assert kr["progress"] == pytest.approx(0.375)
        assert kr["score"] == pytest.approx(0.375)
        assert answer["score"] == pytest.approx(0.375)
