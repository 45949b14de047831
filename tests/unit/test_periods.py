"""Expected progress, fiscal years and quarters, and the current period."""

from __future__ import annotations

from datetime import date

import pytest

from headway.domain.model import Period, PeriodKind, PeriodState
from headway.domain.periods import (
    PeriodSpan,
    current_period,
    expected_progress,
    fiscal_quarter_bounds,
    fiscal_quarter_spans,
    fiscal_year_bounds,
    fiscal_year_of,
    fiscal_year_span,
    quarter_name,
)

Q4_START, Q4_END = date(2026, 10, 1), date(2026, 12, 31)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 9, 30), 0.0),
        (date(2026, 10, 1), 1 / 92),
        (date(2026, 11, 15), 0.5),
        (date(2026, 12, 31), 1.0),
        (date(2027, 1, 1), 1.0),
    ],
)
def test_expected_progress_counts_whole_days_and_clamps(on: date, expected: float) -> None:
    assert expected_progress(Q4_START, Q4_END, on) == pytest.approx(expected)


def test_expected_progress_of_a_one_day_period_is_complete_on_that_day() -> None:
    day = date(2026, 5, 5)
    assert expected_progress(day, day, day) == 1.0


def test_expected_progress_of_a_reversed_period_does_not_divide_by_zero() -> None:
    assert expected_progress(date(2026, 5, 5), date(2026, 5, 1), date(2026, 5, 5)) == 1.0


@pytest.mark.parametrize(
    ("d", "month", "bounds"),
    [
        (date(2026, 11, 15), 1, (date(2026, 10, 1), date(2026, 12, 31))),
        (date(2026, 1, 1), 1, (date(2026, 1, 1), date(2026, 3, 31))),
        # fiscal year starting in April: January to March is the last quarter
        (date(2026, 2, 10), 4, (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 4, 1), 4, (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 12, 31), 4, (date(2026, 10, 1), date(2026, 12, 31))),
        # fiscal year starting in November: quarters straddle the calendar year
        (date(2026, 11, 15), 11, (date(2026, 11, 1), date(2027, 1, 31))),
        (date(2027, 1, 31), 11, (date(2026, 11, 1), date(2027, 1, 31))),
        (date(2027, 2, 1), 11, (date(2027, 2, 1), date(2027, 4, 30))),
        (date(2026, 10, 31), 11, (date(2026, 8, 1), date(2026, 10, 31))),
        (date(2028, 2, 29), 12, (date(2027, 12, 1), date(2028, 2, 29))),
    ],
)
def test_fiscal_quarter_bounds(d: date, month: int, bounds: tuple[date, date]) -> None:
    assert fiscal_quarter_bounds(d, month) == bounds


@pytest.mark.parametrize(
    ("d", "month", "bounds"),
    [
        (date(2026, 11, 15), 1, (date(2026, 1, 1), date(2026, 12, 31))),
        (date(2026, 2, 10), 4, (date(2025, 4, 1), date(2026, 3, 31))),
        (date(2026, 4, 1), 4, (date(2026, 4, 1), date(2027, 3, 31))),
        (date(2026, 11, 15), 11, (date(2026, 11, 1), date(2027, 10, 31))),
        (date(2026, 10, 31), 11, (date(2025, 11, 1), date(2026, 10, 31))),
    ],
)
def test_fiscal_year_bounds(d: date, month: int, bounds: tuple[date, date]) -> None:
    assert fiscal_year_bounds(d, month) == bounds


@pytest.mark.parametrize(
    ("d", "month", "name"),
    [
        (date(2026, 11, 15), 1, "2026-Q4"),
        (date(2027, 1, 1), 1, "2027-Q1"),
        (date(2026, 4, 1), 4, "2027-Q1"),
        (date(2026, 2, 10), 4, "2026-Q4"),
        (date(2026, 11, 15), 11, "2027-Q1"),
        (date(2026, 10, 31), 11, "2026-Q4"),
    ],
)
def test_quarters_are_named_by_the_year_the_fiscal_year_ends_in(
    d: date, month: int, name: str
) -> None:
    assert quarter_name(d, month) == name


def test_fiscal_year_number_is_the_calendar_year_it_ends_in() -> None:
    assert fiscal_year_of(date(2026, 6, 1), 1) == 2026
    assert fiscal_year_of(date(2026, 6, 1), 4) == 2027
    assert fiscal_year_of(date(2026, 3, 31), 4) == 2026


@pytest.mark.parametrize(
    ("month", "start", "end"),
    [
        (1, date(2027, 1, 1), date(2027, 12, 31)),
        (4, date(2026, 4, 1), date(2027, 3, 31)),
        (11, date(2026, 11, 1), date(2027, 10, 31)),
    ],
)
def test_fiscal_year_span_and_its_quarters_tile_the_year(
    month: int, start: date, end: date
) -> None:
    year = fiscal_year_span(2027, month)
    assert year == PeriodSpan("2027", PeriodKind.YEAR, start, end)
    quarters = fiscal_quarter_spans(2027, month)
    assert [q.name for q in quarters] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert {q.kind for q in quarters} == {PeriodKind.QUARTER}
    assert quarters[0].start_date == start
    assert quarters[-1].end_date == end
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert (after.start_date - before.end_date).days == 1
    for q in quarters:
        assert fiscal_quarter_bounds(q.start_date, month) == (q.start_date, q.end_date)
        assert quarter_name(q.end_date, month) == q.name


def test_a_fiscal_start_month_outside_1_to_12_is_refused() -> None:
    with pytest.raises(ValueError, match="1..12"):
        fiscal_quarter_bounds(date(2026, 1, 1), 13)
    with pytest.raises(ValueError, match="1..12"):
        fiscal_year_bounds(date(2026, 1, 1), 0)


def _period(pid: int, start: date, end: date, state: PeriodState) -> Period:
    return Period(
        id=pid, name=f"p{pid}", kind=PeriodKind.CUSTOM, start_date=start, end_date=end, state=state
    )


def test_current_period_prefers_the_quarter_to_the_year_containing_the_day() -> None:
    year = _period(1, date(2026, 1, 1), date(2026, 12, 31), PeriodState.ACTIVE)
    quarter = _period(2, Q4_START, Q4_END, PeriodState.ACTIVE)
    assert current_period([year, quarter], date(2026, 11, 15)) is quarter
    assert current_period([year, quarter], date(2026, 9, 30)) is year


def test_current_period_prefers_active_to_planning_even_when_longer() -> None:
    year = _period(1, date(2026, 1, 1), date(2026, 12, 31), PeriodState.ACTIVE)
    planned = _period(2, Q4_START, Q4_END, PeriodState.PLANNING)
    assert current_period([planned, year], date(2026, 11, 15)) is year


def test_current_period_ignores_closed_periods_and_days_outside() -> None:
    closed = _period(1, Q4_START, Q4_END, PeriodState.CLOSED)
    planned = _period(2, Q4_START, Q4_END, PeriodState.PLANNING)
    assert current_period([closed, planned], Q4_END) is planned
    assert current_period([closed], date(2026, 11, 15)) is None
    assert current_period([planned], date(2027, 1, 1)) is None
    assert current_period([], date(2027, 1, 1)) is None
