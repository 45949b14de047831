"""A synthetic company as a workspace document, of any size, with the shape of a real one.

`departments` departments of `TEAMS` teams each, under one company. Every unit has an
objective of three key results aligned to its parent's; the teams check in weekly, every
department watches two KPIs measured weekly since the start of the year, and one key result
per department follows a KPI.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

TEAMS = 4
QUARTER = ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
AS_OF = date(2026, 11, 15)


def _weekly(start: date, until: date) -> list[date]:
    days, day = [], start
    while day <= until:
        days.append(day)
        day += timedelta(days=7)
    return days


def _objective(key: str, unit: str, owner: str, parent_kr: str | None) -> dict[str, Any]:
    check_in_days = _weekly(QUARTER[1] + timedelta(days=6), AS_OF)
    key_results = [
        {
            "key": f"{key}-kr{i}",
            "title": f"Key result {i} of {unit}",
            "kind": "metric",
            "unit_label": "%",
            "start": 0,
            "target": 100,
            "owner": owner,
            "check_ins": [
                {
                    "date": day.isoformat(),
                    "value": min(100, 6 * (n + 1) + 3 * i),
                    "confidence": 5 + (n + i) % 5,
                    "note": f"week {n + 1}: steady progress",
                    "author": owner,
                }
                for n, day in enumerate(check_in_days)
            ],
            "initiatives": [{"title": f"Initiative {i} of {unit}", "status": "in_progress"}],
        }
        for i in range(3)
    ]
    return {
        "key": key,
        "title": f"Objective of {unit}",
        "period": QUARTER[0],
        "owner_unit": unit,
        "owner": owner,
        "type": "committed",
        **({"parent_kr": parent_kr} if parent_kr else {}),
        "key_results": key_results,
    }


def _kpi(key: str, unit: str, number: int) -> dict[str, Any]:
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
            {"at": day.isoformat(), "value": 70 + (n * 7 + number) % 40}
            for n, day in enumerate(_weekly(date(2026, 1, 5), AS_OF))
        ],
    }


def company(departments: int) -> dict[str, Any]:
    """The workspace document of a company with this many departments."""
    units: list[dict[str, Any]] = [{"key": "co", "name": "Company", "kind": "company"}]
    people: list[dict[str, Any]] = [
        {"key": "ceo", "name": "Chief Executive", "email": "ceo@bench.example", "role": "admin"}
    ]
    objectives = [_objective("o-co", "co", "ceo", None)]
    kpis = []
    for d in range(departments):
        dept = f"d{d}"
        units.append({"key": dept, "name": f"Department {d}", "kind": "department", "parent": "co"})
        people.append(
            {
                "key": f"head-{d}",
                "name": f"Head of {d}",
                "email": f"head{d}@bench.example",
                "role": "member",
                "units": [dept],
            }
        )
        objectives.append(_objective(f"o-{dept}", dept, f"head-{d}", f"o-co-kr{d % 3}"))
        kpis += [_kpi(f"k{d}-{n}", dept, n) for n in range(2)]
        objectives[-1]["key_results"][0]["kpi"] = f"k{d}-0"
        objectives[-1]["key_results"][0].pop("check_ins")
        for t in range(TEAMS):
            team = f"{dept}t{t}"
            units.append({"key": team, "name": f"Team {d}.{t}", "kind": "team", "parent": dept})
            people.append(
                {
                    "key": f"lead-{team}",
                    "name": f"Lead of {team}",
                    "email": f"lead.{team}@bench.example",
                    "role": "member",
                    "units": [team],
                }
            )
            objectives.append(
                _objective(f"o-{team}", team, f"lead-{team}", f"o-{dept}-kr{1 + t % 2}")
            )
    return {
        "workspace": f"Bench {departments}",
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


def sizes(departments: int) -> dict[str, int]:
    """What a company of this many departments holds, for the report."""
    doc = company(departments)
    krs = [kr for o in doc["objectives"] for kr in o["key_results"]]
    return {
        "units": len(doc["units"]),
        "objectives": len(doc["objectives"]),
        "key_results": len(krs),
        "check_ins": sum(len(kr.get("check_ins", [])) for kr in krs),
        "kpis": len(doc["kpis"]),
        "measurements": sum(len(k["measurements"]) for k in doc["kpis"]),
    }
