"""A synthetic company as a workspace document, of any size, with the shape of a real one.

A company of divisions, departments and teams (about seven people a team). Every unit owns
objectives of three to five key results, aligned to a key result of its parent unit's; key
results check in every three weeks (two check-ins each by "as of"), and the divisions and
departments watch KPIs measured weekly for years. The first key result of every department
objective follows one of its KPIs. Everything is in one active quarter, so that the period
report is as large as the company.

The named sizes (issue 10, "Instant at company scale"):

- S: a smoke size (one small division), which runs end to end in seconds;
- M: about 700 objectives (four divisions of eight departments);
- L: 3,205 objectives, about 11,300 key results, 22,000 check-ins, 1,000 KPIs and 120,000
  measurements, a company of some 5,000 people;
- XL: ten times L.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

QUARTER = ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
AS_OF = date(2026, 11, 15)
CHECK_IN_EVERY = timedelta(days=21)  # Oct 7 and Oct 28 by "as of": two check-ins a key result
PEOPLE_PER_TEAM = 7


@dataclass(frozen=True, slots=True)
class Size:
    """The shape of a company: how many units of each level and what each owns."""

    divisions: int
    departments: int  # per division
    teams: int  # per department
    kpis_per_division: int
    kpis_per_department: int
    measurement_weeks: int  # weekly measurements of each KPI, up to "as of"
    objectives_of: tuple[int, int, int, int] = (5, 8, 3, 4)  # company, division, dept., team


# M, L and XL differ only in their number of divisions.
_LARGER = Size(
    divisions=4,
    departments=8,
    teams=4,
    kpis_per_division=10,
    kpis_per_department=5,
    measurement_weeks=120,
)
SIZES = {
    "S": Size(
        divisions=1,
        departments=2,
        teams=2,
        kpis_per_division=2,
        kpis_per_department=2,
        measurement_weeks=30,
        objectives_of=(2, 2, 2, 2),
    ),
    "M": _LARGER,
    "L": replace(_LARGER, divisions=20),
    "XL": replace(_LARGER, divisions=200),
}


class _Counter:
    """Numbers objectives in the order they are made, for their varying shapes."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def _every(step: timedelta) -> list[date]:
    days, day = [], QUARTER[1] + timedelta(days=6)
    while day <= AS_OF:
        days.append(day)
        day += step
    return days


CHECK_IN_DAYS = _every(CHECK_IN_EVERY)


def _objective(
    key: str, unit: str, owner: str, parent_kr: str | None, n: int, kpi: str | None
) -> dict[str, Any]:
    # 3 or 4 key results, alternately, and a fifth on every 25th objective: 3.54 on average.
    count = 3 + n % 2 + (1 if n % 25 == 0 else 0)
    key_results = []
    for i in range(count):
        kr: dict[str, Any] = {
            "key": f"{key}-kr{i}",
            "title": f"Key result {i} of {unit} ({n})",
            "kind": "metric",
            "unit_label": "%",
            "start": 0,
            "target": 100,
            "owner": owner,
            "initiatives": [{"title": f"Initiative {i} of {unit} ({n})", "status": "in_progress"}],
        }
        if i == 0 and kpi is not None:
            kr["kpi"] = kpi
        else:
            kr["check_ins"] = [
                {
                    "date": day.isoformat(),
                    # Spread over every status: some ahead, some behind, a few stalled.
                    "value": min(100, (w + 1) * (5 + (n * 7 + i * 3) % 30)),
                    "confidence": 1 + (n + i + w) % 10,
                    "note": f"check-in {w + 1}: steady progress",
                    "author": owner,
                }
                for w, day in enumerate(CHECK_IN_DAYS)
            ]
        key_results.append(kr)
    return {
        "key": key,
        "title": f"Objective {n} of {unit}",
        "period": QUARTER[0],
        "owner_unit": unit,
        "owner": owner,
        "type": ("committed", "aspirational")[n % 5 == 0],
        **({"parent_kr": parent_kr} if parent_kr else {}),
        "key_results": key_results,
    }


def _kpi(key: str, unit: str, number: int, weeks: int) -> dict[str, Any]:
    first = AS_OF - timedelta(days=7 * (weeks - 1))
    return {
        "key": key,
        "name": f"KPI {number} of {unit}",
        "owner_unit": unit,
        "category": ("Sales", "Support", "Product", "Finance")[number % 4],
        "unit_label": "count",
        "direction": "higher_is_better",
        "target": 100,
        "warning": 80,
        "cadence": "weekly",
        "aggregation": "mean",
        "measurements": [
            {"at": (first + timedelta(days=7 * w)).isoformat(), "value": 60 + (w * 7 + number) % 50}
            for w in range(weeks)
        ],
    }


def company(size: Size | str, workspace: str | None = None) -> dict[str, Any]:
    """The workspace document of a company of this size (a `Size` or the name of one)."""
    shape = SIZES[size] if isinstance(size, str) else size
    name = workspace or f"Bench {size if isinstance(size, str) else 'custom'}"
    counter = _Counter()
    units: list[dict[str, Any]] = [{"key": "co", "name": "Company", "kind": "company"}]
    people: list[dict[str, Any]] = [
        {"key": "ceo", "name": "Chief Executive", "email": "ceo@bench.example", "role": "admin"}
    ]
    objectives: list[dict[str, Any]] = []
    kpis: list[dict[str, Any]] = []

    def person(key: str, unit: str) -> str:
        people.append(
            {
                "key": key,
                "name": f"Person {key}",
                "email": f"{key}@bench.example",
                "role": "member",
                "units": [unit],
            }
        )
        return key

    def own(unit: str, owner: str, how_many: int, parents: list[str], kpi_keys: list[str]) -> None:
        """`how_many` objectives of the unit, each aligned to one of `parents` (key results)."""
        for j in range(how_many):
            n = counter.next()
            parent = parents[n % len(parents)] if parents else None
            kpi = kpi_keys[j % len(kpi_keys)] if kpi_keys else None
            objectives.append(_objective(f"o{n}", unit, owner, parent, n, kpi))

    def key_results_of(unit_objectives: list[dict[str, Any]]) -> list[str]:
        return [kr["key"] for o in unit_objectives for kr in o["key_results"]]

    own("co", "ceo", shape.objectives_of[0], [], [])
    company_krs = key_results_of(objectives)
    for d in range(shape.divisions):
        division = f"v{d}"
        units.append(
            {"key": division, "name": f"Division {d}", "kind": "department", "parent": "co"}
        )
        head = person(f"head-{division}", division)
        for k in range(shape.kpis_per_division):
            kpis.append(_kpi(f"k-{division}-{k}", division, k, shape.measurement_weeks))
        start = len(objectives)
        own(division, head, shape.objectives_of[1], company_krs, [])
        division_krs = key_results_of(objectives[start:])
        for e in range(shape.departments):
            dept = f"{division}d{e}"
            units.append(
                {
                    "key": dept,
                    "name": f"Department {d}.{e}",
                    "kind": "department",
                    "parent": division,
                }
            )
            lead = person(f"head-{dept}", dept)
            dept_kpis = [f"k-{dept}-{k}" for k in range(shape.kpis_per_department)]
            for k, kpi_key in enumerate(dept_kpis):
                kpis.append(_kpi(kpi_key, dept, k, shape.measurement_weeks))
            start = len(objectives)
            own(dept, lead, shape.objectives_of[2], division_krs, dept_kpis)
            dept_krs = key_results_of(objectives[start:])
            for t in range(shape.teams):
                team = f"{dept}t{t}"
                units.append(
                    {"key": team, "name": f"Team {d}.{e}.{t}", "kind": "team", "parent": dept}
                )
                members = [person(f"p-{team}-{m}", team) for m in range(PEOPLE_PER_TEAM)]
                own(team, members[0], shape.objectives_of[3], dept_krs, [])
    return {
        "workspace": name,
        "fiscal_year_start_month": 1,
        "units": units,
        "people": people,
        "periods": [
            {
                "name": QUARTER[0],
                "kind": "quarter",
                "start": QUARTER[1].isoformat(),
                "end": QUARTER[2].isoformat(),
                "state": "active",
            }
        ],
        "kpis": kpis,
        "objectives": objectives,
    }


def counts(doc: dict[str, Any]) -> dict[str, int]:
    """What a company document holds, for the report."""
    krs = [kr for o in doc["objectives"] for kr in o["key_results"]]
    return {
        "people": len(doc["people"]),
        "units": len(doc["units"]),
        "objectives": len(doc["objectives"]),
        "key_results": len(krs),
        "check_ins": sum(len(kr.get("check_ins", [])) for kr in krs),
        "kpis": len(doc["kpis"]),
        "measurements": sum(len(k["measurements"]) for k in doc["kpis"]),
    }
