"""Charts as SVG, drawn on the server: no script, nothing fetched.

The big charts are drawn by pygal and served inline as a data: URL in an <img> with a text
alternative; the page also lists the values, so nobody depends on seeing the picture. The
sparklines of lists are our own inline SVG polylines (pygal took ~4 ms for each).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pygal  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

from headway.domain.model import CheckIn, KeyResult, Kpi, KpiFigures, Period
from headway.domain.periods import expected_progress
from headway.domain.scoring import value_at_progress
from headway.reports.formatting import day, number, quantity

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#616e7c",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    colors=("#2463eb", "#7b8794", "#c2410c", "#b45309"),
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    stroke_width=2,
)
_DASHED = {"width": 2, "dasharray": "6, 4"}
_DOTTED = {"width": 2, "dasharray": "2, 4"}


@dataclass(frozen=True, slots=True)
class Chart:
    src: str  # a data: URL holding the SVG
    alt: str


def _data_url(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _date_chart() -> pygal.DateLine:
    return pygal.DateLine(
        style=_STYLE,
        width=760,
        height=320,
        js=[],  # no tooltip script: the image never runs code
        x_label_rotation=0,
        x_value_formatter=lambda d: d.strftime("%d %b"),
        value_formatter=number,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        show_x_guides=False,
        dots_size=3,
        truncate_legend=-1,
        margin=12,
        margin_bottom=24,
    )


def expected_pace(
    period: Period, due_date: date | None, start: float, target: float
) -> list[tuple[date, float]]:
    """The line of expected pace: from the period's first day to the key result's end (its due
    date, else the period's end), then level at target to the period's end. Each point is the
    value the key result's own expected progress over [first day, end] stands for."""
    first, last = period.start_date, due_date or period.end_date
    pace = [
        (d, value_at_progress(start, target, expected_progress(first, last, d)))
        for d in (first, last)
    ]
    if last < period.end_date:
        pace.append((period.end_date, target))
    return pace


def key_result_chart(
    kr: KeyResult, period: Period, values: Sequence[tuple[date, float]], as_of: date
) -> Chart | None:
    """The key result's value over the period beside the straight line of expected pace."""
    if kr.start_value is None or kr.target_value is None:
        return None
    chart = _date_chart()
    chart.add("Value", [(d, v) for d, v in values if d <= as_of])
    pace = expected_pace(period, kr.due_date, kr.start_value, kr.target_value)
    chart.add("Expected pace", pace, stroke_style=_DASHED, show_dots=False)
    latest = f"latest {quantity(values[-1][1], kr.unit_label)}" if values else "no values yet"
    (first, from_value), (due, to_value) = pace[0], pace[1]
    after = f", then level at target to {day(period.end_date)}" if len(pace) > 2 else ""
    alt = (
        f"Chart of {kr.title}: {len(values)} value(s), {latest}; "
        f"expected pace from {number(from_value)} on {day(first)} "
        f"to {number(to_value)} on {day(due)}{after}."
    )
    return Chart(_data_url(chart.render()), alt)


def check_in_series(check_ins: Sequence[CheckIn]) -> list[tuple[date, float]]:
    """Oldest first, one point per check-in (the list is given newest first)."""
    return [(c.effective_date, c.value) for c in reversed(check_ins)]


def kpi_chart(kpi: Kpi, figures: KpiFigures) -> Chart:
    """The KPI's bucket values with its target (or range) and warning lines."""
    series = figures.series
    chart = _date_chart()
    chart.add(f"Value ({kpi.cadence.value})", list(series))
    first, last = (series[0][0], series[-1][0]) if series else (None, None)

    def level(name: str, value: float | None, style: dict[str, object]) -> None:
        if value is not None and first is not None and last is not None:
            chart.add(name, [(first, value), (last, value)], stroke_style=style, show_dots=False)

    if kpi.target is not None:
        level("Target", kpi.target, _DASHED)
    else:
        level("Range low", kpi.target_low, _DASHED)
        level("Range high", kpi.target_high, _DASHED)
    level("Warning", kpi.warning, _DOTTED)
    alt = (
        f"Chart of {kpi.name}: {len(series)} {kpi.cadence.value} value(s)"
        + (f", latest {quantity(series[-1][1], kpi.unit_label)}" if series else "")
        + "."
    )
    return Chart(_data_url(chart.render()), alt)


SPARK_WIDTH = 120
SPARK_HEIGHT = 28
_SPARK_PAD = 2.0  # room for the stroke at the top and bottom


@dataclass(frozen=True, slots=True)
class Sparkline:
    """A small line drawn inline as an SVG polyline (no image, no style attribute: the look is
    in app.css), with its trend said in words for people who cannot see it."""

    points: str  # "x,y x,y …" in a SPARK_WIDTH × SPARK_HEIGHT box, y growing downwards
    label: str
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT

    @property
    def count(self) -> int:
        return len(self.points.split())


def _coordinate(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def trend_in_words(values: Sequence[float]) -> str:
    """How the line goes from its first value to its last: up, down or level."""
    first, last = values[0], values[-1]
    if last > first:
        return f"up from {number(first)} to {number(last)}"
    if last < first:
        return f"down from {number(first)} to {number(last)}"
    return f"level at {number(last)}"


def sparkline(values: Sequence[float], name: str) -> Sparkline | None:
    """A small line of the last values, for lists; None below two (finite) values."""
    shown = [v for v in values if math.isfinite(v)]
    if len(shown) < 2:
        return None
    low, high = min(shown), max(shown)
    step = (SPARK_WIDTH - 2 * _SPARK_PAD) / (len(shown) - 1)
    inner = SPARK_HEIGHT - 2 * _SPARK_PAD
    points = []
    for i, value in enumerate(shown):
        # A level line runs through the middle; otherwise the highest value is at the top.
        share = (high - value) / (high - low) if high > low else 0.5
        x, y = _SPARK_PAD + i * step, _SPARK_PAD + share * inner
        points.append(f"{_coordinate(x)},{_coordinate(y)}")
    label = f"Trend of {name} over its last {len(shown)} values: {trend_in_words(shown)}"
    return Sparkline(" ".join(points), label)
