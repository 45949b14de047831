"""Periods: expected progress, fiscal years and quarters, and the current period.

Fiscal years are named by the calendar year in which they END. With a fiscal year starting in
January that is also the year it starts in (FY 2027 = 2027-01-01..2027-12-31); with one
starting in April, FY 2027 runs 2026-04-01..2027-03-31 and its first quarter is "2027-Q1".
This is the usual convention (and what the demo data uses), and it keeps one rule for every
start month instead of a special case for January.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from headway.domain.model import Period, PeriodKind, PeriodState, Workspace


class PeriodSpan(NamedTuple):
    """The name, kind and inclusive dates of a period to create (the store assigns the id)."""

    name: str
    kind: PeriodKind
    start_date: date
    end_date: date


def expected_progress(start: date, end: date, on: date) -> float:
    """Share of the period [start, end] elapsed by the end of `on`, clamped to 0..1."""
    # A reversed period is invalid input; count it as one day rather than divide by <= 0.
    days = max((end - start).days + 1, 1)
    elapsed = (on - start).days + 1
    return min(max(elapsed / days, 0.0), 1.0)


def _check_month(fiscal_start_month: int) -> None:
    if not 1 <= fiscal_start_month <= 12:
        raise ValueError(f"fiscal start month must be 1..12, not {fiscal_start_month}")


def _add_months(year: int, month: int, months: int) -> date:
    """The first day of the month `months` after year-month."""
    index = year * 12 + (month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def fiscal_year_bounds(d: date, fiscal_start_month: int) -> tuple[date, date]:
    """First and last day of the fiscal year containing `d`."""
    _check_month(fiscal_start_month)
    year = d.year if d.month >= fiscal_start_month else d.year - 1
    start = date(year, fiscal_start_month, 1)
    return start, _add_months(year, fiscal_start_month, 12) - timedelta(days=1)


def fiscal_quarter_bounds(d: date, fiscal_start_month: int) -> tuple[date, date]:
    """First and last day of the fiscal quarter containing `d`."""
    _check_month(fiscal_start_month)
    months_into_year = (d.month - fiscal_start_month) % 12
    start = _add_months(d.year, d.month, -(months_into_year % 3))
    return start, _add_months(start.year, start.month, 3) - timedelta(days=1)


def fiscal_year_of(d: date, fiscal_start_month: int) -> int:
    """The number of the fiscal year containing `d`: the calendar year it ends in."""
    return fiscal_year_bounds(d, fiscal_start_month)[1].year


def fiscal_quarter_of(d: date, fiscal_start_month: int) -> int:
    """The fiscal quarter (1..4) containing `d`."""
    _check_month(fiscal_start_month)
    return (d.month - fiscal_start_month) % 12 // 3 + 1


def quarter_name(d: date, fiscal_start_month: int) -> str:
    """The name of the fiscal quarter containing `d`, such as "2027-Q1"."""
    return f"{fiscal_year_of(d, fiscal_start_month)}-Q{fiscal_quarter_of(d, fiscal_start_month)}"


def fiscal_year_span(fiscal_year: int, fiscal_start_month: int) -> PeriodSpan:
    """The year period of fiscal year `fiscal_year`, named like "2027"."""
    _check_month(fiscal_start_month)
    start_year = fiscal_year if fiscal_start_month == 1 else fiscal_year - 1
    start, end = fiscal_year_bounds(date(start_year, fiscal_start_month, 1), fiscal_start_month)
    return PeriodSpan(str(fiscal_year), PeriodKind.YEAR, start, end)


def fiscal_quarter_spans(fiscal_year: int, fiscal_start_month: int) -> list[PeriodSpan]:
    """The four quarter periods of fiscal year `fiscal_year`, in order."""
    year_start = fiscal_year_span(fiscal_year, fiscal_start_month).start_date
    spans = []
    for q in range(4):
        start = _add_months(year_start.year, year_start.month, 3 * q)
        end = _add_months(start.year, start.month, 3) - timedelta(days=1)
        spans.append(PeriodSpan(f"{fiscal_year}-Q{q + 1}", PeriodKind.QUARTER, start, end))
    return spans


def period_to_show(periods: Iterable[Period], on: date) -> Period | None:
    """The current period; when none contains `on`, the latest begun by then, else the first."""
    periods = list(periods)
    found = current_period(periods, on)
    if found is not None:
        return found
    ordered = sorted(periods, key=lambda p: (p.start_date, p.id))
    begun = [p for p in ordered if p.start_date <= on]
    return begun[-1] if begun else (ordered[0] if ordered else None)


def current_period(periods: Iterable[Period], on: date) -> Period | None:
    """The open period containing `on`: active before planning, then the shortest."""
    candidates = [
        p for p in periods if p.state is not PeriodState.CLOSED and p.start_date <= on <= p.end_date
    ]
    if not candidates:
        return None
    # A quarter and its year are both open on most days: the quarter is what people work in.
    return min(
        candidates,
        key=lambda p: (
            p.state is not PeriodState.ACTIVE,
            (p.end_date - p.start_date).days,
            p.start_date,
            p.id,
        ),
    )


def today_in(workspace: Workspace, clock: Callable[[], datetime]) -> date:
    """Today's date in the workspace's timezone: the default "as of"."""
    return clock().astimezone(ZoneInfo(workspace.timezone)).date()
