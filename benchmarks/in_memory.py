"""The period report computed from the in-memory document: pure domain, no database, no HTTP.

Every figure the server times is shown beside this one, measured in the same run, so that
the ratio holds on any machine: what serving a report costs over computing it.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any

from headway.domain.evaluation import evaluate
from headway.domain.lint import coach
from headway.domain.model import (
    Aggregation,
    Cadence,
    CheckIn,
    Direction,
    KeyResult,
    KeyResultKind,
    Kpi,
    Measurement,
    Objective,
    ObjectiveType,
    Period,
    PeriodData,
    PeriodKind,
    PeriodState,
    Person,
    Role,
    Unit,
    UnitKind,
)
from headway.domain.scoring import DEFAULT_THRESHOLDS
from headway.services.reads.reports import kpi_values_before

RECORDED = datetime(2026, 1, 1, 9, 0)


def period_data(doc: dict[str, Any]) -> tuple[PeriodData, Period]:
    """The company document (benchmarks/company.py) as the domain's rows, ids in order."""
    unit_ids = {u["key"]: n for n, u in enumerate(doc["units"], 1)}
    units = {
        unit_ids[u["key"]]: Unit(
            id=unit_ids[u["key"]],
            name=u["name"],
            kind=UnitKind(u["kind"]),
            parent_id=unit_ids.get(u.get("parent", "")),
            key=u["key"],
        )
        for u in doc["units"]
    }
    person_ids = {p["key"]: n for n, p in enumerate(doc["people"], 1)}
    people = {
        person_ids[p["key"]]: Person(
            id=person_ids[p["key"]],
            name=p["name"],
            email=p["email"],
            role=Role(p["role"]),
            unit_ids=tuple(unit_ids[u] for u in p.get("units", [])),
            key=p["key"],
        )
        for p in doc["people"]
    }
    periods = {
        n: Period(
            id=n,
            name=p["name"],
            kind=PeriodKind(p["kind"]),
            start_date=date.fromisoformat(p["start"]),
            end_date=date.fromisoformat(p["end"]),
            state=PeriodState(p["state"]),
        )
        for n, p in enumerate(doc["periods"], 1)
    }
    period_ids = {p.name: p.id for p in periods.values()}
    kpis: list[Kpi] = []
    measurements: list[Measurement] = []
    kpi_ids: dict[str, int] = {}
    for n, k in enumerate(doc["kpis"], 1):
        kpi_ids[k["key"]] = n
        kpis.append(
            Kpi(
                id=n,
                name=k["name"],
                owner_unit_id=unit_ids[k["owner_unit"]],
                direction=Direction(k["direction"]),
                cadence=Cadence(k["cadence"]),
                aggregation=Aggregation(k["aggregation"]),
                category=k.get("category", ""),
                unit_label=k.get("unit_label", ""),
                target=k.get("target"),
                warning=k.get("warning"),
                key=k["key"],
            )
        )
        measurements += [
            Measurement(
                id=len(measurements) + i,
                kpi_id=n,
                at=date.fromisoformat(m["at"]),
                value=float(m["value"]),
                recorded_at=RECORDED,
            )
            for i, m in enumerate(k["measurements"], 1)
        ]
    kr_ids = {
        kr["key"]: n
        for n, kr in enumerate((kr for o in doc["objectives"] for kr in o["key_results"]), 1)
    }
    objectives: list[Objective] = []
    key_results: list[KeyResult] = []
    check_ins: list[CheckIn] = []
    for n, o in enumerate(doc["objectives"], 1):
        objectives.append(
            Objective(
                id=n,
                title=o["title"],
                period_id=period_ids[o["period"]],
                type=ObjectiveType(o["type"]),
                owner_unit_id=unit_ids[o["owner_unit"]],
                owner_id=person_ids[o["owner"]],
                parent_key_result_id=kr_ids.get(o.get("parent_kr", "")),
                key=o["key"],
            )
        )
        for position, kr in enumerate(o["key_results"]):
            kr_id = kr_ids[kr["key"]]
            key_results.append(
                KeyResult(
                    id=kr_id,
                    objective_id=n,
                    title=kr["title"],
                    kind=KeyResultKind(kr["kind"]),
                    unit_label=kr.get("unit_label", ""),
                    start_value=kr.get("start"),
                    target_value=kr.get("target"),
                    owner_id=person_ids[kr["owner"]],
                    kpi_id=kpi_ids.get(kr.get("kpi", "")),
                    position=position,
                    key=kr["key"],
                )
            )
            for c in kr.get("check_ins", []):
                check_ins.append(
                    CheckIn(
                        id=len(check_ins) + 1,
                        key_result_id=kr_id,
                        value=float(c["value"]),
                        effective_date=date.fromisoformat(c["date"]),
                        created_at=RECORDED + timedelta(minutes=len(check_ins)),
                        confidence=c.get("confidence"),
                        note=c.get("note", ""),
                        author_id=person_ids[c["author"]],
                    )
                )
    data = PeriodData(
        fiscal_year_start_month=doc["fiscal_year_start_month"],
        periods=periods,
        objectives=objectives,
        key_results=key_results,
        check_ins=check_ins,
        kpis=kpis,
        measurements=measurements,
        units=units,
        people=people,
    )
    return data, periods[1]


def compute(data: PeriodData, period: Period, as_of: date) -> int:
    """What `period_report` computes once its rows are loaded; the number of findings."""
    figures = evaluate(data, as_of, DEFAULT_THRESHOLDS)
    findings = coach(data, period, figures, as_of, kpi_value_before=kpi_values_before(data, period))
    return len(figures.objectives) + len(findings)


def timed_compute(doc: dict[str, Any], as_of: date, repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` computations (after one warm-up) of the report."""
    data, period = period_data(doc)
    compute(data, period, as_of)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        compute(data, period, as_of)
        times.append((time.perf_counter() - start) * 1000)
    return times
