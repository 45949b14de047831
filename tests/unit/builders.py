"""Builders of domain rows and figures for unit tests: sensible defaults, any field overridable."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from headway.domain.model import (
    Aggregation,
    Cadence,
    Direction,
    Figures,
    Health,
    KeyResult,
    KeyResultFigures,
    KeyResultKind,
    Kpi,
    KpiFigures,
    Objective,
    ObjectiveFigures,
    Period,
    PeriodData,
    PeriodKind,
    PeriodState,
    Person,
    Role,
    Status,
    Unit,
    UnitKind,
)

Q4_START = date(2026, 10, 1)
Q4_END = date(2026, 12, 31)


def period(**kw: Any) -> Period:
    values: dict[str, Any] = {
        "id": 1,
        "name": "2026-Q4",
        "kind": PeriodKind.QUARTER,
        "start_date": Q4_START,
        "end_date": Q4_END,
        "state": PeriodState.ACTIVE,
    }
    return Period(**(values | kw))


def objective(oid: int, title: str = "Delight our customers", **kw: Any) -> Objective:
    values: dict[str, Any] = {"id": oid, "title": title, "period_id": 1, "owner_unit_id": 1}
    return Objective(**(values | kw))


def metric(kid: int, objective_id: int, title: str = "NPS from 60 to 70", **kw: Any) -> KeyResult:
    values: dict[str, Any] = {
        "id": kid,
        "objective_id": objective_id,
        "title": title,
        "kind": KeyResultKind.METRIC,
        "start_value": 60.0,
        "target_value": 70.0,
        "owner_id": 1,
    }
    return KeyResult(**(values | kw))


def milestone(
    kid: int, objective_id: int, title: str = "Help centre is live", **kw: Any
) -> KeyResult:
    values: dict[str, Any] = {
        "id": kid,
        "objective_id": objective_id,
        "title": title,
        "kind": KeyResultKind.MILESTONE,
        "owner_id": 1,
    }
    return KeyResult(**(values | kw))


def rollup(kid: int, objective_id: int, title: str = "Teams deliver", **kw: Any) -> KeyResult:
    values: dict[str, Any] = {
        "id": kid,
        "objective_id": objective_id,
        "title": title,
        "kind": KeyResultKind.ROLLUP,
        "owner_id": 1,
    }
    return KeyResult(**(values | kw))


def kpi(kid: int, name: str = "Average reply time", **kw: Any) -> Kpi:
    values: dict[str, Any] = {
        "id": kid,
        "name": name,
        "owner_unit_id": 2,
        "direction": Direction.LOWER_IS_BETTER,
        "target": 25.0,
        "warning": 35.0,
        "cadence": Cadence.WEEKLY,
        "aggregation": Aggregation.MEAN,
    }
    return Kpi(**(values | kw))


def unit(uid: int, name: str, kind: UnitKind, parent_id: int | None = None) -> Unit:
    return Unit(id=uid, name=name, kind=kind, parent_id=parent_id)


def person(pid: int, role: Role = Role.MEMBER, unit_ids: tuple[int, ...] = (), **kw: Any) -> Person:
    values: dict[str, Any] = {
        "id": pid,
        "name": f"Person {pid}",
        "email": f"p{pid}@example.com",
        "role": role,
        "unit_ids": unit_ids,
    }
    return Person(**(values | kw))


def kr_figures(
    kid: int,
    *,
    status: Status = Status.ON_TRACK,
    last_update: date | None = None,
    score: float = 0.5,
) -> KeyResultFigures:
    return KeyResultFigures(
        key_result_id=kid,
        current_value=None,
        progress=score,
        score=score,
        expected=0.5,
        status=status,
        last_update=last_update,
    )


def kpi_figures(
    kid: int,
    health: Health,
    *,
    latest_value: float | None = None,
    last_measured: date | None = None,
) -> KpiFigures:
    return KpiFigures(
        kpi_id=kid,
        latest_value=latest_value,
        latest_bucket=last_measured,
        health=health,
        trend=None,
        last_measured=last_measured,
    )


def figures(
    as_of: date,
    key_results: Iterable[KeyResultFigures] = (),
    kpis: Iterable[KpiFigures] = (),
    objectives: Iterable[ObjectiveFigures] = (),
) -> Figures:
    return Figures(
        as_of=as_of,
        key_results={f.key_result_id: f for f in key_results},
        objectives={f.objective_id: f for f in objectives},
        kpis={f.kpi_id: f for f in kpis},
    )


def period_data(
    objectives: Iterable[Objective] = (),
    key_results: Iterable[KeyResult] = (),
    kpis: Iterable[Kpi] = (),
    *,
    periods: Iterable[Period] = (),
    units: Iterable[Unit] = (),
    people: Iterable[Person] = (),
) -> PeriodData:
    return PeriodData(
        fiscal_year_start_month=1,
        periods={p.id: p for p in (list(periods) or [period()])},
        objectives=list(objectives),
        key_results=list(key_results),
        check_ins=[],
        kpis=list(kpis),
        measurements=[],
        units={u.id: u for u in units},
        people={p.id: p for p in people},
    )
