"""Where a metric key result is heading: a straight line through its values (docs/formulas.md).

The line is fitted by least squares through the key result's start (its start value on the
first day of the period) and one point per date it moved: the value the latest check-in of that
date gives or, for a key result following a KPI, the value of each bucket at the date of the
bucket's latest measurement. Read at the key result's end (its due date, else the period's
end), the line gives `forecast_value`; the progress that value stands for, clamped to 0..1, is
`forecast_score`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date

from headway.domain.kpi import bucket_series, bucket_start
from headway.domain.model import CheckIn, Kpi, Measurement
from headway.domain.scoring import check_in_order, metric_progress, score_of


def least_squares_line(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Intercept a and slope b of the line y = a + b·x closest to `points` in least squares;
    None unless the points lie on at least two distinct x."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y - slope * mean_x, slope


def check_in_points(check_ins: Iterable[CheckIn], as_of: date) -> list[tuple[date, float]]:
    """One (date, value) per effective date up to `as_of`: that date's latest check-in."""
    latest: dict[date, CheckIn] = {}
    for c in check_ins:
        if c.effective_date > as_of:
            continue
        seen = latest.get(c.effective_date)
        if seen is None or check_in_order(c) > check_in_order(seen):
            latest[c.effective_date] = c
    return [(day, latest[day].value) for day in sorted(latest)]


def kpi_points(
    kpi: Kpi,
    measurements: Sequence[Measurement],
    fiscal_start_month: int,
    until: date,
    since: date | None,
) -> list[tuple[date, float]]:
    """One (date, value) per bucket of the KPI's measurements dated `since`..`until`: the
    bucket's value at the date of its latest measurement."""
    inside = [
        m
        for m in measurements
        if m.kpi_id == kpi.id and m.at <= until and (since is None or m.at >= since)
    ]
    last_day: dict[date, date] = {}
    for m in inside:
        bucket = bucket_start(m.at, kpi.cadence, fiscal_start_month)
        last_day[bucket] = max(last_day.get(bucket, m.at), m.at)
    series = bucket_series(kpi, inside, fiscal_start_month, until, since)
    return [(last_day[bucket], value) for bucket, value in series]


def forecast(
    start_day: date,
    start_value: float | None,
    target_value: float | None,
    points: Iterable[tuple[date, float]],
    end: date,
) -> tuple[float, float] | None:
    """(forecast_value, forecast_score) of a metric key result, or None with nothing to fit.

    `start_day` is the period's first day, `points` the dated values after the start (see
    `check_in_points` and `kpi_points`), `end` the key result's due date or the period's end.
    """
    if start_value is None or target_value is None:
        return None
    fitted = [(0.0, start_value)]
    fitted += [(float((day - start_day).days), value) for day, value in points]
    line = least_squares_line(fitted)
    if line is None:
        return None
    intercept, slope = line
    value = intercept + slope * (end - start_day).days
    if not math.isfinite(value):
        # Only values near the float limit overflow; no forecast beats an infinite one.
        return None
    return value, score_of(metric_progress(start_value, target_value, value))
