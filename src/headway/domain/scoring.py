"""Key result progress and score, objective score, status and grade bands (docs/formulas.md)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime

from headway.domain.model import (
    CheckIn,
    GradeBand,
    ObjectiveType,
    Status,
    StatusThresholds,
)

# Scores are sums and quotients of floats: 0.8 - 0.7 is 0.10000000000000009. Boundaries in
# docs/formulas.md are inclusive, so a figure within these tolerances of one counts as on it.
ACHIEVED_TOLERANCE = 1e-12
BOUNDARY_TOLERANCE = 1e-9

DEFAULT_THRESHOLDS = StatusThresholds()

GREEN_FROM = 0.7
YELLOW_FROM = 0.4
ASPIRATIONAL_LANDS_FROM = 0.6


def check_in_order(check_in: CheckIn) -> tuple[date, datetime, int]:
    """Sort key putting the check-in that counts as latest last."""
    return (check_in.effective_date, check_in.created_at, check_in.id)


def latest_check_in(check_ins: Iterable[CheckIn], as_of: date) -> CheckIn | None:
    """The check-in that counts on `as_of`: latest effective date, then recorded last."""
    latest: CheckIn | None = None
    for c in check_ins:
        if c.effective_date > as_of:
            continue
        if latest is None or check_in_order(c) > check_in_order(latest):
            latest = c
    return latest


def metric_progress(start: float | None, target: float | None, current: float | None) -> float:
    """Raw progress (current - start) / (target - start); may be < 0 or > 1."""
    if start is None or target is None or start == target:
        # Validation refuses such a metric; score it 0 rather than divide by zero.
        return 0.0
    value = start if current is None else current
    # Adding 0.0 turns the -0.0 of a decreasing target at its start into 0.0.
    return (value - start) / (target - start) + 0.0


def value_at_progress(start: float, target: float, progress: float) -> float:
    """The metric value that `progress` stands for: the inverse of `metric_progress`."""
    return start + progress * (target - start)


def milestone_progress(latest_value: float | None) -> float:
    """Raw progress of a milestone: 1 when the latest value is 1, else 0."""
    return 1.0 if latest_value == 1 else 0.0


def rollup_progress(child_scores: Iterable[float | None]) -> float:
    """Raw progress of a rollup: mean of the scores of the objectives aligned under it or
    contributing to it, None skipped, else 0."""
    scores = [s for s in child_scores if s is not None]
    return sum(scores) / len(scores) if scores else 0.0


def score_of(progress: float) -> float:
    """The score of a raw progress: clamped to 0..1."""
    if math.isnan(progress):
        # Only inputs near the float limit overflow into NaN; never let one through as a score.
        return 0.0
    return min(max(progress, 0.0), 1.0) + 0.0


def weighted_score(weighted_scores: Iterable[tuple[float, float]]) -> float | None:
    """Sum of weight * score over sum of weights, from (weight, score) pairs; None when empty."""
    pairs = list(weighted_scores)
    if not pairs:
        return None
    total = sum(w for w, _ in pairs)
    if total <= 0:
        # Weights are validated > 0; fall back to the plain mean rather than divide by zero.
        return sum(s for _, s in pairs) / len(pairs)
    return sum(w * s for w, s in pairs) / total


def objective_score(
    weighted_scores: Iterable[tuple[float, float]], child_scores: Iterable[float | None]
) -> float | None:
    """Weighted score of the key results, else the mean of the scores of the children and
    contributors (`child_scores`), else None."""
    own = weighted_score(weighted_scores)
    if own is not None:
        return own
    scores = [s for s in child_scores if s is not None]
    return sum(scores) / len(scores) if scores else None


def status(
    score: float,
    expected: float,
    confidence: int | None,
    thresholds: StatusThresholds = DEFAULT_THRESHOLDS,
) -> Status:
    """Achieved, on track, at risk or off track from the gap expected - score and confidence."""
    if score >= 1 - ACHIEVED_TOLERANCE:
        return Status.ACHIEVED
    gap = expected - score
    if gap <= thresholds.on_track_gap + BOUNDARY_TOLERANCE:
        if confidence is not None and confidence <= thresholds.low_confidence:
            return Status.AT_RISK
        return Status.ON_TRACK
    if gap <= thresholds.at_risk_gap + BOUNDARY_TOLERANCE:
        return Status.AT_RISK
    return Status.OFF_TRACK


def grade_band(score: float) -> GradeBand:
    """Green from 0.7, yellow from 0.4, else red."""
    if score >= GREEN_FROM - BOUNDARY_TOLERANCE:
        return GradeBand.GREEN
    if score >= YELLOW_FROM - BOUNDARY_TOLERANCE:
        return GradeBand.YELLOW
    return GradeBand.RED


def fell_short_of_type(objective_type: ObjectiveType, score: float) -> bool:
    """Whether a final score fell short: committed below 1.0, aspirational below 0.6."""
    if objective_type is ObjectiveType.COMMITTED:
        return score < 1 - ACHIEVED_TOLERANCE
    return score < ASPIRATIONAL_LANDS_FROM - BOUNDARY_TOLERANCE
