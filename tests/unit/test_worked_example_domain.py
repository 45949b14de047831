"""The worked example (seeds.yaml) evaluated by the domain alone gives expected.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from document_rows import period_data
from examples import EXPECTED, SEEDS
from headway.domain.evaluation import evaluate
from headway.domain.kpi import kpi_figures, propose_okr
from headway.domain.model import Figures, PeriodData
from headway.domain.overall import overall_progress
from headway.domain.periods import expected_progress

AS_OF = date(2026, 11, 15)


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


@pytest.fixture(scope="module")
def example() -> tuple[PeriodData, dict[str, dict[str, int]], Figures, dict[str, Any]]:
    data, keys = period_data(_load(SEEDS))
    expected = _load(EXPECTED)
    assert expected["as_of"] == AS_OF
    return data, keys, evaluate(data, AS_OF), expected


Example = tuple[PeriodData, dict[str, dict[str, int]], Figures, dict[str, Any]]


def test_expected_progress_of_the_quarter_is_one_half(example: Example) -> None:
    data, keys, _, expected = example
    quarter = data.periods[keys["period"][expected["period"]]]
    assert expected_progress(quarter.start_date, quarter.end_date, AS_OF) == expected["expected"]


def test_every_key_result_figure_matches(example: Example) -> None:
    _, keys, figures, expected = example
    assert set(keys["key_result"]) == set(expected["key_results"])
    for key, want in expected["key_results"].items():
        got = figures.key_results[keys["key_result"][key]]
        assert got.score == pytest.approx(want["score"]), key
        assert got.status.value == want["status"], key
        assert got.expected == pytest.approx(expected["expected"]), key
        if "current" in want:
            assert got.current_value == pytest.approx(want["current"]), key
        if "progress" in want:
            assert got.progress == pytest.approx(want["progress"]), key


def test_every_objective_figure_matches(example: Example) -> None:
    _, keys, figures, expected = example
    assert set(keys["objective"]) == set(expected["objectives"])
    for key, want in expected["objectives"].items():
        got = figures.objectives[keys["objective"][key]]
        assert got.score == pytest.approx(want["score"], abs=1e-4), key
        assert got.status is not None
        assert got.status.value == want["status"], key


def test_overall_progress_is_the_companys_own_top_objective(example: Example) -> None:
    # The company (Example Co) owns one objective, cx, aligned under nothing: its score is the
    # headline, 0.625, on track against 0.5 expected. The departments' objectives are left out.
    data, keys, figures, expected = example
    period_id = keys["period"][expected["period"]]
    own = [o for o in data.objectives if o.period_id == period_id]
    overall = overall_progress(own, figures.objectives, data.units.values(), expected["expected"])
    assert overall.score == pytest.approx(expected["overall"]["score"])
    assert overall.status is not None
    assert overall.status.value == expected["overall"]["status"]


def test_every_kpi_figure_matches(example: Example) -> None:
    _, keys, figures, expected = example
    assert set(keys["kpi"]) == set(expected["kpis"])
    for key, want in expected["kpis"].items():
        got = figures.kpis[keys["kpi"][key]]
        assert got.latest_value == pytest.approx(want["latest"]), key
        assert got.health.value == want["health"], key
        if "trend" in want:
            assert got.trend is not None
            assert got.trend.value == want["trend"], key


def test_kpi_linked_key_result_reads_the_kpi_not_check_ins(example: Example) -> None:
    _, keys, figures, _ = example
    reply = figures.key_results[keys["key_result"]["reply"]]
    assert reply.last_update == date(2026, 11, 10)
    assert reply.confidence is None


def test_reply_time_proposes_the_expected_okr(example: Example) -> None:
    data, keys, _, expected = example
    kpi = next(k for k in data.kpis if k.id == keys["kpi"]["reply-time"])
    mine = [m for m in data.measurements if m.kpi_id == kpi.id]
    proposal = propose_okr(kpi, kpi_figures(kpi, mine, data.fiscal_year_start_month, AS_OF))
    want = expected["propose_okr"]["reply-time"]
    assert (proposal.start_value, proposal.target_value) == (want["start"], want["target"])
    assert proposal.objective_title == "Improve Average reply time"
    assert proposal.key_result_title == "Average reply time from 35 to 25 min"
    assert proposal.kpi_id == kpi.id


def test_every_forecast_matches(example: Example) -> None:
    # Metric key results with check-ins (or, for `reply`, its KPI's weekly buckets) have the
    # forecast expected.yaml lists, to four decimals; the rest (no check-in yet, milestones,
    # rollups) have none.
    _, keys, figures, expected = example
    for key, kr_id in keys["key_result"].items():
        got = figures.key_results[kr_id]
        want = expected["forecast"].get(key)
        if want is None:
            assert (got.forecast_value, got.forecast_score) == (None, None), key
        else:
            assert got.forecast_value == pytest.approx(want["value"], abs=5e-5), key
            assert got.forecast_score == pytest.approx(want["score"], abs=5e-5), key
