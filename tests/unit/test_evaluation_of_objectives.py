"""evaluate(): the figures of objectives and rollups, and of every KPI, even on odd alignments."""

from __future__ import annotations

from datetime import date

import pytest
from evaluation_rows import AS_OF, WEEKLY_MEAN, YEAR
from evaluation_rows import check_in as _check_in
from evaluation_rows import data as _data
from evaluation_rows import measure as _measure
from evaluation_rows import metric as _metric
from evaluation_rows import objective as _objective
from evaluation_rows import rollup as _rollup

from headway.domain.evaluation import evaluate
from headway.domain.model import (
    Aggregation,
    Cadence,
    Direction,
    Health,
    Kpi,
    Status,
    StatusThresholds,
)

# --- objectives and rollups ------------------------------------------------------------------


def test_objective_score_weights_its_key_results() -> None:
    check_ins = [_check_in(1, 10, AS_OF, 45), _check_in(2, 11, AS_OF, 25)]
    krs = [_metric(10, 1, weight=2), _metric(11, 1), _metric(12, 1)]
    got = evaluate(_data([_objective(1)], krs, check_ins), AS_OF).objectives[1]
    assert got.score == pytest.approx(0.2875)
    assert (got.expected, got.status) == (0.5, Status.AT_RISK)


def test_objective_without_key_results_is_scored_from_its_children() -> None:
    objectives = [
        _objective(1),
        _objective(2, parent_id=1),
        _objective(3, parent_id=1),
        _objective(4, parent_id=1),  # no score: skipped
    ]
    check_ins = [_check_in(1, 20, AS_OF, 50), _check_in(2, 30, AS_OF, 100)]
    figures = evaluate(_data(objectives, [_metric(20, 2), _metric(30, 3)], check_ins), AS_OF)
    assert figures.objectives[1].score == 0.75
    assert figures.objectives[1].status is Status.ON_TRACK


def test_objective_with_key_results_ignores_its_children() -> None:
    objectives = [_objective(1), _objective(2, parent_id=1)]
    check_ins = [_check_in(1, 20, AS_OF, 100)]
    figures = evaluate(_data(objectives, [_metric(10, 1), _metric(20, 2)], check_ins), AS_OF)
    assert figures.objectives[1].score == 0.0


def test_objective_with_neither_key_results_nor_children_has_no_score_nor_status() -> None:
    got = evaluate(_data([_objective(1)], []), AS_OF).objectives[1]
    assert (got.score, got.status, got.expected) == (None, None, 0.5)


def test_rollup_is_the_mean_of_the_objectives_aligned_under_it() -> None:
    objectives = [
        _objective(1),
        _objective(2, parent_key_result_id=10),
        _objective(3, parent_key_result_id=10),
        _objective(4, parent_key_result_id=10),
    ]
    krs = [_rollup(10, 1), _metric(20, 2), _metric(30, 3)]
    check_ins = [_check_in(1, 20, AS_OF, 50), _check_in(2, 30, AS_OF, 100)]
    figures = evaluate(_data(objectives, krs, check_ins), AS_OF)
    rollup = figures.key_results[10]
    assert (rollup.progress, rollup.score, rollup.status) == (0.75, 0.75, Status.ON_TRACK)
    assert (rollup.current_value, rollup.confidence, rollup.last_update) == (None, None, None)
    assert figures.objectives[1].score == 0.75


def test_rollup_with_nothing_scored_below_is_zero() -> None:
    figures = evaluate(
        _data([_objective(1), _objective(2, parent_key_result_id=10)], [_rollup(10, 1)]), AS_OF
    )
    assert figures.key_results[10].score == 0.0
    assert figures.objectives[1].score == 0.0


def test_rollups_nest_through_several_levels() -> None:
    objectives = [
        _objective(1),
        _objective(2, parent_key_result_id=10),
        _objective(3, parent_key_result_id=20),
    ]
    krs = [_rollup(10, 1), _rollup(20, 2), _metric(30, 3)]
    figures = evaluate(_data(objectives, krs, [_check_in(1, 30, AS_OF, 40)]), AS_OF)
    assert [figures.objectives[o].score for o in (1, 2, 3)] == [0.4, 0.4, 0.4]


def test_expected_follows_each_objectives_own_period() -> None:
    objectives = [_objective(1), _objective(2, period_id=YEAR.id)]
    figures = evaluate(_data(objectives, [_metric(10, 1), _metric(20, 2)]), AS_OF)
    year_expected = (AS_OF - YEAR.start_date).days / 365 + 1 / 365
    assert figures.objectives[2].expected == pytest.approx(year_expected)
    assert figures.key_results[20].expected == pytest.approx(year_expected)
    assert figures.key_results[10].expected == 0.5


def test_thresholds_reach_every_status() -> None:
    strict = StatusThresholds(on_track_gap=0.0, at_risk_gap=0.01)
    figures = evaluate(
        _data([_objective(1)], [_metric(10, 1)], [_check_in(1, 10, AS_OF, 45)]), AS_OF, strict
    )
    assert figures.key_results[10].status is Status.OFF_TRACK
    assert figures.objectives[1].status is Status.OFF_TRACK


# --- robustness ------------------------------------------------------------------------------


def test_an_alignment_cycle_through_rollups_terminates() -> None:
    objectives = [_objective(1, parent_key_result_id=20), _objective(2, parent_key_result_id=10)]
    krs = [_rollup(10, 1), _rollup(20, 2), _metric(11, 1)]
    figures = evaluate(_data(objectives, krs, [_check_in(1, 11, AS_OF, 60)]), AS_OF)
    assert set(figures.objectives) == {1, 2}
    assert set(figures.key_results) == {10, 11, 20}
    for got in figures.objectives.values():
        assert got.score is None or 0.0 <= got.score <= 1.0


def test_a_parent_cycle_between_objectives_without_key_results_has_no_score() -> None:
    objectives = [_objective(1, parent_id=2), _objective(2, parent_id=1)]
    figures = evaluate(_data(objectives, []), AS_OF)
    assert figures.objectives[1].score is None
    assert figures.objectives[2].score is None


def test_an_objective_aligned_under_its_own_rollup_terminates() -> None:
    figures = evaluate(_data([_objective(1, parent_key_result_id=10)], [_rollup(10, 1)]), AS_OF)
    assert figures.key_results[10].score == 0.0
    assert figures.objectives[1].score == 0.0


def test_a_deep_alignment_chain_does_not_hit_the_recursion_limit() -> None:
    depth = 5000
    objectives = [_objective(1)] + [_objective(i, parent_id=i - 1) for i in range(2, depth + 1)]
    krs = [_metric(1, depth)]
    figures = evaluate(_data(objectives, krs, [_check_in(1, 1, AS_OF, 30)]), AS_OF)
    assert figures.objectives[1].score == pytest.approx(0.3)


def test_every_kpi_gets_figures() -> None:
    other = Kpi(
        id=6,
        name="Unmeasured",
        owner_unit_id=1,
        direction=Direction.HIGHER_IS_BETTER,
        cadence=Cadence.MONTHLY,
        aggregation=Aggregation.LAST,
        target=1,
    )
    figures = evaluate(
        _data([], [], [], [WEEKLY_MEAN, other], [_measure(1, date(2026, 11, 10), 30)]), AS_OF
    )
    assert figures.kpis[WEEKLY_MEAN.id].health is Health.WARNING
    assert figures.kpis[other.id].health is Health.NO_DATA
