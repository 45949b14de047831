"""Progress, score, objective score, status, grade bands (docs/formulas.md)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from headway.domain.model import CheckIn, GradeBand, ObjectiveType, Status, StatusThresholds
from headway.domain.scoring import (
    fell_short_of_type,
    grade_band,
    latest_check_in,
    metric_progress,
    milestone_progress,
    objective_score,
    rollup_progress,
    score_of,
    status,
    weighted_score,
)

T = StatusThresholds()


def _check_in(cid: int, day: int, value: float, created: datetime | None = None) -> CheckIn:
    return CheckIn(
        id=cid,
        key_result_id=1,
        value=value,
        effective_date=date(2026, 11, day),
        created_at=created or datetime(2026, 11, 20, 12, 0),
    )


# --- latest check-in -------------------------------------------------------------------------


def test_latest_check_in_is_the_latest_effective_date_not_the_latest_recorded() -> None:
    late_entry = _check_in(1, 5, 10, created=datetime(2026, 11, 30))
    newer_date = _check_in(2, 9, 20, created=datetime(2026, 11, 10))
    assert latest_check_in([newer_date, late_entry], date(2026, 11, 30)) is newer_date


def test_latest_check_in_on_one_date_is_the_one_recorded_last_then_highest_id() -> None:
    first = _check_in(5, 9, 1, created=datetime(2026, 11, 9, 8))
    second = _check_in(3, 9, 2, created=datetime(2026, 11, 9, 9))
    assert latest_check_in([second, first], date(2026, 11, 9)) is second
    same_a, same_b = _check_in(7, 9, 1), _check_in(8, 9, 2)
    assert latest_check_in([same_b, same_a], date(2026, 11, 9)) is same_b


def test_check_ins_after_as_of_are_ignored() -> None:
    before, after = _check_in(1, 5, 1), _check_in(2, 16, 2)
    assert latest_check_in([before, after], date(2026, 11, 15)) is before
    assert latest_check_in([after], date(2026, 11, 15)) is None
    assert latest_check_in([], date(2026, 11, 15)) is None


# --- progress and score ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target", "current", "progress"),
    [
        (60, 70, 65, 0.5),
        (45, 25, 35, 0.5),  # a decreasing target
        (0, 80000, 36000, 0.45),
        (8000, 12000, 13000, 1.25),  # beyond the target
        (60, 70, 55, -0.5),  # went backwards
        (45, 25, 50, -0.25),
        (60, 70, None, 0.0),  # no check-in: current = start
    ],
)
def test_metric_progress(
    start: float, target: float, current: float | None, progress: float
) -> None:
    assert metric_progress(start, target, current) == pytest.approx(progress)


def test_metric_progress_without_a_usable_range_is_zero_not_a_division_error() -> None:
    assert metric_progress(5, 5, 7) == 0.0
    assert metric_progress(None, 5, 7) == 0.0
    assert metric_progress(5, None, 7) == 0.0


@pytest.mark.parametrize(
    ("value", "progress"), [(1, 1.0), (1.0, 1.0), (0, 0.0), (0.5, 0.0), (None, 0.0)]
)
def test_milestone_is_done_only_when_its_latest_value_is_1(
    value: float | None, progress: float
) -> None:
    assert milestone_progress(value) == progress


@pytest.mark.parametrize(
    ("progress", "score"),
    [
        (-0.5, 0.0),
        (0.0, 0.0),
        (0.45, 0.45),
        (1.0, 1.0),
        (1.25, 1.0),
        (float("inf"), 1.0),
        (float("nan"), 0.0),
    ],
)
def test_score_clamps_progress_to_0_1(progress: float, score: float) -> None:
    assert score_of(progress) == score


def test_rollup_is_the_mean_of_aligned_scores_skipping_none_and_zero_when_none_left() -> None:
    assert rollup_progress([0.5, 1.0]) == 0.75
    assert rollup_progress([0.5, None, 1.0]) == 0.75
    assert rollup_progress([None]) == 0.0
    assert rollup_progress([]) == 0.0


# --- objective score -------------------------------------------------------------------------


def test_objective_score_is_weighted_by_key_result_weight() -> None:
    assert weighted_score([(2, 0.45), (1, 0.25), (1, 0.0)]) == pytest.approx(0.2875)
    assert weighted_score([(1, 1.0), (3, 0.0)]) == 0.25
    assert weighted_score([]) is None


def test_weights_that_sum_to_zero_fall_back_to_the_plain_mean() -> None:
    assert weighted_score([(0, 0.2), (0, 0.4)]) == pytest.approx(0.3)


def test_objective_without_key_results_takes_the_plain_mean_of_its_children() -> None:
    assert objective_score([], [0.2, 0.6, None]) == pytest.approx(0.4)


def test_objective_with_key_results_ignores_its_children() -> None:
    assert objective_score([(1, 0.5)], [1.0, 1.0]) == 0.5


def test_objective_with_neither_key_results_nor_scored_children_has_no_score() -> None:
    assert objective_score([], []) is None
    assert objective_score([], [None, None]) is None


# --- status ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected", "want"),
    [
        (1.0, 1.0, Status.ACHIEVED),
        (1.0, 0.2, Status.ACHIEVED),
        (1 - 1e-15, 0.9, Status.ACHIEVED),  # float noise below 1 still counts as done
        (0.9, 0.5, Status.ON_TRACK),  # ahead of pace
        (0.5, 0.5, Status.ON_TRACK),
        (0.4, 0.5, Status.ON_TRACK),  # gap exactly 0.10
        (0.7, 0.8, Status.ON_TRACK),  # 0.8 - 0.7 is 0.10000000000000009 in floats
        (0.3, 0.4, Status.ON_TRACK),  # 0.4 - 0.3 is 0.10000000000000003
        (0.399, 0.5, Status.AT_RISK),
        (0.25, 0.5, Status.AT_RISK),  # gap exactly 0.25
        (0.3, 0.55, Status.AT_RISK),  # 0.55 - 0.3 is 0.25000000000000006
        (0.249, 0.5, Status.OFF_TRACK),
        (0.0, 0.5, Status.OFF_TRACK),
    ],
)
def test_status_from_the_gap_with_inclusive_boundaries(
    score: float, expected: float, want: Status
) -> None:
    assert status(score, expected, None, T) is want


@pytest.mark.parametrize(
    ("score", "confidence", "want"),
    [
        (0.5, 3, Status.AT_RISK),  # low confidence turns on_track into at_risk
        (0.5, 0, Status.AT_RISK),
        (0.5, 4, Status.ON_TRACK),
        (0.5, 10, Status.ON_TRACK),
        (0.5, None, Status.ON_TRACK),
        (0.3, 3, Status.AT_RISK),  # already at_risk: stays at_risk
        (0.1, 3, Status.OFF_TRACK),  # off_track is not softened
        (1.0, 0, Status.ACHIEVED),  # done is done
    ],
)
def test_low_confidence_only_affects_on_track(
    score: float, confidence: int | None, want: Status
) -> None:
    assert status(score, 0.5, confidence, T) is want


def test_status_thresholds_are_settings() -> None:
    strict = StatusThresholds(on_track_gap=0.0, at_risk_gap=0.05, low_confidence=5)
    assert status(0.5, 0.5, None, strict) is Status.ON_TRACK
    assert status(0.45, 0.5, None, strict) is Status.AT_RISK
    assert status(0.44, 0.5, None, strict) is Status.OFF_TRACK
    assert status(0.5, 0.5, 5, strict) is Status.AT_RISK
    assert status(0.5, 0.5, 6, strict) is Status.ON_TRACK


def test_status_thresholds_default_to_domain_values() -> None:
    assert status(0.4, 0.5, None) is Status.ON_TRACK
    assert status(0.5, 0.5, 3) is Status.AT_RISK


# --- grades ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (1.0, GradeBand.GREEN),
        (0.7, GradeBand.GREEN),
        (0.7 - 1e-12, GradeBand.GREEN),  # float noise at the boundary
        (0.69, GradeBand.YELLOW),
        (0.4, GradeBand.YELLOW),
        (0.39, GradeBand.RED),
        (0.0, GradeBand.RED),
    ],
)
def test_grade_band(score: float, band: GradeBand) -> None:
    assert grade_band(score) is band


@pytest.mark.parametrize(
    ("objective_type", "score", "fell_short"),
    [
        (ObjectiveType.COMMITTED, 1.0, False),
        (ObjectiveType.COMMITTED, 0.99, True),
        (ObjectiveType.ASPIRATIONAL, 0.6, False),
        (ObjectiveType.ASPIRATIONAL, 0.7, False),
        (ObjectiveType.ASPIRATIONAL, 0.59, True),
    ],
)
def test_fell_short_of_type(objective_type: ObjectiveType, score: float, fell_short: bool) -> None:
    assert fell_short_of_type(objective_type, score) is fell_short


def test_a_decreasing_target_at_its_start_scores_plain_zero_not_minus_zero() -> None:
    progress = metric_progress(45.0, 25.0, 45.0)
    assert math.copysign(1.0, progress) == 1.0
    assert math.copysign(1.0, score_of(-0.0)) == 1.0
