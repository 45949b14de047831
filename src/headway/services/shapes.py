"""Read shapes (INTERFACES.md): rows with the figures the domain computed, as plain JSON data."""

from __future__ import annotations

from typing import Any

from headway.domain.model import (
    Figures,
    Finding,
    KeyResult,
    Kpi,
    Objective,
    Period,
    Person,
    Unit,
)
from headway.services.reports import PeriodReport


def period_shape(period: Period) -> dict[str, Any]:
    return {
        "id": period.id,
        "name": period.name,
        "kind": period.kind.value,
        "start_date": period.start_date.isoformat(),
        "end_date": period.end_date.isoformat(),
        "state": period.state.value,
    }


def key_result_shape(kr: KeyResult, figures: Figures) -> dict[str, Any]:
    f = figures.key_results[kr.id]
    return {
        "id": kr.id,
        "key": kr.key,
        "objective_id": kr.objective_id,
        "title": kr.title,
        "kind": kr.kind.value,
        "unit_label": kr.unit_label,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "weight": kr.weight,
        "owner_id": kr.owner_id,
        "kpi_id": kr.kpi_id,
        "current_value": f.current_value,
        "progress": f.progress,
        "score": f.score,
        "expected": f.expected,
        "status": f.status.value,
        "confidence": f.confidence,
        "last_update": f.last_update.isoformat() if f.last_update else None,
    }


def objective_shape(
    objective: Objective, key_results: list[KeyResult], figures: Figures
) -> dict[str, Any]:
    f = figures.objectives[objective.id]
    return {
        "id": objective.id,
        "key": objective.key,
        "title": objective.title,
        "description": objective.description,
        "period_id": objective.period_id,
        "owner_unit_id": objective.owner_unit_id,
        "owner_id": objective.owner_id,
        "parent_id": objective.parent_id,
        "parent_key_result_id": objective.parent_key_result_id,
        "type": objective.type.value,
        "state": objective.state.value,
        "score": f.score,
        "expected": f.expected,
        "status": f.status.value if f.status else None,
        "key_results": [key_result_shape(kr, figures) for kr in key_results],
    }


def kpi_shape(kpi: Kpi, figures: Figures) -> dict[str, Any]:
    f = figures.kpis[kpi.id]
    return {
        "id": kpi.id,
        "key": kpi.key,
        "name": kpi.name,
        "description": kpi.description,
        "owner_unit_id": kpi.owner_unit_id,
        "owner_id": kpi.owner_id,
        "category": kpi.category,
        "unit_label": kpi.unit_label,
        "direction": kpi.direction.value,
        "target": kpi.target,
        "target_low": kpi.target_low,
        "target_high": kpi.target_high,
        "warning": kpi.warning,
        "cadence": kpi.cadence.value,
        "aggregation": kpi.aggregation.value,
        "source": kpi.source.value,
        "latest_value": f.latest_value,
        "health": f.health.value,
        "trend": f.trend.value if f.trend else None,
    }


def finding_shape(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "subject_type": finding.subject_type,
        "subject_id": finding.subject_id,
        "subject_title": finding.subject_title,
        "message": finding.message,
    }


def report_shape(report: PeriodReport) -> dict[str, Any]:
    """The period report in JSON (INTERFACES.md): period, as_of, expected, rows, findings."""
    krs_by_objective: dict[int, list[KeyResult]] = {}
    for kr in report.data.key_results:
        krs_by_objective.setdefault(kr.objective_id, []).append(kr)
    return {
        "period": period_shape(report.period),
        "as_of": report.as_of.isoformat(),
        "expected": report.expected,
        "objectives": [
            objective_shape(o, krs_by_objective.get(o.id, []), report.figures)
            for o in report.objectives()
        ],
        "kpis": [kpi_shape(k, report.figures) for k in report.data.kpis],
        "findings": [finding_shape(f) for f in report.findings],
    }


def unit_shape(unit: Unit) -> dict[str, Any]:
    return {"id": unit.id, "name": unit.name, "kind": unit.kind.value, "parent_id": unit.parent_id}


def person_shape(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "role": person.role.value,
        "active": person.active,
        "unit_ids": list(person.unit_ids),
    }
