"""Random valid workspace documents (the dict of the YAML format), for the oracle tests.

Every link points at an objective (or a rollup key result) listed earlier in the same period,
so no mix of parent, parent_kr and contributes_to links can close a cycle. Dates lie in the
past (check-ins and measurements may not be dated after today). Values are small integers or
halves, so that sums are exact and floats stay sane.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

Doc = dict[str, Any]

PERIOD = "Main quarter"
OTHER_PERIOD = "Fiscal year"

values = st.integers(min_value=-4, max_value=40).map(lambda n: n / 2)


def quarter_bounds(year: int, fiscal_start_month: int, quarter: int) -> tuple[date, date]:
    """First and last day of the given fiscal quarter (0..3) of the fiscal year that starts in
    `year`."""
    month0 = fiscal_start_month - 1 + 3 * quarter
    start = date(year + month0 // 12, month0 % 12 + 1, 1)
    last0 = month0 + 2
    last_year, last_month = year + last0 // 12, last0 % 12 + 1
    return start, date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])


def day_between(draw: st.DrawFn, first: date, last: date) -> date:
    return first + timedelta(days=draw(st.integers(0, (last - first).days)))


@st.composite
def documents(draw: st.DrawFn) -> tuple[Doc, str, date]:
    """(document, period name, as of) with everything the rules need exercised."""
    fiscal_start_month = draw(st.integers(1, 12))
    start, end = quarter_bounds(2024, fiscal_start_month, draw(st.integers(0, 3)))
    year_start = quarter_bounds(2024, fiscal_start_month, 0)[0]
    year_end = quarter_bounds(2024, fiscal_start_month, 3)[1]
    other = draw(st.booleans())  # the fiscal year holding the quarter, with objectives too
    reported = draw(st.sampled_from([PERIOD, OTHER_PERIOD])) if other else PERIOD
    first, last = (start, end) if reported == PERIOD else (year_start, year_end)
    as_of = day_between(draw, first - timedelta(days=3), last + timedelta(days=12))

    units = [{"key": "co", "name": "Company", "kind": "company"}]
    for d in range(draw(st.integers(1, 3))):
        units.append(
            {"key": f"d{d}", "name": f"Department {d}", "kind": "department", "parent": "co"}
        )
    if draw(st.booleans()):
        units.append({"key": "t0", "name": "Team 0", "kind": "team", "parent": "d0"})
    unit_keys = [u["key"] for u in units]
    people = [
        {
            "key": f"p{i}",
            "name": f"Person {i}",
            "email": f"p{i}@example.com",
            "role": "admin" if i == 0 else "member",
            "units": [unit_keys[i % len(unit_keys)]],
        }
        for i in range(3)
    ]
    periods = [
        {
            "name": PERIOD,
            "kind": "quarter",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "state": "active",
        }
    ]
    if other:
        periods.append(
            {
                "name": OTHER_PERIOD,
                "kind": "year",
                "start": year_start.isoformat(),
                "end": year_end.isoformat(),
                "state": "active",
            }
        )

    kpis = []
    for k in range(draw(st.integers(0, 3))):
        direction = draw(st.sampled_from(["higher_is_better", "lower_is_better", "in_range"]))
        kpi: Doc = {
            "key": f"k{k}",
            "name": f"KPI {k}",
            "owner_unit": draw(st.sampled_from(unit_keys)),
            "direction": direction,
            "cadence": draw(st.sampled_from(["daily", "weekly", "monthly", "quarterly"])),
            "aggregation": draw(st.sampled_from(["last", "sum", "mean", "min", "max"])),
        }
        with_warning = draw(st.booleans())
        if direction == "in_range":
            low = draw(st.integers(0, 10))
            kpi |= {"target_low": low, "target_high": low + draw(st.integers(1, 10))}
            if with_warning:
                kpi["warning"] = draw(st.integers(1, 5))
        else:
            target = draw(st.integers(5, 15))
            kpi["target"] = target
            if with_warning:
                gap = draw(st.integers(1, 5))
                kpi["warning"] = target - gap if direction == "higher_is_better" else target + gap
        measurements = []
        for _ in range(draw(st.integers(0, 9))):
            # before the period (health and trend), inside it, near as of, and after as of
            if draw(st.booleans()):
                at = day_between(draw, as_of - timedelta(days=20), as_of + timedelta(days=4))
            else:
                at = day_between(draw, start - timedelta(days=60), end + timedelta(days=10))
            measurements.append({"at": at.isoformat(), "value": draw(values)})
            if draw(st.integers(0, 3)) == 0:  # another on the same date
                measurements.append({"at": at.isoformat(), "value": draw(values)})
        kpi["measurements"] = measurements
        kpis.append(kpi)

    objectives = draw(objectives_of("o", PERIOD, start, end, unit_keys, kpis))
    if other:
        objectives += draw(objectives_of("y", OTHER_PERIOD, year_start, year_end, unit_keys, kpis))

    document = {
        "workspace": "Oracle",
        "fiscal_year_start_month": fiscal_start_month,
        "units": units,
        "people": people,
        "periods": periods,
        "kpis": kpis,
        "objectives": objectives,
    }
    return document, reported, as_of


@st.composite
def objectives_of(
    draw: st.DrawFn,
    prefix: str,
    period: str,
    start: date,
    end: date,
    unit_keys: list[str],
    kpis: list[Doc],
) -> list[Doc]:
    """A period's objectives, each linked only to objectives and rollups listed before it."""
    objectives: list[Doc] = []
    rollups: list[str] = []  # rollup key results listed so far
    for i in range(draw(st.integers(1, 7))):
        objective: Doc = {
            "key": f"{prefix}{i}",
            "title": f"Objective {prefix}{i}",
            "period": period,
            "type": draw(st.sampled_from(["committed", "aspirational"])),
            "state": "draft" if draw(st.integers(0, 4)) == 0 else "active",
        }
        owner_unit = draw(st.sampled_from(["co", "co", "(a person)", *unit_keys]))
        if owner_unit == "(a person)":
            objective["owner"] = draw(st.sampled_from(["p0", "p1", "p2"]))
        else:
            objective["owner_unit"] = owner_unit
        earlier = [o["key"] for o in objectives]
        link = draw(st.sampled_from(["none", "none", "parent", "parent_kr"]))
        if link == "parent" and earlier:
            objective["parent"] = draw(st.sampled_from(earlier))
        elif link == "parent_kr" and rollups:
            objective["parent_kr"] = draw(st.sampled_from(rollups))
        targets = [key for key in earlier if key != objective.get("parent")]
        targets += [key for key in rollups if key != objective.get("parent_kr")]
        if targets and draw(st.integers(0, 2)) == 0:
            chosen = draw(st.lists(st.sampled_from(targets), min_size=1, max_size=2, unique=True))
            objective["contributes_to"] = chosen
        key_results = []
        for j in range(draw(st.sampled_from([0, 0, 1, 2, 3, 4]))):
            kr = draw(key_results_of(f"{prefix}{i}r{j}", start, end, kpis))
            if kr["kind"] == "rollup":
                rollups.append(kr["key"])
            key_results.append(kr)
        objective["key_results"] = key_results
        objectives.append(objective)
    return objectives


@st.composite
def key_results_of(draw: st.DrawFn, key: str, start: date, end: date, kpis: list[Doc]) -> Doc:
    kind = draw(st.sampled_from(["metric", "metric", "metric", "milestone", "rollup"]))
    kr: Doc = {
        "key": key,
        "title": f"Key result {key}",
        "kind": kind,
        "weight": draw(st.sampled_from([1, 1, 2, 0.5, 3])),
    }
    if draw(st.booleans()):
        kr["owner"] = draw(st.sampled_from(["p0", "p1", "p2"]))
    if draw(st.integers(0, 3)) == 0:
        kr["due"] = day_between(draw, start, end).isoformat()
    check_ins = []
    if kind == "metric":
        first = draw(st.integers(0, 10))
        last = draw(st.integers(0, 10).filter(lambda n: n != first))
        kr |= {"start": first, "target": last}
        if kpis and draw(st.integers(0, 2)) == 0:
            kr["kpi"] = draw(st.sampled_from([k["key"] for k in kpis]))
        else:
            for _ in range(draw(st.integers(0, 4))):
                check_in: Doc = {
                    "date": day_between(draw, start, end).isoformat(),
                    "value": draw(values),
                }
                if draw(st.booleans()):
                    check_in["confidence"] = draw(st.integers(0, 10))
                check_ins.append(check_in)
    elif kind == "milestone":
        for _ in range(draw(st.integers(0, 3))):
            check_in = {
                "date": day_between(draw, start, end).isoformat(),
                "value": draw(st.sampled_from([0, 1])),
            }
            if draw(st.booleans()):
                check_in["confidence"] = draw(st.integers(0, 10))
            check_ins.append(check_in)
    if kind != "rollup":
        kr["check_ins"] = check_ins
    return kr


def oracle_settings(examples: int) -> Any:
    """Hypothesis settings of the oracle comparisons: the same documents on every run."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
