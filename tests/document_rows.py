"""A workspace document (the worked example's seeds, the benchmarks' synthetic company) as the
domain's rows, with sequential ids in the document's order: pure domain, no database.

Dates may be `date`s (YAML) or ISO strings (JSON). Each recorded row (measurement, check-in) is
recorded one minute after the one before, so that their order is the document's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

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

Keys = dict[str, dict[str, int]]  # per row type ("unit", "kpi", ...), each key's id


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class _Ids:
    """Sequential ids per row type, and a clock ticking once per recorded row."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}
        self.tick = datetime(2026, 1, 1, 9, 0)

    def new(self, kind: str) -> int:
        self.next[kind] = self.next.get(kind, 0) + 1
        return self.next[kind]

    def now(self) -> datetime:
        self.tick += timedelta(minutes=1)
        return self.tick


def period_data(doc: dict[str, Any]) -> tuple[PeriodData, Keys]:
    """The document as the domain's rows; also each key's id, per row type (periods by name)."""
    ids = _Ids()
    keys: Keys = {kind: {} for kind in ("unit", "person", "period", "kpi", "objective")}
    keys["key_result"] = {}
    for u in doc["units"]:
        keys["unit"][u["key"]] = ids.new("unit")
    units = {
        keys["unit"][u["key"]]: Unit(
            id=keys["unit"][u["key"]],
            name=u["name"],
            kind=UnitKind(u["kind"]),
            parent_id=keys["unit"].get(u.get("parent", "")),
            key=u["key"],
        )
        for u in doc["units"]
    }
    people = {}
    for p in doc["people"]:
        person = Person(
            id=ids.new("person"),
            name=p["name"],
            email=p["email"],
            role=Role(p["role"]),
            unit_ids=tuple(keys["unit"][u] for u in p.get("units", [])),
            key=p["key"],
        )
        people[person.id] = person
        keys["person"][p["key"]] = person.id
    periods = {}
    for p in doc["periods"]:
        period = Period(
            id=ids.new("period"),
            name=p["name"],
            kind=PeriodKind(p["kind"]),
            start_date=_day(p["start"]),
            end_date=_day(p["end"]),
            state=PeriodState(p["state"]),
        )
        periods[period.id] = period
        keys["period"][p["name"]] = period.id

    kpis, measurements = [], []
    for k in doc["kpis"]:
        kpi = Kpi(
            id=ids.new("kpi"),
            name=k["name"],
            owner_unit_id=keys["unit"][k["owner_unit"]],
            direction=Direction(k["direction"]),
            cadence=Cadence(k["cadence"]),
            aggregation=Aggregation(k["aggregation"]),
            category=k.get("category", ""),
            unit_label=k.get("unit_label", ""),
            target=k.get("target"),
            target_low=k.get("target_low"),
            target_high=k.get("target_high"),
            warning=k.get("warning"),
            min_value=k.get("min_value"),
            max_value=k.get("max_value"),
            key=k["key"],
        )
        kpis.append(kpi)
        keys["kpi"][k["key"]] = kpi.id
        measurements += [
            Measurement(
                id=ids.new("measurement"),
                kpi_id=kpi.id,
                at=_day(m["at"]),
                value=float(m["value"]),
                recorded_at=ids.now(),
            )
            for m in k["measurements"]
        ]

    for o in doc["objectives"]:
        keys["objective"][o["key"]] = ids.new("objective")
        for kr in o["key_results"]:
            keys["key_result"][kr["key"]] = ids.new("key_result")

    objectives, key_results, check_ins = [], [], []
    for o in doc["objectives"]:
        objectives.append(
            Objective(
                id=keys["objective"][o["key"]],
                title=o["title"],
                period_id=keys["period"][o["period"]],
                type=ObjectiveType(o["type"]),
                owner_unit_id=keys["unit"][o["owner_unit"]],
                owner_id=keys["person"].get(o.get("owner", "")),
                parent_key_result_id=keys["key_result"].get(o.get("parent_kr", "")),
                key=o["key"],
            )
        )
        for position, kr in enumerate(o["key_results"]):
            kr_id = keys["key_result"][kr["key"]]
            key_results.append(
                KeyResult(
                    id=kr_id,
                    objective_id=keys["objective"][o["key"]],
                    title=kr["title"],
                    kind=KeyResultKind(kr["kind"]),
                    unit_label=kr.get("unit_label", ""),
                    start_value=kr.get("start"),
                    target_value=kr.get("target"),
                    weight=kr.get("weight", 1.0),
                    owner_id=keys["person"].get(kr.get("owner", "")),
                    kpi_id=keys["kpi"].get(kr.get("kpi", "")),
                    position=position,
                    key=kr["key"],
                    due_date=_day(kr["due"]) if kr.get("due") else None,
                )
            )
            check_ins += [
                CheckIn(
                    id=ids.new("check_in"),
                    key_result_id=kr_id,
                    value=float(c["value"]),
                    effective_date=_day(c["date"]),
                    created_at=ids.now(),
                    confidence=c.get("confidence"),
                    note=c.get("note", ""),
                    author_id=keys["person"].get(c.get("author", "")),
                )
                for c in kr.get("check_ins", [])
            ]
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
    return data, keys
