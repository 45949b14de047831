"""The worked example (seeds.yaml) evaluated by the domain alone gives expected.yaml."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from examples import EXPECTED, SEEDS
from headway.domain.evaluation import evaluate
from headway.domain.kpi import kpi_figures, propose_okr
from headway.domain.model import (
    Aggregation,
    Cadence,
    CheckIn,
    Direction,
    Figures,
    KeyResult,
    KeyResultKind,
    Kpi,
    Measurement,
    Objective,
    ObjectiveType,
    Period,
    PeriodData,
    PeriodKind,
    PeriodState,
)
from headway.domain.periods import expected_progress

AS_OF = date(2026, 11, 15)


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


class _Ids:
    """Sequential ids per row type, and a clock ticking once per recorded row."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}
        self.tick = datetime(2026, 1, 1, 9, 0)

    def new(self, kind: str) -> int:
        self.next[kind] = self.next.get(kind, 0) + 1
        return self.next[kind]

    def now(self) -> datetime:
        self.tick += timedelta(minutes=1)
        return self.tick


def build_period_data(seeds: dict[str, Any]) -> tuple[PeriodData, dict[str, dict[str, int]]]:
    """The seeds as domain rows with sequential ids; also each key's id, per row type."""
    ids = _Ids()
    keys: dict[str, dict[str, int]] = {
        "unit": {},
        "period": {},
        "kpi": {},
        "objective": {},
        "key_result": {},
    }
    for unit in seeds["units"]:
        keys["unit"][unit["key"]] = ids.new("unit")
    periods = {}
    for p in seeds["periods"]:
        period = Period(
            id=ids.new("period"),
            name=p["name"],
            kind=PeriodKind(p["kind"]),
            start_date=p["start"],
            end_date=p["end"],
            state=PeriodState(p["state"]),
        )
        periods[period.id] = period
        keys["period"][p["name"]] = period.id

    kpis, measurements = [], []
    for k in seeds["kpis"]:
        kpi = Kpi(
            id=ids.new("kpi"),
            name=k["name"],
            owner_unit_id=keys["unit"][k["owner_unit"]],
            direction=Direction(k["direction"]),
            cadence=Cadence(k["cadence"]),
            aggregation=Aggregation(k["aggregation"]),
            unit_label=k.get("unit_label", ""),
            target=k.get("target"),
            target_low=k.get("target_low"),
            target_high=k.get("target_high"),
            warning=k.get("warning"),
            key=k["key"],
        )
        kpis.append(kpi)
        keys["kpi"][k["key"]] = kpi.id
        for m in k["measurements"]:
            measurements.append(
                Measurement(
                    id=ids.new("measurement"),
                    kpi_id=kpi.id,
                    at=m["at"],
                    value=float(m["value"]),
                    recorded_at=ids.now(),
                )
            )

    for o in seeds["objectives"]:
        keys["objective"][o["key"]] = ids.new("objective")
        for kr in o["key_results"]:
            keys["key_result"][kr["key"]] = ids.new("key_result")

    objectives, key_results, check_ins = [], [], []
    for o in seeds["objectives"]:
        objectives.append(
            Objective(
                id=keys["objective"][o["key"]],
                title=o["title"],
                period_id=keys["period"][o["period"]],
                type=ObjectiveType(o["type"]),
                owner_unit_id=keys["unit"][o["owner_unit"]],
                parent_key_result_id=keys["key_result"].get(o.get("parent_kr", "")),
                key=o["key"],
            )
        )
        for kr in o["key_results"]:
            kr_id = keys["key_result"][kr["key"]]
            key_results.append(
                KeyResult(
                    id=kr_id,
                    objective_id=keys["objective"][o["key"]],
                    title=kr["title"],
                    kind=KeyResultKind(kr["kind"]),
                    unit_label=kr.get("unit_label", ""),
                    start_value=kr.get("start"),
                    target_value=kr.get("target"),
                    weight=kr.get("weight", 1.0),
                    kpi_id=keys["kpi"].get(kr.get("kpi", "")),
                    key=kr["key"],
                )
            )
            for c in kr.get("check_ins", []):
                check_ins.append(
                    CheckIn(
                        id=ids.new("check_in"),
                        key_result_id=kr_id,
                        value=float(c["value"]),
                        effective_date=c["date"],
                        created_at=ids.now(),
                        confidence=c.get("confidence"),
                    )
                )
    data = PeriodData(
        fiscal_year_start_month=seeds["fiscal_year_start_month"],
        periods=periods,
        objectives=objectives,
        key_results=key_results,
        check_ins=check_ins,
        kpis=kpis,
        measurements=measurements,
    )
    return data, keys


@pytest.fixture(scope="module")
def example() -> tuple[PeriodData, dict[str, dict[str, int]], Figures, dict[str, Any]]:
    data, keys = build_period_data(_load(SEEDS))
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
