"""evaluate(): the figures of key results, from check-ins and from the KPIs they follow."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from evaluation_rows import AS_OF, WEEKLY_MEAN
from evaluation_rows import check_in as _check_in
from evaluation_rows import data as _data
from evaluation_rows import measure as _measure
from evaluation_rows import metric as _metric
from evaluation_rows import milestone as _milestone
from evaluation_rows import objective as _objective

from headway.domain.evaluation import evaluate
from headway.domain.model import (
    Aggregation,
    Measurement,
    Period,
    PeriodKind,
    PeriodState,
    Status,
)

# --- key results from check-ins --------------------------------------------------------------


def test_metric_takes_its_latest_check_in_up_to_as_of() -> None:
    check_ins = [
        _check_in(1, 10, date(2026, 11, 10), 50, confidence=8),
        _check_in(2, 10, date(2026, 10, 20), 20, confidence=2),  # earlier date, listed later
        _check_in(3, 10, date(2026, 11, 16), 90, confidence=9),  # after as_of
    ]
    figures = evaluate(_data([_objective(1)], [_metric(10, 1)], check_ins), AS_OF)
    kr = figures.key_results[10]
    assert (kr.current_value, kr.progress, kr.score) == (50, 0.5, 0.5)
    assert (kr.expected, kr.status) == (0.5, Status.ON_TRACK)
    assert (kr.confidence, kr.last_update) == (8, date(2026, 11, 10))
    assert figures.as_of == AS_OF


def test_metric_without_a_check_in_stands_at_its_start() -> None:
    kr = evaluate(_data([_objective(1)], [_metric(10, 1, start=8, target=12)]), AS_OF)
    got = kr.key_results[10]
    assert (got.current_value, got.progress, got.score, got.status) == (
        8,
        0.0,
        0.0,
        Status.OFF_TRACK,
    )
    assert (got.confidence, got.last_update) == (None, None)


def test_low_confidence_of_the_latest_check_in_makes_on_track_at_risk() -> None:
    check_ins = [_check_in(1, 10, date(2026, 11, 14), 70, confidence=3)]
    got = evaluate(_data([_objective(1)], [_metric(10, 1)], check_ins), AS_OF).key_results[10]
    assert got.status is Status.AT_RISK


def test_an_objectives_status_comes_from_its_score_alone() -> None:
    # Key result 10 at 70 of 0..100 and 11 at 80: scores 0.7 and 0.8, objective (0.7 + 0.8) / 2
    # = 0.75 against 0.5 expected (gap -0.25): ahead of pace. The latest check-in of all, on
    # 11, says confidence 2: key result 11 is at risk, and the objective stays on track.
    krs = [_metric(10, 1), _metric(11, 1)]
    confident = _check_in(1, 10, date(2026, 11, 10), 70, confidence=8)
    doubtful = _check_in(2, 11, date(2026, 11, 14), 80, confidence=2)
    figures = evaluate(_data([_objective(1)], krs, [confident, doubtful]), AS_OF)
    assert figures.key_results[10].status is Status.ON_TRACK
    assert (figures.key_results[11].score, figures.key_results[11].status) == (
        0.8,
        Status.AT_RISK,
    )
    got = figures.objectives[1]
    assert (got.score, got.expected, got.status) == (0.75, 0.5, Status.ON_TRACK)


def test_progress_beyond_the_range_is_kept_but_the_score_is_clamped() -> None:
    check_ins = [_check_in(1, 10, AS_OF, 125), _check_in(2, 11, AS_OF, -30)]
    figures = evaluate(_data([_objective(1)], [_metric(10, 1), _metric(11, 1)], check_ins), AS_OF)
    assert (figures.key_results[10].progress, figures.key_results[10].score) == (1.25, 1.0)
    assert figures.key_results[10].status is Status.ACHIEVED
    assert (figures.key_results[11].progress, figures.key_results[11].score) == (-0.3, 0.0)


def test_milestone_done_and_undone() -> None:
    check_ins = [
        _check_in(1, 10, date(2026, 11, 1), 1),
        _check_in(2, 11, date(2026, 11, 1), 1),
        _check_in(3, 11, date(2026, 11, 2), 0),
    ]
    figures = evaluate(
        _data(
            [_objective(1)], [_milestone(10, 1), _milestone(11, 1), _milestone(12, 1)], check_ins
        ),
        AS_OF,
    )
    assert (figures.key_results[10].score, figures.key_results[10].status) == (1.0, Status.ACHIEVED)
    assert (figures.key_results[11].current_value, figures.key_results[11].score) == (0, 0.0)
    assert (figures.key_results[12].current_value, figures.key_results[12].score) == (None, 0.0)


# --- key results linked to a KPI -------------------------------------------------------------


def test_linked_key_result_takes_the_latest_kpi_bucket_inside_its_period() -> None:
    # The ISO week of 2026-09-28 straddles the period start: only 10-01's value is inside.
    measurements = [
        _measure(1, date(2026, 9, 28), 100),
        _measure(2, date(2026, 10, 1), 40),
        _measure(3, date(2026, 11, 16), 25),  # after as_of
    ]
    check_ins = [_check_in(1, 10, AS_OF, 25, confidence=1)]  # a linked KR ignores check-ins
    kr = _metric(10, 1, start=45, target=25, kpi_id=WEEKLY_MEAN.id)
    figures = evaluate(_data([_objective(1)], [kr], check_ins, [WEEKLY_MEAN], measurements), AS_OF)
    got = figures.key_results[10]
    assert (got.current_value, got.score) == (40, 0.25)
    assert (got.confidence, got.last_update) == (None, date(2026, 10, 1))
    # the KPI itself sees the whole week, both sides of the period start
    assert figures.kpis[WEEKLY_MEAN.id].series == [(date(2026, 9, 28), 70)]


def test_linked_key_result_aggregates_the_latest_bucket() -> None:
    measurements = [
        _measure(1, date(2026, 11, 2), 40),
        _measure(2, date(2026, 11, 9), 36),
        _measure(3, date(2026, 11, 10), 34),
    ]
    kr = _metric(10, 1, start=45, target=25, kpi_id=WEEKLY_MEAN.id)
    figures = evaluate(_data([_objective(1)], [kr], [], [WEEKLY_MEAN], measurements), AS_OF)
    assert figures.key_results[10].current_value == 35
    assert figures.key_results[10].last_update == date(2026, 11, 10)


def test_linked_key_result_on_a_last_kpi_takes_the_latest_dated_measurement() -> None:
    # Issue 11: 156.65 for Oct 16 recorded after 136.28 for Oct 17, one ISO week.
    weekly_last = replace(WEEKLY_MEAN, aggregation=Aggregation.LAST)
    measurements = [
        Measurement(
            id=2, kpi_id=5, at=date(2026, 10, 16), value=156.65, recorded_at=datetime(2026, 10, 18)
        ),
        Measurement(
            id=1, kpi_id=5, at=date(2026, 10, 17), value=136.28, recorded_at=datetime(2026, 10, 17)
        ),
    ]
    kr = _metric(10, 1, start=160, target=120, kpi_id=5)
    figures = evaluate(_data([_objective(1)], [kr], [], [weekly_last], measurements), AS_OF)
    got = figures.key_results[10]
    # (136.28 - 160) / (120 - 160) = 23.72 / 40 = 0.593
    assert (got.current_value, got.last_update) == (136.28, date(2026, 10, 17))
    assert got.progress == pytest.approx(0.593)


def test_linked_key_result_without_measurements_in_its_period_stands_at_start() -> None:
    before = [_measure(1, date(2026, 9, 1), 10)]
    kr = _metric(10, 1, start=45, target=25, kpi_id=WEEKLY_MEAN.id)
    got = evaluate(_data([_objective(1)], [kr], [], [WEEKLY_MEAN], before), AS_OF).key_results[10]
    assert (got.current_value, got.score, got.last_update) == (45, 0.0, None)


def test_linked_key_result_ignores_measurements_after_its_period_ends() -> None:
    september = Period(
        id=3,
        name="Sep",
        kind=PeriodKind.CUSTOM,
        start_date=date(2026, 9, 1),
        end_date=date(2026, 9, 30),
        state=PeriodState.ACTIVE,
    )
    data = _data(
        [_objective(1, period_id=3)],
        [_metric(10, 1, start=45, target=25, kpi_id=WEEKLY_MEAN.id)],
        [],
        [WEEKLY_MEAN],
        [_measure(1, date(2026, 9, 15), 35), _measure(2, date(2026, 10, 1), 25)],
    )
    data.periods[3] = september
    got = evaluate(data, AS_OF).key_results[10]
    assert (got.current_value, got.expected) == (35, 1.0)
