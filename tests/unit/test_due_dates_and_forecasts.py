"""evaluate(): a key result's due date (its own expected progress and status) and the forecast
of metric key results, from check-ins and from a KPI's buckets. Figures worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from evaluation_rows import AS_OF, WEEKLY_MEAN, check_in, data, metric, milestone, objective, rollup

from headway.domain.evaluation import evaluate
from headway.domain.forecast import least_squares_line
from headway.domain.model import (
    Aggregation,
    CheckIn,
    KeyResult,
    Measurement,
    Objective,
    Status,
)

# 2026-Q4 runs 1 Oct (x = 0) .. 31 Dec (x = 91): 92 days.
DUE = date(2026, 10, 31)  # 31 days from 1 Oct


def _due_rows() -> tuple[list[Objective], list[KeyResult], list[CheckIn]]:
    kr = replace(metric(10, 1), due_date=DUE)
    without = metric(11, 1)
    check_ins = [
        check_in(1, 10, date(2026, 10, 10), 45),
        check_in(2, 10, date(2026, 11, 1), 80),
        check_in(3, 11, date(2026, 10, 10), 45),
        check_in(4, 11, date(2026, 11, 1), 80),
    ]
    return [objective(1)], [kr, without], check_ins


@pytest.mark.parametrize(
    ("as_of", "expected", "score", "state"),
    [
        # Before it: day 16 of the 31 days to 31 Oct; 16/31 - 0.45 = 0.066 <= 0.10.
        (date(2026, 10, 16), 16 / 31, 0.45, Status.ON_TRACK),
        # The day before: 30/31 - 0.45 = 0.518 > 0.25.
        (date(2026, 10, 30), 30 / 31, 0.45, Status.OFF_TRACK),
        # On it: everything was expected; 1 - 0.45 = 0.55.
        (DUE, 1.0, 0.45, Status.OFF_TRACK),
        # After it: still 1 (clamped); 1 - 0.80 = 0.20 is at risk.
        (AS_OF, 1.0, 0.80, Status.AT_RISK),
    ],
)
def test_a_due_date_sets_the_key_results_own_expected_progress_and_status(
    as_of: date, expected: float, score: float, state: Status
) -> None:
    objectives, key_results, check_ins = _due_rows()
    figures = evaluate(data(objectives, key_results, check_ins), as_of)
    kr = figures.key_results[10]
    assert kr.expected == pytest.approx(expected)
    assert (kr.score, kr.status) == (pytest.approx(score), state)
    # The objective keeps the period's expected progress: days since 1 Oct over 92.
    period_expected = ((as_of - date(2026, 10, 1)).days + 1) / 92
    assert figures.objectives[1].expected == pytest.approx(period_expected)
    # The same key result without a due date follows the period.
    assert figures.key_results[11].expected == pytest.approx(period_expected)


def test_after_the_due_date_the_same_figures_read_worse_than_without_one() -> None:
    objectives, key_results, check_ins = _due_rows()
    figures = evaluate(data(objectives, key_results, check_ins), AS_OF)
    # As of 15 Nov the period expects 46/92 = 0.5: 0.5 - 0.8 < 0 is on track.
    assert figures.key_results[11].status is Status.ON_TRACK
    assert figures.key_results[10].status is Status.AT_RISK


def test_a_rollup_with_a_due_date_is_expected_to_be_done_by_then() -> None:
    kr = replace(rollup(10, 1), due_date=DUE)
    got = evaluate(data([objective(1)], [kr]), AS_OF).key_results[10]
    assert (got.expected, got.status) == (1.0, Status.OFF_TRACK)
    assert (got.forecast_value, got.forecast_score) == (None, None)


def test_forecast_through_three_check_ins() -> None:
    check_ins = [
        check_in(1, 10, date(2026, 10, 11), 10),
        check_in(2, 10, date(2026, 10, 21), 99, created=datetime(2026, 10, 21, 9)),
        check_in(3, 10, date(2026, 10, 21), 20, created=datetime(2026, 10, 21, 17)),  # counts
        check_in(4, 10, date(2026, 10, 31), 15),
        check_in(5, 10, date(2026, 11, 16), 90),  # after "as of": ignored
    ]
    # Points (x = days since 1 Oct): (0, 0) the start, (10, 10), (20, 20), (30, 15).
    # mean x = 15, mean y = 11.25; Σ(x - 15)² = 225 + 25 + 25 + 225 = 500;
    # Σ(x - 15)(y - 11.25) = 168.75 + 6.25 + 43.75 + 56.25 = 275; slope b = 275/500 = 0.55,
    # intercept a = 11.25 - 0.55·15 = 3. At the period's end x = 91: 3 + 0.55·91 = 53.05,
    # which is 53.05% of the way from 0 to 100.
    got = evaluate(data([objective(1)], [metric(10, 1)], check_ins), AS_OF).key_results[10]
    assert got.current_value == 15
    assert got.forecast_value == pytest.approx(53.05)
    assert got.forecast_score == pytest.approx(0.5305)


def test_forecast_reads_the_line_at_the_due_date_and_clamps_the_score() -> None:
    kr = replace(metric(10, 1), due_date=DUE)
    check_ins = [check_in(1, 10, date(2026, 10, 10), 45)]
    # Through (0, 0) and (9, 45): slope 5. At 31 Oct, x = 30: 150, beyond the target.
    got = evaluate(data([objective(1)], [kr], check_ins), AS_OF).key_results[10]
    assert got.forecast_value == pytest.approx(150)
    assert got.forecast_score == 1.0


def test_a_forecast_going_the_wrong_way_scores_zero() -> None:
    check_ins = [check_in(1, 10, date(2026, 10, 11), -10)]
    # Through (0, 0) and (10, -10): slope -1. At x = 91: -91, progress -0.91, score 0.
    got = evaluate(data([objective(1)], [metric(10, 1)], check_ins), AS_OF).key_results[10]
    assert got.forecast_value == pytest.approx(-91)
    assert got.forecast_score == 0.0


def test_a_decreasing_key_result_forecasts_through_its_kpis_weekly_buckets() -> None:
    kpi = replace(WEEKLY_MEAN, aggregation=Aggregation.LAST)
    kr = replace(metric(10, 1, start=45, target=25, kpi_id=kpi.id), due_date=date(2026, 11, 30))

    def measure(mid: int, day: date, value: float, hour: int = 9) -> Measurement:
        recorded = datetime(2026, 10, 1, hour)
        return Measurement(id=mid, kpi_id=kpi.id, at=day, value=value, recorded_at=recorded)

    measurements = [
        measure(1, date(2026, 9, 30), 50),  # before the period: its week's bucket ignores it
        # Week of Mon 28 Sep: last is 3 Oct's 43 (x = 2), though 2 Oct's was recorded later.
        measure(2, date(2026, 10, 1), 44),
        measure(3, date(2026, 10, 3), 43),
        measure(4, date(2026, 10, 2), 99, hour=18),
        # Week of 5 Oct: last is 9 Oct's 42 (x = 8).
        measure(5, date(2026, 10, 5), 40),
        measure(6, date(2026, 10, 9), 42),
        # Week of 12 Oct: on 15 Oct (x = 14) two measurements; the one recorded last, 41.
        measure(7, date(2026, 10, 15), 30),
        measure(8, date(2026, 10, 15), 41, hour=12),
        measure(9, date(2026, 10, 13), 36),
        measure(10, date(2026, 10, 25), 10),  # after "as of": ignored
    ]
    # Points: (0, 45) the start, (2, 43), (8, 42), (14, 41). mean x = 6, mean y = 42.75;
    # Σ(x - 6)² = 36 + 16 + 4 + 64 = 120; Σ(x - 6)(y - 42.75) = -13.5 - 1 - 1.5 - 14 = -30;
    # slope -30/120 = -0.25, intercept 42.75 + 0.25·6 = 44.25. At the due date 30 Nov,
    # x = 60: 44.25 - 15 = 29.25; progress (29.25 - 45)/(25 - 45) = 0.7875.
    rows = data([objective(1)], [kr], kpis=[kpi], measurements=measurements)
    got = evaluate(rows, date(2026, 10, 20)).key_results[10]
    assert got.current_value == 41
    assert got.forecast_value == pytest.approx(29.25)
    assert got.forecast_score == pytest.approx(0.7875)


def test_no_forecast_from_the_start_point_alone() -> None:
    key_results = [metric(10, 1), metric(11, 1), metric(12, 1, kpi_id=WEEKLY_MEAN.id)]
    check_ins = [
        check_in(1, 11, date(2026, 11, 20), 40),  # after "as of"
        check_in(2, 12, date(2026, 10, 1), 40),  # a KPI-linked key result takes no check-ins
    ]
    figures = evaluate(data([objective(1)], key_results, check_ins, [WEEKLY_MEAN]), AS_OF)
    for kid in (10, 11, 12):
        got = figures.key_results[kid]
        assert (got.forecast_value, got.forecast_score) == (None, None)


def test_no_forecast_from_points_on_the_first_day_only() -> None:
    # (0, 0) and (0, 30): no line has a slope through one day only.
    assert least_squares_line([(0.0, 0.0), (0.0, 30.0)]) is None
    check_ins = [check_in(1, 10, date(2026, 10, 1), 30)]
    got = evaluate(data([objective(1)], [metric(10, 1)], check_ins), AS_OF).key_results[10]
    assert (got.forecast_value, got.forecast_score) == (None, None)


def test_milestones_and_rollups_have_no_forecast() -> None:
    check_ins = [check_in(1, 10, date(2026, 10, 5), 0), check_in(2, 10, date(2026, 11, 5), 1)]
    figures = evaluate(data([objective(1)], [milestone(10, 1), rollup(11, 1)], check_ins), AS_OF)
    for kid in (10, 11):
        got = figures.key_results[kid]
        assert (got.forecast_value, got.forecast_score) == (None, None)
