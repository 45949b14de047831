"""KPI buckets, health, trend and figures, and the OKR a KPI off target proposes."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.domain.model import (
    Aggregation,
    Cadence,
    Direction,
    Health,
    KeyResult,
    Kpi,
    KpiFigures,
    Measurement,
    Trend,
)
from headway.domain.periods import fiscal_quarter_bounds

TREND_BUCKETS = 8
FLAT_SHARE_OF_MEAN = 0.01

# Aggregated values carry float noise (0.1 + 0.2 != 0.3); docs/formulas.md boundaries are inclusive,
# so a value this close to a boundary counts as on it.
_REL_TOLERANCE = 1e-9
_ABS_TOLERANCE = 1e-12


def _at_most(value: float, bound: float) -> bool:
    return value <= bound or math.isclose(
        value, bound, rel_tol=_REL_TOLERANCE, abs_tol=_ABS_TOLERANCE
    )


def _at_least(value: float, bound: float) -> bool:
    return _at_most(bound, value)


# --- buckets ---------------------------------------------------------------------------------


def bucket_start(d: date, cadence: Cadence, fiscal_start_month: int) -> date:
    """First day of the cadence bucket containing `d` (ISO week Monday, month, fiscal quarter)."""
    if cadence is Cadence.DAILY:
        return d
    if cadence is Cadence.WEEKLY:
        return d - timedelta(days=d.weekday())
    if cadence is Cadence.MONTHLY:
        return d.replace(day=1)
    return fiscal_quarter_bounds(d, fiscal_start_month)[0]


def previous_bucket_start(d: date, cadence: Cadence, fiscal_start_month: int) -> date:
    """First day of the bucket before the one containing `d`."""
    this = bucket_start(d, cadence, fiscal_start_month)
    return bucket_start(this - timedelta(days=1), cadence, fiscal_start_month)


def aggregate(values: Sequence[float], aggregation: Aggregation) -> float:
    """Combine one bucket's values, given in `recording_order` (`last` takes the final one)."""
    if not values:
        raise ValueError("cannot aggregate an empty bucket")
    if aggregation is Aggregation.LAST:
        return values[-1]
    if aggregation is Aggregation.SUM:
        return math.fsum(values)
    if aggregation is Aggregation.MEAN:
        return math.fsum(values) / len(values)
    if aggregation is Aggregation.MIN:
        return min(values)
    return max(values)


def recording_order(measurement: Measurement) -> tuple[date, datetime, int]:
    """Sort key of a bucket's measurements: by date, then, on one date, as they were recorded.

    So `last` takes the latest-dated measurement: one recorded late for an earlier day never
    overrides a later day.
    """
    return (measurement.at, measurement.recorded_at, measurement.id)


def bucket_series(
    kpi: Kpi,
    measurements: Iterable[Measurement],
    fiscal_start_month: int,
    as_of: date,
    since: date | None = None,
) -> list[tuple[date, float]]:
    """The KPI's (bucket start, aggregated value) pairs, oldest first, from as_of's view."""
    buckets: dict[date, list[Measurement]] = defaultdict(list)
    for m in measurements:
        if m.kpi_id != kpi.id or m.at > as_of or (since is not None and m.at < since):
            continue
        buckets[bucket_start(m.at, kpi.cadence, fiscal_start_month)].append(m)
    series = []
    for start in sorted(buckets):
        ordered = sorted(buckets[start], key=recording_order)
        series.append((start, aggregate([m.value for m in ordered], kpi.aggregation)))
    return series


# --- health and trend ------------------------------------------------------------------------


def distance_to_range(kpi: Kpi, value: float) -> float:
    """How far `value` lies outside an in_range KPI's range: max(low - v, 0, v - high)."""
    below = kpi.target_low - value if kpi.target_low is not None else 0.0
    above = value - kpi.target_high if kpi.target_high is not None else 0.0
    return max(below, 0.0, above)


def kpi_health_of_value(kpi: Kpi, value: float) -> Health:
    """Healthy, warning or critical for a bucket value (stale and no_data need the dates)."""
    if kpi.direction is Direction.IN_RANGE:
        low, high = kpi.target_low, kpi.target_high
        if (low is None or _at_least(value, low)) and (high is None or _at_most(value, high)):
            return Health.HEALTHY
        distance = distance_to_range(kpi, value)
        if kpi.warning is not None and _at_most(distance, kpi.warning):
            return Health.WARNING
        return Health.CRITICAL
    if kpi.target is None:
        # Validation requires a target; with none there is nothing to fall short of.
        return Health.HEALTHY
    meets = _at_least if kpi.direction is Direction.HIGHER_IS_BETTER else _at_most
    if meets(value, kpi.target):
        return Health.HEALTHY
    if kpi.warning is not None and meets(value, kpi.warning):
        return Health.WARNING
    return Health.CRITICAL


def meets_target(kpi: Kpi, value: float) -> bool:
    """Whether a KPI value is on target (healthy)."""
    return kpi_health_of_value(kpi, value) is Health.HEALTHY


def key_result_target_met(key_result: KeyResult, value: float) -> bool:
    """Whether `value` already reaches a metric key result's target, in its direction."""
    start, target = key_result.start_value, key_result.target_value
    if start is None or target is None:
        return False
    return _at_least(value, target) if target >= start else _at_most(value, target)


def least_squares_slope(values: Sequence[float]) -> float:
    """Slope of the least-squares line through (0, v0), (1, v1)...; 0 for fewer than 2."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x = (n - 1) / 2
    mean_y = math.fsum(values) / n
    numerator = math.fsum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    denominator = math.fsum((x - mean_x) ** 2 for x in range(n))
    return numerator / denominator


def kpi_trend(kpi: Kpi, bucket_values: Sequence[float]) -> Trend | None:
    """Improving, flat or worsening over the last 8 buckets with data; None for fewer than 2."""
    recent = list(bucket_values[-TREND_BUCKETS:])
    if len(recent) < 2:
        return None
    if kpi.direction is Direction.IN_RANGE:
        recent = [distance_to_range(kpi, v) for v in recent]
    slope = least_squares_slope(recent)
    mean = math.fsum(recent) / len(recent)
    if abs(slope) <= FLAT_SHARE_OF_MEAN * abs(mean) + _ABS_TOLERANCE:
        return Trend.FLAT
    rising_is_better = kpi.direction is Direction.HIGHER_IS_BETTER
    return Trend.IMPROVING if (slope > 0) == rising_is_better else Trend.WORSENING


def kpi_figures(
    kpi: Kpi, measurements: Iterable[Measurement], fiscal_start_month: int, as_of: date
) -> KpiFigures:
    """Latest bucket value, health, trend and series of a KPI as of a date."""
    own = [m for m in measurements if m.kpi_id == kpi.id and m.at <= as_of]
    series = bucket_series(kpi, own, fiscal_start_month, as_of)
    if not series:
        return KpiFigures(
            kpi_id=kpi.id,
            latest_value=None,
            latest_bucket=None,
            health=Health.NO_DATA,
            trend=None,
        )
    latest_bucket, latest_value = series[-1]
    if latest_bucket < previous_bucket_start(as_of, kpi.cadence, fiscal_start_month):
        health = Health.STALE
    else:
        health = kpi_health_of_value(kpi, latest_value)
    return KpiFigures(
        kpi_id=kpi.id,
        latest_value=latest_value,
        latest_bucket=latest_bucket,
        health=health,
        trend=kpi_trend(kpi, [v for _, v in series]),
        last_measured=max(m.at for m in own),
        series=series,
    )


# --- the recent figures of many KPIs: a window of buckets each ---------------------------------


def buckets_back(d: date, cadence: Cadence, fiscal_start_month: int, buckets: int) -> date:
    """First day of the bucket `buckets` - 1 buckets before the one containing `d`."""
    start = bucket_start(d, cadence, fiscal_start_month)
    back = buckets - 1
    if cadence is Cadence.DAILY:
        return start - timedelta(days=back)
    if cadence is Cadence.WEEKLY:
        return start - timedelta(weeks=back)
    # Months and fiscal quarters start on the 1st, a quarter every third month.
    month = start.year * 12 + start.month - 1 - back * (1 if cadence is Cadence.MONTHLY else 3)
    return date(month // 12, month % 12 + 1, 1)


def figures_window_start(
    kpi: Kpi, last_measured: date, fiscal_start_month: int, buckets: int
) -> date:
    """The earliest day the KPI's recent figures depend on, its latest measurement up to "as of"
    being on `last_measured`, when it has data in each of the `buckets` buckets up to that one.

    The latest value, health, staleness and last-measured date need the latest bucket only; the
    trend, the last 8 buckets with data; the series, its last `buckets` (at least 8). With a
    gap among those buckets the window misses some: `recent_figures` then says so.
    """
    return buckets_back(last_measured, kpi.cadence, fiscal_start_month, buckets)


def last_buckets(figures: KpiFigures, buckets: int) -> KpiFigures:
    """The figures with only the last `buckets` buckets of their series."""
    return replace(figures, series=figures.series[-buckets:])


def recent_figures(
    kpi: Kpi,
    measurements: Iterable[Measurement],
    fiscal_start_month: int,
    as_of: date,
    *,
    buckets: int,
    window_start: date,
    first_measured: date,
) -> KpiFigures | None:
    """`kpi_figures` with the last `buckets` (at least 8) buckets of the series, from the
    measurements dated `window_start` or later (`figures_window_start`): exactly the figures
    of the whole history, or None when that history has earlier measurements (the first is on
    `first_measured`) and the window holds fewer than `buckets` buckets — some it needs lie
    before it.
    """
    if buckets < TREND_BUCKETS:
        raise ValueError(f"the trend needs {TREND_BUCKETS} buckets, not {buckets}")
    figures = kpi_figures(
        kpi, [m for m in measurements if m.at >= window_start], fiscal_start_month, as_of
    )
    if len(figures.series) < buckets and first_measured < window_start:
        return None
    return last_buckets(figures, buckets)


# --- a KPI off target proposes an OKR --------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OkrProposal:
    """The draft objective and key result proposed for a KPI off target (nothing stored)."""

    kpi_id: int
    objective_title: str
    key_result_title: str
    start_value: float
    target_value: float
    unit_label: str


def format_number(value: float) -> str:
    """A number in text the domain writes (proposal titles, coaching): 35 not 35.0, 0.3 not 0.30…04.

    Digits as people type them into a title, so it round-trips; what people only read goes
    through `headway.reports.formatting`, which the domain cannot import.
    """
    rounded = round(float(value), 6)
    if rounded.is_integer():
        return str(int(rounded))
    return repr(rounded)


def proposal_target(kpi: Kpi, value: float) -> float | None:
    """The target a proposal aims at from `value`: the KPI target, or the nearer range bound."""
    if kpi.direction is not Direction.IN_RANGE:
        return kpi.target
    if kpi.target_low is not None and value < kpi.target_low:
        return kpi.target_low
    if kpi.target_high is not None and value > kpi.target_high:
        return kpi.target_high
    return None


def propose_okr(kpi: Kpi, figures: KpiFigures) -> OkrProposal:
    """Objective "Improve <KPI>" with key result "<KPI> from <latest> to <target> <unit>"."""
    start = figures.latest_value
    if start is None:
        raise ValidationFailed([FieldProblem("kpi", f"{kpi.name} has no measurement yet")])
    target = proposal_target(kpi, start)
    if target is None and kpi.direction is not Direction.IN_RANGE:
        raise ValidationFailed([FieldProblem("kpi", f"{kpi.name} has no target")])
    if target is None or meets_target(kpi, start) or start == target:
        raise ValidationFailed([FieldProblem("kpi", f"{kpi.name} is already on target")])
    title = f"{kpi.name} from {format_number(start)} to {format_number(target)}"
    if kpi.unit_label:
        title = f"{title} {kpi.unit_label}"
    return OkrProposal(
        kpi_id=kpi.id,
        objective_title=f"Improve {kpi.name}",
        key_result_title=title,
        start_value=float(start),
        target_value=float(target),
        unit_label=kpi.unit_label,
    )
