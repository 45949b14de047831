"""Properties of the formulas that must hold for any input, checked with Hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from headway.domain.periods import expected_progress
from headway.domain.scoring import metric_progress, objective_score, score_of, status

finite = st.floats(allow_nan=False, allow_infinity=False)
# Realistic magnitudes: far from the float limit, where differences could overflow.
moderate = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
unit_scores = st.floats(min_value=0.0, max_value=1.0)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(start=finite, target=finite, current=finite)
def test_score_is_always_between_0_and_1(start: float, target: float, current: float) -> None:
    assert 0.0 <= score_of(metric_progress(start, target, current)) <= 1.0


@given(start=moderate, target=moderate, a=moderate, b=moderate)
def test_moving_towards_the_target_never_lowers_the_score(
    start: float, target: float, a: float, b: float
) -> None:
    assume(start != target)
    # b is at least as far along as a, in the target's direction (increasing or decreasing)
    before, after = (min(a, b), max(a, b)) if target > start else (max(a, b), min(a, b))
    assert score_of(metric_progress(start, target, after)) >= score_of(
        metric_progress(start, target, before)
    )


@given(start=days, length=st.integers(min_value=0, max_value=800), on=days)
def test_expected_is_between_0_and_1(start: date, length: int, on: date) -> None:
    assert 0.0 <= expected_progress(start, start + timedelta(days=length), on) <= 1.0


@given(
    start=days,
    length=st.integers(min_value=0, max_value=800),
    on=days,
    later=st.integers(min_value=0, max_value=900),
)
def test_expected_never_falls_as_the_date_advances(
    start: date, length: int, on: date, later: int
) -> None:
    assume(on + timedelta(days=later) <= date(2100, 12, 31))
    end = start + timedelta(days=length)
    assert expected_progress(start, end, on + timedelta(days=later)) >= expected_progress(
        start, end, on
    )


@given(st.lists(st.tuples(st.floats(min_value=0.01, max_value=100), unit_scores), min_size=1))
def test_objective_score_lies_between_its_key_results_scores(
    weighted: list[tuple[float, float]],
) -> None:
    score = objective_score(weighted, [])
    assert score is not None
    scores = [s for _, s in weighted]
    assert min(scores) - 1e-9 <= score <= max(scores) + 1e-9


@given(score=unit_scores, expected=unit_scores)
def test_a_higher_score_never_has_a_worse_status(score: float, expected: float) -> None:
    order = ["off_track", "at_risk", "on_track", "achieved"]
    higher = min(score + 0.05, 1.0)
    assert order.index(status(higher, expected, None)) >= order.index(status(score, expected, None))
