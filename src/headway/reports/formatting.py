"""How figures read to people: the one number, percent, date and label formatter.

The report templates, the web pages' Jinja filters, the charts and the CLI all call these, so
the same figure reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from headway.domain.model import KeyResultKind, Status, Targeted, Trend

NOTHING = "—"  # a figure that does not exist yet (no check-in, no measurement, no score)


class Spanned(Protocol):
    """Anything with a key result's start, target, unit and kind."""

    @property
    def kind(self) -> KeyResultKind: ...
    @property
    def start_value(self) -> float | None: ...
    @property
    def target_value(self) -> float | None: ...
    @property
    def unit_label(self) -> str: ...


def number(value: float | None) -> str:
    """A figure as people read it: no trailing .0, thousands separated, at most two decimals."""
    if value is None:
        return NOTHING
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def exact(value: float | None) -> str:
    """A number as a form field holds it: every digit, so saving it unchanged changes nothing."""
    return "" if value is None else f"{value:.15g}"


def percent(score: float | None) -> str:
    """A score or a progress (0.0–1.0) as a whole percentage."""
    return NOTHING if score is None else f"{score * 100:.0f}%"


def day(value: date | None) -> str:
    """A date as people and machines both read it: ISO 8601."""
    return NOTHING if value is None else value.isoformat()


def outlook(due_date: date | None, forecast_score: float | None) -> str:
    """A key result's due date and forecast in words, `due 30 Nov · on pace for 71%`; either
    part alone, or "" with neither."""
    parts = []
    if due_date is not None:
        parts.append(f"due {due_date.day} {due_date:%b}")
    if forecast_score is not None:
        parts.append(f"on pace for {percent(forecast_score)}")
    return " · ".join(parts)


def label(value: StrEnum | str) -> str:
    """An enumerated value in words: `on_track` reads `on track`, `no_data` `no data`."""
    return str(value).replace("_", " ")


def status_label(status: Status | str | None) -> str:
    """A status in words; an objective without key results has no score, hence no status."""
    return "no score" if not status else label(Status(status))


def trend_label(trend: Trend | None) -> str:
    """A KPI's trend in words (none until it has two buckets)."""
    return NOTHING if trend is None else label(trend)


def quantity(value: float | None, unit_label: str) -> str:
    """A figure with its unit: `35 min`, or the figure alone when it has no unit."""
    return f"{number(value)} {unit_label}".strip()


def target_text(kpi: Targeted) -> str:
    """A KPI's target as people read it: a number, or a range for in-range KPIs."""
    if kpi.target is None:
        return f"{number(kpi.target_low)}–{number(kpi.target_high)}"
    return number(kpi.target)


def span_text(key_result: Spanned) -> str:
    """A key result's `start → target unit`, or its kind when it has no start (milestones)."""
    if key_result.start_value is None:
        return label(key_result.kind)
    span = f"{number(key_result.start_value)} → {number(key_result.target_value)}"
    return f"{span} {key_result.unit_label}".strip()


# The same names in every Jinja environment that shows figures (reports and web pages).
FILTERS: dict[str, Callable[..., Any]] = {
    "number": number,
    "exact": exact,
    "percent": percent,
    "day": day,
    "outlook": outlook,
    "label": label,
    "status_label": status_label,
    "trend_label": trend_label,
    "quantity": quantity,
    "target_text": target_text,
    "span_text": span_text,
}
