"""KPI buckets, aggregation, health, trend, figures and the OKR proposal."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from headway.domain.errors import ValidationFailed
from headway.domain.kpi import (
    aggregate,
    bucket_series,
    bucket_start,
    format_number,
    key_result_target_met,
    kpi_figures,
    kpi_health_of_value,
    kpi_trend,
    meets_target,
    previous_bucket_start,
    propose_okr,
)
from headway.domain.model import (
    Aggregation,
    Cadence,
    Direction,
    Health,
    KeyResult,
    KeyResultKind,
    Kpi,
    Measurement,
    Trend,
)

D, W, M, Q = Cadence.DAILY, Cadence.WEEKLY, Cadence.MONTHLY, Cadence.QUARTERLY


def _kpi(direction: Direction = Direction.HIGHER_IS_BETTER, **fields: object) -> Kpi:
    values: dict[str, object] = {
        "id": 1,
        "name": "Signups",
        "owner_unit_id": 1,
        "direction": direction,
        "cadence": Cadence.MONTHLY,
        "aggregation": Aggregation.LAST,
        "unit_label": "",
    }
    values.update(fields)
    return Kpi(**values)  # type: ignore[arg-type]


def _m(
    mid: int, at: date, value: float, recorded: datetime | None = None, kpi_id: int = 1
) -> Measurement:
    return Measurement(
        id=mid, kpi_id=kpi_id, at=at, value=value, recorded_at=recorded or datetime(2026, 1, 1)
    )


HIGHER = _kpi(target=100, warning=80)
LOWER = _kpi(Direction.LOWER_IS_BETTER, target=25, warning=35)
RANGE = _kpi(Direction.IN_RANGE, target_low=800, target_high=1200, warning=100)


# --- buckets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "cadence", "month", "start"),
    [
        (date(2026, 11, 15), D, 1, date(2026, 11, 15)),
        (date(2026, 12, 31), W, 1, date(2026, 12, 28)),  # ISO week across New Year
        (date(2027, 1, 1), W, 1, date(2026, 12, 28)),
        (date(2027, 1, 3), W, 1, date(2026, 12, 28)),  # Sunday ends the ISO week
        (date(2027, 1, 4), W, 1, date(2027, 1, 4)),
        (date(2026, 11, 30), M, 1, date(2026, 11, 1)),
        (date(2026, 11, 15), Q, 1, date(2026, 10, 1)),
        (date(2026, 2, 10), Q, 4, date(2026, 1, 1)),
        (date(2026, 6, 30), Q, 4, date(2026, 4, 1)),
        (date(2027, 1, 15), Q, 11, date(2026, 11, 1)),
    ],
)
def test_bucket_start(d: date, cadence: Cadence, month: int, start: date) -> None:
    assert bucket_start(d, cadence, month) == start


@pytest.mark.parametrize(
    ("d", "cadence", "month", "previous"),
    [
        (date(2026, 11, 15), D, 1, date(2026, 11, 14)),
        (date(2027, 1, 1), W, 1, date(2026, 12, 21)),
        (date(2026, 1, 31), M, 1, date(2025, 12, 1)),
        (date(2026, 11, 15), Q, 1, date(2026, 7, 1)),
        (date(2027, 1, 15), Q, 11, date(2026, 8, 1)),
        (date(2026, 4, 1), Q, 4, date(2026, 1, 1)),
    ],
)
def test_previous_bucket_start(d: date, cadence: Cadence, month: int, previous: date) -> None:
    assert previous_bucket_start(d, cadence, month) == previous


@pytest.mark.parametrize(
    ("aggregation", "result"),
    [
        (Aggregation.LAST, 2.0),
        (Aggregation.SUM, 11.0),
        (Aggregation.MEAN, 11 / 3),
        (Aggregation.MIN, 2.0),
        (Aggregation.MAX, 5.0),
    ],
)
def test_aggregations(aggregation: Aggregation, result: float) -> None:
    assert aggregate([4.0, 5.0, 2.0], aggregation) == pytest.approx(result)


def test_aggregating_an_empty_bucket_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        aggregate([], Aggregation.SUM)


def test_last_takes_the_measurement_recorded_last_on_a_shared_date() -> None:
    day = date(2026, 11, 10)
    kpi = _kpi(aggregation=Aggregation.LAST, cadence=D)
    early = _m(9, day, 10, recorded=datetime(2026, 11, 10, 8))
    late = _m(2, day, 20, recorded=datetime(2026, 11, 10, 9))
    assert bucket_series(kpi, [late, early], 1, day) == [(day, 20)]
    # recorded at the same instant: the higher id was recorded later
    tie_a, tie_b = _m(3, day, 30), _m(4, day, 40)
    assert bucket_series(kpi, [tie_b, tie_a], 1, day) == [(day, 40)]


def test_last_in_a_weekly_bucket_takes_the_latest_dated_not_the_latest_recorded() -> None:
    # Issue 11: 156.65 for Fri Oct 16 was recorded after 136.28 for Sat Oct 17 (one ISO week).
    kpi = _kpi(aggregation=Aggregation.LAST, cadence=Cadence.WEEKLY)
    late_for_friday = _m(2, date(2026, 10, 16), 156.65, recorded=datetime(2026, 10, 18, 9))
    saturday = _m(1, date(2026, 10, 17), 136.28, recorded=datetime(2026, 10, 17, 9))
    assert bucket_series(kpi, [saturday, late_for_friday], 1, date(2026, 10, 18)) == [
        (date(2026, 10, 12), 136.28)
    ]


def test_bucket_series_groups_sorts_and_filters_by_as_of_since_and_kpi() -> None:
    kpi = _kpi(aggregation=Aggregation.SUM, cadence=W)
    rows = [
        _m(1, date(2027, 1, 5), 5),
        _m(2, date(2026, 12, 31), 1),
        _m(3, date(2027, 1, 1), 2),
        _m(4, date(2026, 12, 20), 100),
        _m(5, date(2027, 1, 20), 1000),  # after as_of
        _m(6, date(2027, 1, 5), 50, kpi_id=2),  # another KPI's
    ]
    as_of = date(2027, 1, 10)
    assert bucket_series(kpi, rows, 1, as_of) == [
        (date(2026, 12, 14), 100),
        (date(2026, 12, 28), 3),
        (date(2027, 1, 4), 5),
    ]
    assert bucket_series(kpi, rows, 1, as_of, since=date(2027, 1, 1)) == [
        (date(2026, 12, 28), 2),
        (date(2027, 1, 4), 5),
    ]
    assert bucket_series(kpi, [], 1, as_of) == []


# --- health ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "value", "health"),
    [
        (HIGHER, 120, Health.HEALTHY),
        (HIGHER, 100, Health.HEALTHY),
        (HIGHER, 99, Health.WARNING),
        (HIGHER, 80, Health.WARNING),
        (HIGHER, 79, Health.CRITICAL),
        (LOWER, 20, Health.HEALTHY),
        (LOWER, 25, Health.HEALTHY),
        (LOWER, 35, Health.WARNING),
        (LOWER, 35.5, Health.CRITICAL),
        (RANGE, 800, Health.HEALTHY),
        (RANGE, 1200, Health.HEALTHY),
        (RANGE, 1000, Health.HEALTHY),
        (RANGE, 1250, Health.WARNING),  # 50 above, margin 100
        (RANGE, 1300, Health.WARNING),  # on the margin
        (RANGE, 700, Health.WARNING),
        (RANGE, 699, Health.CRITICAL),
        (RANGE, 1301, Health.CRITICAL),
    ],
)
def test_health_of_a_value_in_each_direction(kpi: Kpi, value: float, health: Health) -> None:
    assert kpi_health_of_value(kpi, value) is health


@pytest.mark.parametrize(
    ("kpi", "value", "health"),
    [
        (_kpi(target=100), 100, Health.HEALTHY),
        (_kpi(target=100), 99.9, Health.CRITICAL),
        (_kpi(Direction.LOWER_IS_BETTER, target=25), 25.1, Health.CRITICAL),
        (_kpi(Direction.IN_RANGE, target_low=1, target_high=2), 2, Health.HEALTHY),
        (_kpi(Direction.IN_RANGE, target_low=1, target_high=2), 2.01, Health.CRITICAL),
    ],
)
def test_without_a_warning_threshold_health_is_healthy_or_critical(
    kpi: Kpi, value: float, health: Health
) -> None:
    assert kpi_health_of_value(kpi, value) is health


def test_float_noise_on_a_target_does_not_flip_health() -> None:
    churn = _kpi(Direction.LOWER_IS_BETTER, target=0.3)
    assert kpi_health_of_value(churn, 0.1 + 0.2) is Health.HEALTHY
    big_range = _kpi(Direction.IN_RANGE, target_low=0.3e6, target_high=0.6e6)
    assert kpi_health_of_value(big_range, 0.3e6 - 1e-10) is Health.HEALTHY
    assert kpi_health_of_value(big_range, 0.6e6 + 1e-10) is Health.HEALTHY
    assert kpi_health_of_value(big_range, 0.6e6 + 1) is Health.CRITICAL


def test_meets_target_and_key_result_target_met() -> None:
    assert meets_target(LOWER, 25) and not meets_target(LOWER, 26)
    down = KeyResult(
        id=1, objective_id=1, title="t", kind=KeyResultKind.METRIC, start_value=45, target_value=25
    )
    up = KeyResult(
        id=2, objective_id=1, title="t", kind=KeyResultKind.METRIC, start_value=60, target_value=70
    )
    assert key_result_target_met(down, 24) and not key_result_target_met(down, 26)
    assert key_result_target_met(up, 70) and not key_result_target_met(up, 69)
    milestone = KeyResult(id=3, objective_id=1, title="t", kind=KeyResultKind.MILESTONE)
    assert not key_result_target_met(milestone, 1)


# --- trend -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "values", "trend"),
    [
        (HIGHER, [10, 20, 30], Trend.IMPROVING),
        (HIGHER, [30, 20, 10], Trend.WORSENING),
        (LOWER, [45, 40, 35], Trend.IMPROVING),
        (LOWER, [35, 40, 45], Trend.WORSENING),
        (HIGHER, [100, 100.5, 101], Trend.FLAT),  # slope 0.5 <= 1% of 100.5
        (HIGHER, [99, 100, 101], Trend.FLAT),  # slope 1 is exactly 1% of 100: still flat
        (HIGHER, [100, 102, 104], Trend.IMPROVING),
        (LOWER, [104, 102, 100], Trend.IMPROVING),
        (HIGHER, [5, 5], Trend.FLAT),
        (HIGHER, [0, 0, 0], Trend.FLAT),
        # only the last 8 buckets count: the early outlier is out of the window
        (HIGHER, [1000, 10, 10, 10, 10, 10, 10, 10, 10], Trend.FLAT),
        (HIGHER, [1000, 10, 10, 10, 10, 10, 10, 10], Trend.WORSENING),
        # in_range: the distance to the range falling is improving, from either side
        (RANGE, [1500, 1400, 1300], Trend.IMPROVING),
        (RANGE, [500, 600, 700], Trend.IMPROVING),
        (RANGE, [700, 600, 500], Trend.WORSENING),
        (RANGE, [1250, 1350], Trend.WORSENING),
        (RANGE, [900, 1100, 800, 1200], Trend.FLAT),  # inside the range throughout
    ],
)
def test_trend(kpi: Kpi, values: list[float], trend: Trend) -> None:
    assert kpi_trend(kpi, values) is trend


def test_fewer_than_two_buckets_have_no_trend() -> None:
    assert kpi_trend(HIGHER, [5]) is None
    assert kpi_trend(HIGHER, []) is None


# --- figures ---------------------------------------------------------------------------------


AS_OF = date(2026, 11, 15)


def test_kpi_figures_of_a_fresh_kpi() -> None:
    rows = [
        _m(1, date(2026, 9, 30), 60),
        _m(2, date(2026, 10, 31), 90),
        _m(3, date(2026, 11, 20), 200),
    ]
    figures = kpi_figures(HIGHER, rows, 1, AS_OF)
    assert figures.latest_value == 90
    assert figures.latest_bucket == date(2026, 10, 1)
    assert figures.health is Health.WARNING
    assert figures.trend is Trend.IMPROVING
    assert figures.last_measured == date(2026, 10, 31)
    assert figures.series == [(date(2026, 9, 1), 60), (date(2026, 10, 1), 90)]


def test_a_measurement_in_the_current_bucket_is_fresh() -> None:
    figures = kpi_figures(HIGHER, [_m(1, date(2026, 11, 1), 120)], 1, AS_OF)
    assert figures.health is Health.HEALTHY
    assert figures.trend is None


def test_kpi_without_a_measurement_in_this_or_the_previous_bucket_is_stale() -> None:
    figures = kpi_figures(HIGHER, [_m(1, date(2026, 9, 30), 120)], 1, AS_OF)
    assert figures.health is Health.STALE
    assert figures.latest_value == 120


def test_quarterly_kpi_measured_last_quarter_is_not_stale() -> None:
    kpi = _kpi(cadence=Q, target=100)
    assert kpi_figures(kpi, [_m(1, date(2026, 7, 1), 120)], 1, AS_OF).health is Health.HEALTHY
    assert kpi_figures(kpi, [_m(1, date(2026, 6, 30), 120)], 1, AS_OF).health is Health.STALE


def test_kpi_without_any_measurement_up_to_as_of_has_no_data() -> None:
    figures = kpi_figures(HIGHER, [_m(1, AS_OF + timedelta(days=1), 5)], 1, AS_OF)
    assert figures.health is Health.NO_DATA
    assert (figures.latest_value, figures.latest_bucket, figures.trend) == (None, None, None)
    assert figures.last_measured is None and figures.series == []
    assert kpi_figures(HIGHER, [], 1, AS_OF).health is Health.NO_DATA


# --- proposal --------------------------------------------------------------------------------


def test_proposal_from_a_lower_is_better_kpi() -> None:
    kpi = _kpi(
        Direction.LOWER_IS_BETTER,
        name="Average reply time",
        unit_label="min",
        target=25.0,
        warning=35,
        id=7,
    )
    proposal = propose_okr(kpi, kpi_figures(kpi, [_m(1, AS_OF, 35.0, kpi_id=7)], 1, AS_OF))
    assert proposal.kpi_id == 7
    assert proposal.objective_title == "Improve Average reply time"
    assert proposal.key_result_title == "Average reply time from 35 to 25 min"
    assert (proposal.start_value, proposal.target_value) == (35, 25)
    assert proposal.unit_label == "min"


def test_proposal_keeps_decimals_and_drops_an_empty_unit_label() -> None:
    kpi = _kpi(Direction.LOWER_IS_BETTER, name="Churn", target=1)
    proposal = propose_okr(kpi, kpi_figures(kpi, [_m(1, AS_OF, 1.4)], 1, AS_OF))
    assert proposal.key_result_title == "Churn from 1.4 to 1"


@pytest.mark.parametrize(("value", "target"), [(700, 800), (1350, 1200)])
def test_proposal_from_an_in_range_kpi_aims_at_the_nearer_bound(
    value: float, target: float
) -> None:
    proposal = propose_okr(RANGE, kpi_figures(RANGE, [_m(1, AS_OF, value)], 1, AS_OF))
    assert (proposal.start_value, proposal.target_value) == (value, target)


@pytest.mark.parametrize(
    ("kpi", "value", "reason"),
    [
        (HIGHER, 100, "already on target"),
        (HIGHER, 130, "already on target"),
        (LOWER, 20, "already on target"),
        (RANGE, 1000, "already on target"),
        (_kpi(), 5, "no target"),
    ],
)
def test_no_proposal_for_a_kpi_on_target(kpi: Kpi, value: float, reason: str) -> None:
    with pytest.raises(ValidationFailed, match=reason) as raised:
        propose_okr(kpi, kpi_figures(kpi, [_m(1, AS_OF, value)], 1, AS_OF))
    assert raised.value.problems[0].field == "kpi"


def test_no_proposal_for_a_kpi_without_data() -> None:
    with pytest.raises(ValidationFailed, match="no measurement"):
        propose_okr(HIGHER, kpi_figures(HIGHER, [], 1, AS_OF))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (35.0, "35"),
        (35, "35"),
        (0.9, "0.9"),
        (0.1 + 0.2, "0.3"),
        (4700000.0, "4700000"),
        (-2.5, "-2.5"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text
