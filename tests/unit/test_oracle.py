"""The oracle (tests/oracle.py) itself, against the worked example's figures worked out by hand
(examples/expected.yaml): it must compute each of them from seeds.yaml alone."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from examples import EXPECTED, SEEDS
from oracle import period_figures


def test_the_oracle_computes_the_worked_example_by_hand() -> None:
    expected: dict[str, Any] = yaml.safe_load(EXPECTED.read_text())
    figures = period_figures(
        yaml.safe_load(SEEDS.read_text()), expected["period"], expected["as_of"]
    )
    assert figures["expected"] == pytest.approx(expected["expected"])
    assert figures["overall"] == {
        "score": pytest.approx(expected["overall"]["score"]),
        "status": expected["overall"]["status"],
    }
    assert set(figures["key_results"]) == set(expected["key_results"])
    for key, want in expected["key_results"].items():
        got = figures["key_results"][key]
        assert (got["score"], got["status"]) == (pytest.approx(want["score"]), want["status"]), key
        if "current" in want:
            assert got["current_value"] == pytest.approx(want["current"]), key
        if "progress" in want:
            assert got["progress"] == pytest.approx(want["progress"]), key
        forecast = expected["forecast"].get(key)
        if forecast is None:
            assert (got["forecast_value"], got["forecast_score"]) == (None, None), key
        else:
            assert got["forecast_value"] == pytest.approx(forecast["value"], abs=5e-5), key
            assert got["forecast_score"] == pytest.approx(forecast["score"], abs=5e-5), key
    assert set(figures["objectives"]) == set(expected["objectives"])
    for key, want in expected["objectives"].items():
        got = figures["objectives"][key]
        assert got["score"] == pytest.approx(want["score"], abs=1e-4), key
        assert got["status"] == want["status"], key
    assert set(figures["kpis"]) == set(expected["kpis"])
    for key, want in expected["kpis"].items():
        got = figures["kpis"][key]
        assert (got["latest_value"], got["health"]) == (
            pytest.approx(want["latest"]),
            want["health"],
        )
        if "trend" in want:
            assert got["trend"] == want["trend"], key
