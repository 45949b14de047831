"""evaluate(): every figure of a period's rows as of a date."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from headway.domain.evaluation import evaluate
from headway.domain.model import (
    Aggregation,
    Cadence,
    CheckIn,
    Direction,
    Health,
    KeyResult,
    KeyResultKind,
    Kpi,
    Measurement,
    Objective,
    Period,
    PeriodData,
    PeriodKind,
    PeriodState,
    Status,
    StatusThresholds,
)

AS_OF = date(2026, 11, 15)  # day 46 of 92 in Q4: expected 0.5
QUARTER = Period(
    id=1,
    name="2026-Q4",
    kind=PeriodKind.QUARTER,
    start_date=date(2026, 10, 1),
    end_date=date(2026, 12, 31),
    state=PeriodState.ACTIVE,
)
YEAR = Period(
    id=2,
    name="2026",
    kind=PeriodKind.YEAR,
    start_date=date(2026, 1, 1),
    end_date=date(2026, 12, 31),
    state=PeriodState.ACTIVE,
)


def _objective(oid: int, **fields: object) -> Objective:
    values: dict[str, object] = {"id": oid, "title": f"Objective {oid}", "period_id": QUARTER.id}
    values.update(fields)
    return Objective(**values)  # type: ignore[arg-type]


def _metric(
    kid: int,
    objective_id: int,
    start: float = 0,
    target: float = 100,
    weight: float = 1.0,
    kpi_id: int | None = None,
) -> KeyResult:
    return KeyResult(
        id=kid,
        objective_id=objective_id,
        title=f"KR {kid}",
        kind=KeyResultKind.METRIC,
        start_value=start,
        target_value=target,
        weight=weight,
        kpi_id=kpi_id,
    )


def _rollup(kid: int, objective_id: int) -> KeyResult:
    return KeyResult(
        id=kid, objective_id=objective_id, title=f"KR {kid}", kind=KeyResultKind.ROLLUP
    )


def _milestone(kid: int, objective_id: int) -> KeyResult:
    return KeyResult(
        id=kid, objective_id=objective_id, title=f"KR {kid}", kind=KeyResultKind.MILESTONE
    )


def _check_in(
    cid: int,
    kr: int,
    day: date,
    value: float,
    confidence: int | None = None,
    created: datetime | None = None,
) -> CheckIn:
    return CheckIn(
        id=cid,
        key_result_id=kr,
        value=value,
        effective_date=day,
        created_at=created or datetime(2026, 1, 1),
        confidence=confidence,
    )


def _data(
    objectives: list[Objective],
    key_results: list[KeyResult],
    check_ins: list[CheckIn] | None = None,
    kpis: list[Kpi] | None = None,
    measurements: list[Measurement] | None = None,
) -> PeriodData:
    return PeriodData(
        fiscal_year_start_month=1,
        periods={QUARTER.id: QUARTER, YEAR.id: YEAR},
        objectives=objectives,
        key_results=key_results,
        check_ins=check_ins or [],
        kpis=kpis or [],
        measurements=measurements or [],
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


def test_the_latest_check_in_across_an_objectives_key_results_sets_its_confidence() -> None:
    # Both key results and so the objective are at 0.7 against 0.5 expected: on track by pace.
    krs = [_metric(10, 1), _metric(11, 1)]
    confident = _check_in(1, 10, date(2026, 11, 10), 70, confidence=8)
    doubtful = _check_in(2, 11, date(2026, 11, 14), 70, confidence=3)
    figures = evaluate(_data([_objective(1)], krs, [confident, doubtful]), AS_OF)
    assert figures.objectives[1].status is Status.AT_RISK
    later = _check_in(3, 10, date(2026, 11, 15), 70, confidence=8)
    figures = evaluate(_data([_objective(1)], krs, [confident, doubtful, later]), AS_OF)
    assert figures.objectives[1].status is Status.ON_TRACK


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


WEEKLY_MEAN = Kpi(
    id=5,
    name="Reply time",
    owner_unit_id=1,
    direction=Direction.LOWER_IS_BETTER,
    cadence=Cadence.WEEKLY,
    aggregation=Aggregation.MEAN,
    target=25,
    warning=35,
)


def _measure(mid: int, day: date, value: float) -> Measurement:
    return Measurement(
        id=mid, kpi_id=WEEKLY_MEAN.id, at=day, value=value, recorded_at=datetime(2026, 1, 1)
    )


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
