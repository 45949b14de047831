"""Validation rules of DOMAIN.md: each returns every problem it finds, and never raises.

Field names are the API's (`start_value`, `effective_date`...); callers that speak another
dialect (the workspace document) rename them, and raise `ValidationFailed` when a list is
not empty.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from headway.domain.errors import FieldProblem
from headway.domain.model import (
    Direction,
    KeyResult,
    KeyResultKind,
    Objective,
    PeriodKind,
    UnitKind,
)
from headway.domain.periods import fiscal_quarter_bounds, fiscal_year_bounds

MAX_TITLE = 200
MAX_NOTE = 10_000
MAX_CONFIDENCE = 10
MAX_EMAIL = 254
# Figures beyond a quadrillion are typos, and (target - start) of bigger ones can overflow
# to infinity; dates outside these years are typos too, and quarter arithmetic needs room.
MAX_MAGNITUDE = 1e15
FIRST_YEAR = 1900
LAST_YEAR = 9998

# Deliberately loose: the only sure test of an address is mail arriving, so this catches typos
# (no @, spaces, no dot in the domain), not every RFC 5322 oddity.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def finite(field: str, value: object) -> list[FieldProblem]:
    """A number that is not NaN or ±inf; None (absent) passes, its own rule decides."""
    if value is None:
        return []
    # bool is an int to Python, but `True` as a value is a mistake, not a 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [FieldProblem(field, "must be a number")]
    if not math.isfinite(value):
        return [FieldProblem(field, "must be a finite number (not NaN or infinity)")]
    if abs(value) > MAX_MAGNITUDE:
        return [
            FieldProblem(field, f"must be between -{MAX_MAGNITUDE:.0e} and {MAX_MAGNITUDE:.0e}")
        ]
    return []


def validate_day(field: str, day: date) -> list[FieldProblem]:
    """A date within the years Headway reckons with (1900 to 9998)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return [FieldProblem(field, f"must be a date between {FIRST_YEAR} and {LAST_YEAR}")]
    return []


def _finite_all(**values: object) -> list[FieldProblem]:
    return [p for name, value in values.items() for p in finite(name, value)]


def validate_title(field: str, text: str) -> list[FieldProblem]:
    """A title or name: 1 to 200 characters after trimming."""
    trimmed = text.strip()
    if not trimmed:
        return [FieldProblem(field, "must not be empty")]
    if len(trimmed) > MAX_TITLE:
        return [FieldProblem(field, f"must be at most {MAX_TITLE} characters (got {len(trimmed)})")]
    return []


def validate_note(field: str, text: str) -> list[FieldProblem]:
    """A note or description: at most 10,000 characters."""
    if len(text) > MAX_NOTE:
        return [FieldProblem(field, f"must be at most {MAX_NOTE:,} characters (got {len(text):,})")]
    return []


def validate_weight(weight: object) -> list[FieldProblem]:
    """A key result's weight: a finite number above 0."""
    if weight is None:
        return [FieldProblem("weight", "is required")]
    problems = finite("weight", weight)
    if problems or not isinstance(weight, int | float):
        return problems
    if weight <= 0:
        return [FieldProblem("weight", "must be greater than 0")]
    return []


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
        problems.append(FieldProblem("kind", "must be one of metric, milestone, rollup"))
    return problems + validate_weight(weight)


def validate_confidence(confidence: object) -> list[FieldProblem]:
    """Confidence: absent, or a whole number from 0 to 10."""
    if confidence is None:
        return []
    if not isinstance(confidence, int) or isinstance(confidence, bool):
        return [FieldProblem("confidence", f"must be a whole number from 0 to {MAX_CONFIDENCE}")]
    if not 0 <= confidence <= MAX_CONFIDENCE:
        return [FieldProblem("confidence", f"must be from 0 to {MAX_CONFIDENCE}")]
    return []


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


def validate_past_day(field: str, day: date, today: date) -> list[FieldProblem]:
    """A date something happened on: not after today, and not before 1900."""
    if day > today:
        return [FieldProblem(field, f"must not be after today ({today.isoformat()})")]
    return validate_day(field, day)


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


def validate_kpi(
    direction: Direction | str,
    target: float | None,
    target_low: float | None,
    target_high: float | None,
    warning: float | None,
) -> list[FieldProblem]:
    """A KPI's target (or range) and warning threshold, as its direction wants them."""
    problems = _finite_all(
        target=target, target_low=target_low, target_high=target_high, warning=warning
    )
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
        problems.append(
            FieldProblem("direction", "must be one of higher_is_better, lower_is_better, in_range")
        )
    return problems


def normalise_email(email: str) -> str:
    """The form an address is stored and compared in: trimmed, lower-case."""
    return email.strip().lower()


def validate_email(email: str) -> list[FieldProblem]:
    """An address of the shape name@domain.tld."""
    normalised = normalise_email(email)
    if not normalised:
        return [FieldProblem("email", "must not be empty")]
    if len(normalised) > MAX_EMAIL or not _EMAIL.fullmatch(normalised):
        return [FieldProblem("email", f"{email.strip()!r} is not an e-mail address")]
    return []


def validate_fiscal_month(month: object) -> list[FieldProblem]:
    """The month the fiscal year starts in: 1 to 12."""
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        return [FieldProblem("fiscal_year_start_month", "must be a month number from 1 to 12")]
    return []


def validate_timezone(name: str) -> list[FieldProblem]:
    """An IANA time zone name such as Europe/Oslo."""
    try:
        if not name or name != name.strip():
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return [FieldProblem("timezone", f"{name!r} is not a known time zone (e.g. Europe/Oslo)")]
    return []


def validate_unit_tree(
    units: Iterable[tuple[int, UnitKind | str, int | None]],
    *,
    field_of: Callable[[int], str] | None = None,
) -> list[FieldProblem]:
    """Units form one tree: a single company at the root, every other unit under a parent.

    Problems with one unit name its `parent_id` field, or `field_of(unit_id)` when given
    (an import reports `units[3].parent`).
    """
    rows = list(units)
    parents = {unit_id: parent_id for unit_id, _, parent_id in rows}

    def problem(unit_id: int, message: str) -> FieldProblem:
        if field_of is None:
            return FieldProblem("parent_id", f"unit {unit_id} {message}")
        return FieldProblem(field_of(unit_id), message)

    problems: list[FieldProblem] = []
    companies = [unit_id for unit_id, kind, _ in rows if kind == UnitKind.COMPANY]
    if len(companies) != 1:
        problems.append(
            FieldProblem("", f"there must be exactly one company unit (found {len(companies)})")
        )
    for unit_id, kind, parent_id in rows:
        if kind == UnitKind.COMPANY and parent_id is not None:
            problems.append(problem(unit_id, "is the company: it has no parent"))
        elif kind != UnitKind.COMPANY and parent_id is None:
            problems.append(problem(unit_id, "needs a parent: only the company has none"))
        elif parent_id is not None and parent_id not in parents:
            problems.append(problem(unit_id, f"has a parent {parent_id} that does not exist"))
    problems += [
        problem(unit_id, "is below itself: units must form a tree")
        for unit_id in parents
        if _is_own_ancestor(unit_id, parents)
    ]
    return problems


def _is_own_ancestor(unit_id: int, parents: Mapping[int, int | None]) -> bool:
    seen: set[int] = set()
    current = parents.get(unit_id)
    while current is not None and current not in seen:
        if current == unit_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def alignment_creates_cycle(
    objective_id: int,
    parent_id: int | None,
    parent_key_result_id: int | None,
    objectives: Mapping[int, Objective],
    key_results: Mapping[int, KeyResult],
) -> bool:
    """True when aligning the objective under this parent would make it its own ancestor."""

    def parents_of(parent: int | None, parent_kr: int | None) -> list[int]:
        found = [] if parent is None else [parent]
        kr = key_results.get(parent_kr) if parent_kr is not None else None
        if kr is not None:
            found.append(kr.objective_id)
        return found

    # The walk starts at the proposed parents, so the objective's stored alignment (which the
    # change replaces) is never followed; `seen` stops it in a cycle that is already there.
    stack = parents_of(parent_id, parent_key_result_id)
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current == objective_id:
            return True
        if current in seen:
            continue
        seen.add(current)
        above = objectives.get(current)
        if above is not None:
            stack.extend(parents_of(above.parent_id, above.parent_key_result_id))
    return False
