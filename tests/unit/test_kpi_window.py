"""A KPI's recent figures from a window of its measurements equal those of its whole history.

The KPI list loads, per KPI, only the measurements dated from `figures_window_start` on;
`recent_figures` computes from them exactly what `kpi_figures` computes from everything (the
series cut to its last buckets), or says that gaps put buckets it needs before the window.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from headway.domain.kpi import (
    TREND_BUCKETS,
    bucket_start,
    buckets_back,
    figures_window_start,
    kpi_figures,
    last_buckets,
    previous_bucket_start,
    recent_figures,
)
from headway.domain.model import (
    Aggregation,
    Cadence,
    Direction,
    Health,
    Kpi,
    KpiFigures,
    Measurement,
)

FIRST_DAY = date(2023, 1, 1)

# Targets around the values drawn (0..100), so every health occurs.
TARGETS: dict[Direction, dict[str, float | None]] = {
    Direction.HIGHER_IS_BETTER: {"target": 60, "warning": 40},
    Direction.LOWER_IS_BETTER: {"target": 40, "warning": 60},
    Direction.IN_RANGE: {"target_low": 40, "target_high": 60, "warning": 10},
}


def _kpi(
    cadence: Cadence, aggregation: Aggregation, direction: Direction, *, warning: bool = True
) -> Kpi:
    targets = dict(TARGETS[direction])
    if not warning:
        targets["warning"] = None
    return Kpi(
        id=7,
        name="Signups",
        owner_unit_id=1,
        direction=direction,
        cadence=cadence,
        aggregation=aggregation,
        **targets,  # type: ignore[arg-type]
    )


def _measurements(rows: list[tuple[int, float, int]], kpi_id: int = 7) -> list[Measurement]:
    """(day offset, value, recording hour) rows as measurements, ids in list order."""
    return [
        Measurement(
            id=i + 1,
            kpi_id=kpi_id,
            at=FIRST_DAY + timedelta(days=offset),
            value=value,
            recorded_at=datetime(2027, 1, 1) + timedelta(hours=hour),
        )
        for i, (offset, value, hour) in enumerate(rows)
    ]


def _window_figures(
    kpi: Kpi, history: list[Measurement], fiscal: int, as_of: date, buckets: int
) -> tuple[KpiFigures | None, date]:
    """What the KPI list computes: the window from the first and latest dates measured up to
    as-of (the store's two seeks), then the figures from the rows dated in it."""
    dates = [m.at for m in history if m.at <= as_of]
    start = figures_window_start(kpi, max(dates), fiscal, buckets)
    window = [m for m in history if start <= m.at <= as_of]
    figures = recent_figures(
        kpi, window, fiscal, as_of, buckets=buckets, window_start=start, first_measured=min(dates)
    )
    return figures, start


rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1500),
        st.one_of(st.integers(min_value=0, max_value=100).map(float), st.floats(0, 100)),
        st.integers(min_value=0, max_value=5),  # a few share a recording time: ids decide
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(
    cadence=st.sampled_from(Cadence),
    aggregation=st.sampled_from(Aggregation),
    direction=st.sampled_from(Direction),
    warning=st.booleans(),
    fiscal=st.integers(min_value=1, max_value=12),
    spread=st.sampled_from([1, 3, 7, 30, 90]),
    drawn=rows,
    as_of_offsets=st.lists(st.integers(min_value=-30, max_value=2200), min_size=1, max_size=4),
    buckets=st.sampled_from([TREND_BUCKETS, 12, 20]),
)
def test_figures_from_the_window_equal_those_of_the_whole_history(
    cadence: Cadence,
    aggregation: Aggregation,
    direction: Direction,
    warning: bool,
    fiscal: int,
    spread: int,
    drawn: list[tuple[int, float, int]],
    as_of_offsets: list[int],
    buckets: int,
) -> None:
    kpi = _kpi(cadence, aggregation, direction, warning=warning)
    # `spread` packs the days closer (several a day, every bucket filled) or further apart
    # (gaps), in any order: ids are not in date order, as after a backfill.
    history = _measurements([(offset // spread, value, hour) for offset, value, hour in drawn])
    for offset in as_of_offsets:
        as_of = FIRST_DAY + timedelta(days=offset)
        if not any(m.at <= as_of for m in history):
            continue  # no_data: the list needs no window for it
        whole = last_buckets(kpi_figures(kpi, history, fiscal, as_of), buckets)
        figures, start = _window_figures(kpi, history, fiscal, as_of, buckets)
        if figures is None:
            # Only when the buckets the figures need reach before the window.
            event("gaps: the whole history is read")
            assert whole.series[0][0] < start
        else:
            event(f"the window holds them: {whole.health.value}")
            assert figures == whole


@pytest.mark.parametrize("cadence", list(Cadence))
@pytest.mark.parametrize("aggregation", list(Aggregation))
@pytest.mark.parametrize("fiscal", [1, 2, 4, 11])
def test_a_kpi_measured_in_every_bucket_needs_only_its_window(
    cadence: Cadence, aggregation: Aggregation, fiscal: int
) -> None:
    kpi = _kpi(cadence, aggregation, Direction.IN_RANGE)
    # Two measurements a day for three years, values rising and falling.
    history = _measurements([(d // 2, float((d * 37) % 101), d % 3) for d in range(2 * 1100)])
    for as_of in (date(2024, 5, 15), date(2025, 2, 28), date(2025, 12, 31)):
        whole = last_buckets(kpi_figures(kpi, history, fiscal, as_of), 12)
        figures, start = _window_figures(kpi, history, fiscal, as_of, 12)
        assert figures == whole
    # By the end, even twelve quarters are all measured: the window starts at the first.
    assert len(whole.series) == 12
    assert start == whole.series[0][0]


def test_a_kpi_last_measured_long_ago_is_stale_with_its_old_figures() -> None:
    kpi = _kpi(Cadence.WEEKLY, Aggregation.MEAN, Direction.HIGHER_IS_BETTER)
    history = _measurements([(7 * w, float(30 + w), 0) for w in range(30)])  # until mid-2023
    as_of = date(2026, 11, 18)  # a Wednesday, years later
    figures, start = _window_figures(kpi, history, 1, as_of, 12)
    assert figures == last_buckets(kpi_figures(kpi, history, 1, as_of), 12)
    assert figures is not None
    assert figures.health is Health.STALE
    assert figures.last_measured == FIRST_DAY + timedelta(days=7 * 29)
    assert figures.latest_value == 59
    assert len(figures.series) == 12
    assert start == FIRST_DAY + timedelta(days=7 * 18) - timedelta(days=FIRST_DAY.weekday())


def test_a_gap_inside_the_window_asks_for_the_whole_history() -> None:
    kpi = _kpi(Cadence.MONTHLY, Aggregation.LAST, Direction.LOWER_IS_BETTER)
    # January 2023, then nothing until a year later: twelve months back from January 2024
    # reach February 2023, so the window misses January 2023.
    history = _measurements([(0, 10.0, 0), (365, 20.0, 0), (366, 30.0, 1)])
    figures, start = _window_figures(kpi, history, 1, date(2024, 1, 20), 12)
    assert start == date(2023, 2, 1)
    assert figures is None
    whole = kpi_figures(kpi, history, 1, date(2024, 1, 20))
    assert whole.series == [(date(2023, 1, 1), 10.0), (date(2024, 1, 1), 30.0)]


@pytest.mark.parametrize("missing_week", [1, 5, 11])
def test_one_week_missing_in_the_window_asks_for_the_whole_history(missing_week: int) -> None:
    kpi = _kpi(Cadence.WEEKLY, Aggregation.MAX, Direction.HIGHER_IS_BETTER)
    # Weekly for 30 weeks but for one of the 11 weeks before the latest (1 is the one before).
    weeks = [w for w in range(30) if w != 29 - missing_week]
    history = _measurements([(7 * w, float(w % 9) * 10, 0) for w in weeks])
    as_of = FIRST_DAY + timedelta(days=7 * 29 + 3)
    figures, start = _window_figures(kpi, history, 1, as_of, 12)
    assert figures is None
    whole = last_buckets(kpi_figures(kpi, history, 1, as_of), 12)
    assert whole.series[0][0] == bucket_start(FIRST_DAY + timedelta(days=7 * 17), Cadence.WEEKLY, 1)
    assert whole.series[0][0] < start


def test_the_window_needs_the_trend_s_buckets() -> None:
    kpi = _kpi(Cadence.DAILY, Aggregation.SUM, Direction.HIGHER_IS_BETTER)
    with pytest.raises(ValueError, match="8 buckets"):
        recent_figures(
            kpi, [], 1, FIRST_DAY, buckets=7, window_start=FIRST_DAY, first_measured=FIRST_DAY
        )


@settings(max_examples=300)
@given(
    d=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    cadence=st.sampled_from(Cadence),
    fiscal=st.integers(min_value=1, max_value=12),
    buckets=st.integers(min_value=1, max_value=40),
)
def test_buckets_back_steps_back_one_bucket_at_a_time(
    d: date, cadence: Cadence, fiscal: int, buckets: int
) -> None:
    start = bucket_start(d, cadence, fiscal)
    for _ in range(buckets - 1):
        start = previous_bucket_start(start, cadence, fiscal)
    assert buckets_back(d, cadence, fiscal, buckets) == start
