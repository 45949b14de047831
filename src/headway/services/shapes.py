"""Read shapes (INTERFACES.md): rows with the figures the domain computed, as plain JSON data."""

from __future__ import annotations

from typing import Any

from headway.domain.model import (
    AuditEvent,
    CheckIn,
    Figures,
    Finding,
    Initiative,
    KeyResult,
    Kpi,
    Measurement,
    Objective,
    Period,
    Person,
    TokenInfo,
    Unit,
)
from headway.services.dashboard import Attention, Dashboard, RecentCheckIn
from headway.services.measurement_import import KpiImported
from headway.services.periods import Grade, PeriodRecord
from headway.services.proposals import ObjectiveDraft
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


def check_in_shape(check_in: CheckIn) -> dict[str, Any]:
    return {
        "id": check_in.id,
        "key_result_id": check_in.key_result_id,
        "value": check_in.value,
        "confidence": check_in.confidence,
        "note": check_in.note,
        "effective_date": check_in.effective_date.isoformat(),
        "author_id": check_in.author_id,
        "created_at": check_in.created_at.isoformat(),
    }


def initiative_shape(initiative: Initiative) -> dict[str, Any]:
    return {
        "id": initiative.id,
        "key_result_id": initiative.key_result_id,
        "objective_id": initiative.objective_id,
        "title": initiative.title,
        "owner_id": initiative.owner_id,
        "status": initiative.status.value,
        "due_date": initiative.due_date.isoformat() if initiative.due_date else None,
        "link": initiative.link,
    }


def grade_shape(grade: Grade) -> dict[str, Any]:
    if grade.objective_id is not None:
        return {
            "objective_id": grade.objective_id,
            "score": grade.score,
            "band": grade.band,
            "fell_short": grade.fell_short,
        }
    return {"key_result_id": grade.key_result_id, "score": grade.score, "band": grade.band}


def period_record_shape(record: PeriodRecord) -> dict[str, Any]:
    """A period as the periods resource serves it: with its notes, and grades once closed."""
    shape = {**period_shape(record.period), **record.retro}
    if record.grades is not None:
        shape["grades"] = [grade_shape(g) for g in record.grades]
    return shape


def token_shape(token: TokenInfo) -> dict[str, Any]:
    """A token's details: never the token itself nor its hash."""
    return {
        "id": token.id,
        "name": token.name,
        "person_id": token.person_id,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def audit_event_shape(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "before": event.before,
        "after": event.after,
    }


def measurement_import_shape(done: list[KpiImported]) -> dict[str, Any]:
    """What a spreadsheet import did, in all and to each KPI."""
    return {
        "created": sum(d.created for d in done),
        "replaced": sum(d.replaced for d in done),
        "kpis": [
            {"id": d.kpi_id, "name": d.kpi_name, "created": d.created, "replaced": d.replaced}
            for d in done
        ],
    }


def measurement_shape(m: Measurement) -> dict[str, Any]:
    return {
        "id": m.id,
        "kpi_id": m.kpi_id,
        "at": m.at.isoformat(),
        "value": m.value,
        "note": m.note,
        "source": m.source.value,
        "recorded_by": m.recorded_by,
        "recorded_at": m.recorded_at.isoformat(),
    }


def objective_draft_shape(draft: ObjectiveDraft) -> dict[str, Any]:
    """A proposed objective as the API writes one, its key result embedded; nothing stored."""
    return {
        "kpi_id": draft.proposal.kpi_id,
        "period_id": draft.period_id,
        **draft.objective,
        "key_results": [dict(draft.key_result)],
    }


def _attention_shape(a: Attention) -> dict[str, Any]:
    return {
        "subject_type": a.subject_type,
        "id": a.id,
        "title": a.title,
        "status": a.status.value,
        "score": a.score,
    }


def _recent_check_in_shape(r: RecentCheckIn) -> dict[str, Any]:
    c = r.check_in
    return {
        "id": c.id,
        "key_result_id": r.key_result.id,
        "key_result_title": r.key_result.title,
        "value": c.value,
        "confidence": c.confidence,
        "note": c.note,
        "effective_date": c.effective_date.isoformat(),
        "author_id": c.author_id,
        "author_name": r.author_name,
        "created_at": c.created_at.isoformat(),
    }


def dashboard_shape(d: Dashboard) -> dict[str, Any]:
    """The dashboard in JSON: the period's state as of a date, at a glance."""
    return {
        "period": period_shape(d.report.period),
        "as_of": d.report.as_of.isoformat(),
        "expected": d.report.expected,
        "score": d.overall_score,
        "objectives_by_status": d.objectives_by_status,
        "key_results_by_status": d.key_results_by_status,
        "at_risk": [_attention_shape(a) for a in d.at_risk],
        "off_track": [_attention_shape(a) for a in d.off_track],
        "kpi_health": d.kpi_health,
        "recent_check_ins": [_recent_check_in_shape(r) for r in d.recent_check_ins],
        "findings": [finding_shape(f) for f in d.report.findings],
    }
