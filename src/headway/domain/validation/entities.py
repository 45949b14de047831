"""Rules for an entity's fields together: a KPI, a key result, a check-in, a period…"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from headway.domain.errors import FieldProblem
from headway.domain.model import Direction, KeyResult, KeyResultKind, PeriodKind, Role, Targeted
from headway.domain.periods import fiscal_quarter_bounds, fiscal_year_bounds
from headway.domain.validation.fields import (
    finite,
    validate_choice,
    validate_confidence,
    validate_day,
    validate_email,
    validate_line,
    validate_link,
    validate_note,
    validate_password,
    validate_past_day,
    validate_title,
    validate_weight,
)
from headway.domain.validation.limits import MAX_CATEGORY, MAX_PERIOD_NAME, MAX_UNIT_LABEL


def _finite_all(**values: object) -> list[FieldProblem]:
    return [p for name, value in values.items() for p in finite(name, value)]


def validate_person(
    *,
    email: str | None = None,
    name: str | None = None,
    role: str | None = None,
    password: str | None = None,
) -> list[FieldProblem]:
    """A person's fields; one left out (None) is not checked, as when a change keeps it."""
    problems = [] if email is None else validate_email(email)
    problems += [] if name is None else validate_title("name", name)
    problems += [] if role is None else validate_choice("role", role, Role)
    return problems + validate_password(password)


def validate_period_name(name: str) -> list[FieldProblem]:
    """A period's name: 1 to 100 characters after trimming."""
    return validate_title("name", name, MAX_PERIOD_NAME)


def validate_period(
    start: date,
    end: date,
    *,
    kind: PeriodKind | str | None = None,
    fiscal_start_month: int | None = None,
) -> list[FieldProblem]:
    """A period's dates: the end (inclusive) on or after the start; quarters and years follow
    the fiscal year when its first month is given."""
    problems = validate_day("start_date", start) + validate_day("end_date", end)
    if problems:
        return problems
    if end < start:
        return [FieldProblem("end_date", f"must be on or after start_date ({start.isoformat()})")]
    if fiscal_start_month is None or not 1 <= fiscal_start_month <= 12:
        return []
    bounds = {PeriodKind.QUARTER: fiscal_quarter_bounds, PeriodKind.YEAR: fiscal_year_bounds}
    if kind in bounds:
        first, last = bounds[PeriodKind(kind)](start, fiscal_start_month)
        if (start, end) != (first, last):
            problems.append(
                FieldProblem(
                    "start_date",
                    f"a {kind} follows the fiscal year: {first.isoformat()} to {last.isoformat()}",
                )
            )
    return problems


def validate_kpi_text(
    name: str, description: str, category: str, unit_label: str
) -> list[FieldProblem]:
    """A KPI's name, description, category and unit label."""
    problems = validate_title("name", name) + validate_note("description", description)
    problems += validate_line("category", category, MAX_CATEGORY)
    return problems + validate_line("unit_label", unit_label, MAX_UNIT_LABEL)


class KpiTargets(Targeted, Protocol):
    """What `validate_kpi_targets` reads of a KPI: a stored one, or one of a document."""

    @property
    def direction(self) -> Direction: ...
    @property
    def warning(self) -> float | None: ...
    @property
    def min_value(self) -> float | None: ...
    @property
    def max_value(self) -> float | None: ...


def validate_kpi_targets(kpi: KpiTargets) -> list[FieldProblem]:
    """`validate_kpi` of a KPI's own fields."""
    return validate_kpi(
        kpi.direction,
        kpi.target,
        kpi.target_low,
        kpi.target_high,
        kpi.warning,
        min_value=kpi.min_value,
        max_value=kpi.max_value,
    )


def validate_kpi(
    direction: Direction | str,
    target: float | None,
    target_low: float | None,
    target_high: float | None,
    warning: float | None,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
) -> list[FieldProblem]:
    """A KPI's target (or range), warning threshold and plausible range, as its direction wants."""
    problems = _finite_all(
        target=target, target_low=target_low, target_high=target_high, warning=warning
    )
    problems += validate_plausible_range(min_value, max_value)
    if problems:
        return problems
    if direction in (Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER):
        if target is None:
            problems.append(FieldProblem("target", f"is required for a {direction} KPI"))
        for name, value in (("target_low", target_low), ("target_high", target_high)):
            if value is not None:
                problems.append(FieldProblem(name, "only an in_range KPI has a range; use target"))
        if target is not None and warning is not None:
            if direction == Direction.HIGHER_IS_BETTER and not warning < target:
                problems.append(
                    FieldProblem(
                        "warning", f"must be below the target ({target:.10g}): lower is worse"
                    )
                )
            if direction == Direction.LOWER_IS_BETTER and not warning > target:
                problems.append(
                    FieldProblem(
                        "warning", f"must be above the target ({target:.10g}): higher is worse"
                    )
                )
    elif direction == Direction.IN_RANGE:
        if target is not None:
            problems.append(
                FieldProblem("target", "an in_range KPI has target_low and target_high instead")
            )
        if target_low is None:
            problems.append(FieldProblem("target_low", "is required for an in_range KPI"))
        if target_high is None:
            problems.append(FieldProblem("target_high", "is required for an in_range KPI"))
        if target_low is not None and target_high is not None and target_low > target_high:
            problems.append(
                FieldProblem("target_high", f"must not be below target_low ({target_low:.10g})")
            )
        if warning is not None and warning <= 0:
            problems.append(
                FieldProblem("warning", "is the margin outside the range and must be above 0")
            )
    else:
        problems += validate_choice("direction", direction, Direction)
    return problems


def validate_plausible_range(
    min_value: float | None, max_value: float | None
) -> list[FieldProblem]:
    """A KPI's optional plausible range: finite bounds, min_value not above max_value."""
    problems = _finite_all(min_value=min_value, max_value=max_value)
    if not problems and min_value is not None and max_value is not None and min_value > max_value:
        below = f"must not be below min_value ({min_value:.10g})"
        problems.append(FieldProblem("max_value", below))
    return problems


def plausible_range_text(min_value: float | None, max_value: float | None) -> str:
    """How a measurement must lie in a plausible range: "between 0 and 100", "at least 0"…"""
    if min_value is not None and max_value is not None:
        return f"between {min_value:.10g} and {max_value:.10g}"
    if min_value is not None:
        return f"at least {min_value:.10g}"
    return f"at most {max_value:.10g}"


def validate_measurement_value(
    value: float, min_value: float | None, max_value: float | None, field: str = "value"
) -> list[FieldProblem]:
    """A measurement's value: finite, and inside its KPI's plausible range when it has one.

    A bound that is itself no finite number is the KPI's problem, reported there; it bounds
    nothing here.
    """
    problems = finite(field, value)
    if problems or value is None:
        return problems
    min_value, max_value = (b if not finite("", b) else None for b in (min_value, max_value))
    if (min_value is not None and value < min_value) or (
        max_value is not None and value > max_value
    ):
        return [FieldProblem(field, f"must be {plausible_range_text(min_value, max_value)}")]
    return []


def validate_key_result_text(title: str, unit_label: str) -> list[FieldProblem]:
    """A key result's title and unit label (`%`, `min`, `$`…)."""
    return validate_title("title", title) + validate_line("unit_label", unit_label, MAX_UNIT_LABEL)


def validate_key_result(
    kind: KeyResultKind | str,
    start_value: float | None,
    target_value: float | None,
    weight: float,
    *,
    kpi_linked: bool = False,
) -> list[FieldProblem]:
    """Start, target and weight as the key result's kind wants them; only metrics follow KPIs."""
    problems = _finite_all(start_value=start_value, target_value=target_value)
    if kpi_linked and kind != KeyResultKind.METRIC:
        problems.append(FieldProblem("kpi_id", "only a metric key result can follow a KPI"))
    if kind == KeyResultKind.METRIC:
        if start_value is None:
            problems.append(FieldProblem("start_value", "is required for a metric key result"))
        if target_value is None:
            problems.append(FieldProblem("target_value", "is required for a metric key result"))
        if not problems and start_value == target_value:
            problems.append(FieldProblem("target_value", "must differ from start"))
    elif kind in (KeyResultKind.MILESTONE, KeyResultKind.ROLLUP):
        why = "is 0 or 1" if kind == KeyResultKind.MILESTONE else "comes from below"
        for name, value in (("start_value", start_value), ("target_value", target_value)):
            if value is not None:
                problems.append(
                    FieldProblem(name, f"must be empty for a {kind} key result (its value {why})")
                )
    else:
        problems += validate_choice("kind", kind, KeyResultKind)
    return problems + validate_weight(weight)


def validate_due_date(
    due_date: date | None, period_start: date, period_end: date, field: str = "due_date"
) -> list[FieldProblem]:
    """A key result's optional due date: a day inside its objective's period."""
    if due_date is None:
        return []
    problems = validate_day(field, due_date)
    if not problems and not period_start <= due_date <= period_end:
        inside = f"{period_start.isoformat()} to {period_end.isoformat()}"
        problems.append(FieldProblem(field, f"must lie inside its period ({inside})"))
    return problems


def due_dates_outside(
    key_results: Iterable[KeyResult],
    period_start: date,
    period_end: date,
    *,
    start_field: str = "start_date",
    end_field: str = "end_date",
) -> list[FieldProblem]:
    """One problem for each key result due outside a period's (new) dates, on `start_field`
    when it is due before the start, else on `end_field`."""
    inside = f"{period_start.isoformat()} to {period_end.isoformat()}"
    return [
        FieldProblem(
            start_field if kr.due_date < period_start else end_field,
            f"key result {kr.id} ({kr.title}) is due {kr.due_date.isoformat()}, outside "
            f"{inside}: change its due date first",
        )
        for kr in key_results
        if kr.due_date is not None and not period_start <= kr.due_date <= period_end
    ]


def takes_check_ins(kind: KeyResultKind | str, *, kpi_linked: bool) -> bool:
    """Only metric and milestone key results not following a KPI take manual check-ins."""
    return kind != KeyResultKind.ROLLUP and not kpi_linked


def validate_check_in(
    kind: KeyResultKind | str,
    value: float,
    confidence: int | None,
    effective_date: date,
    today: date,
    *,
    kpi_linked: bool = False,
) -> list[FieldProblem]:
    """A check-in on a key result of `kind`, dated `effective_date`, entered on `today`."""
    if not takes_check_ins(kind, kpi_linked=kpi_linked):
        why = (
            "a rollup key result takes no check-ins: its value comes from the objectives "
            "aligned under it"
            if kind == KeyResultKind.ROLLUP
            else "a key result linked to a KPI takes no check-ins: record a measurement on the "
            "KPI instead"
        )
        return [FieldProblem("value", why)]
    problems = finite("value", value)
    if value is None:
        problems.append(FieldProblem("value", "is required"))
    elif not problems and kind == KeyResultKind.MILESTONE and value not in (0, 1):
        problems.append(FieldProblem("value", "must be 0 (not done) or 1 (done) for a milestone"))
    problems += validate_confidence(confidence)
    return problems + validate_past_day("effective_date", effective_date, today)


def validate_initiative(title: str, link: str, due_date: date | None) -> list[FieldProblem]:
    """An initiative's title, optional web link and optional due date."""
    problems = validate_title("title", title) + validate_link("link", link)
    return problems + ([] if due_date is None else validate_day("due_date", due_date))
