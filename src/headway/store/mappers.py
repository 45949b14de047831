"""Rows into plain domain objects: one mapper per row type, used by every store module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from headway.domain.model import (
    Aggregation,
    AuditEvent,
    Cadence,
    CheckIn,
    Direction,
    IngestTokenInfo,
    Initiative,
    InitiativeStatus,
    KeyResult,
    KeyResultKind,
    Kpi,
    KpiSource,
    Measurement,
    Objective,
    ObjectiveState,
    ObjectiveType,
    Period,
    PeriodKind,
    PeriodState,
    Person,
    Role,
    TokenInfo,
    Unit,
    UnitKind,
    Workspace,
)


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def to_workspace(r: Any) -> Workspace:
    return Workspace(
        id=r.id,
        name=r.name,
        fiscal_year_start_month=r.fiscal_year_start_month,
        timezone=r.timezone,
    )


def to_unit(r: Any) -> Unit:
    return Unit(id=r.id, name=r.name, kind=UnitKind(r.kind), parent_id=r.parent_id, key=r.key)


def to_period(r: Any) -> Period:
    return Period(
        id=r.id,
        name=r.name,
        kind=PeriodKind(r.kind),
        start_date=r.start_date,
        end_date=r.end_date,
        state=PeriodState(r.state),
    )


def to_objective(r: Any) -> Objective:
    return Objective(
        id=r.id,
        title=r.title,
        period_id=r.period_id,
        type=ObjectiveType(r.type),
        state=ObjectiveState(r.state),
        description=r.description,
        owner_unit_id=r.owner_unit_id,
        owner_id=r.owner_id,
        parent_id=r.parent_id,
        parent_key_result_id=r.parent_key_result_id,
        continued_from_id=r.continued_from_id,
        position=r.position,
        key=r.key,
    )


def to_key_result(r: Any) -> KeyResult:
    return KeyResult(
        id=r.id,
        objective_id=r.objective_id,
        title=r.title,
        kind=KeyResultKind(r.kind),
        unit_label=r.unit_label,
        start_value=r.start_value,
        target_value=r.target_value,
        weight=r.weight,
        owner_id=r.owner_id,
        kpi_id=r.kpi_id,
        position=r.position,
        key=r.key,
        due_date=r.due_date,
    )


def to_check_in(r: Any) -> CheckIn:
    return CheckIn(
        id=r.id,
        key_result_id=r.key_result_id,
        value=r.value,
        effective_date=r.effective_date,
        created_at=aware(r.created_at),
        confidence=r.confidence,
        note=r.note,
        author_id=r.author_id,
    )


def to_initiative(r: Any) -> Initiative:
    return Initiative(
        id=r.id,
        title=r.title,
        status=InitiativeStatus(r.status),
        key_result_id=r.key_result_id,
        objective_id=r.objective_id,
        owner_id=r.owner_id,
        due_date=r.due_date,
        link=r.link,
    )


def to_kpi(r: Any) -> Kpi:
    return Kpi(
        id=r.id,
        name=r.name,
        owner_unit_id=r.owner_unit_id,
        direction=Direction(r.direction),
        cadence=Cadence(r.cadence),
        aggregation=Aggregation(r.aggregation),
        description=r.description,
        owner_id=r.owner_id,
        category=r.category,
        unit_label=r.unit_label,
        target=r.target,
        target_low=r.target_low,
        target_high=r.target_high,
        warning=r.warning,
        source=KpiSource(r.source),
        key=r.key,
        min_value=r.min_value,
        max_value=r.max_value,
    )


_MEASUREMENT_FIELDS = (
    "id",
    "kpi_id",
    "at",
    "value",
    "recorded_at",
    "source",
    "note",
    "recorded_by",
)


def _measurement(
    id: int,
    kpi_id: int,
    at: date,
    value: float,
    recorded_at: datetime,
    source: str,
    note: str,
    recorded_by: int | None,
) -> Measurement:
    return Measurement(
        id=id,
        kpi_id=kpi_id,
        at=at,
        value=value,
        recorded_at=aware(recorded_at),
        source=KpiSource(source),
        note=note,
        recorded_by=recorded_by,
    )


def to_measurement(r: Any) -> Measurement:
    return _measurement(
        r.id, r.kpi_id, r.at, r.value, r.recorded_at, r.source, r.note, r.recorded_by
    )


def to_measurements(rows: sa.Result[Any]) -> list[Measurement]:
    """Every measurement row of a result: its columns found by name once, then read by
    position (reading each row's columns by name takes twice as long)."""
    columns = list(rows.keys())
    fields = itemgetter(*(columns.index(name) for name in _MEASUREMENT_FIELDS))
    return [_measurement(*fields(r)) for r in rows]


def to_person(r: Any, unit_ids: Sequence[int]) -> Person:
    """A person row with the ids of the units they belong to."""
    return Person(
        id=r.id,
        name=r.name,
        email=r.email,
        role=Role(r.role),
        active=r.active,
        unit_ids=tuple(unit_ids),
        key=r.key,
    )


def utc(value: datetime) -> datetime:
    """A stored time in UTC: PostgreSQL answers in its session's zone, SQLite with none."""
    return aware(value).astimezone(UTC)


def to_token_info(r: Any) -> TokenInfo:
    """An api_token row without its hash."""
    return TokenInfo(
        id=r.id,
        person_id=r.person_id,
        name=r.name,
        created_at=utc(r.created_at),
        last_used_at=None if r.last_used_at is None else utc(r.last_used_at),
        revoked_at=None if r.revoked_at is None else utc(r.revoked_at),
    )


def to_ingest_token_info(r: Any) -> IngestTokenInfo:
    """A kpi_ingest_token row without its hash."""
    return IngestTokenInfo(
        id=r.id,
        kpi_id=r.kpi_id,
        name=r.name,
        created_by=r.created_by,
        created_at=utc(r.created_at),
        last_used_at=None if r.last_used_at is None else utc(r.last_used_at),
        revoked_at=None if r.revoked_at is None else utc(r.revoked_at),
    )


def to_audit_event(r: Any) -> AuditEvent:
    return AuditEvent(
        id=r.id,
        at=utc(r.at),
        actor_id=r.actor_id,
        actor_label=r.actor_label,
        action=r.action,
        subject_type=r.subject_type,
        subject_id=r.subject_id,
        before=r.before,
        after=r.after,
    )
