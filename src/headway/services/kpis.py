"""KPI measurements and the KPI -> OKR proposal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa

from headway.domain import permissions, validation
from headway.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from headway.domain.kpi import OkrProposal, kpi_figures, propose_okr
from headway.domain.model import (
    KeyResultKind,
    KpiSource,
    ObjectiveState,
    ObjectiveType,
    PeriodState,
    Workspace,
)
from headway.domain.periods import current_period
from headway.services.actors import Caller, insert_audited, require
from headway.services.reports import today_in
from headway.store import repository as repo
from headway.store import tables as t
from headway.store.uow import UnitOfWork


def record_measurement(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    value: float,
    at: date | None = None,
    note: str = "",
    source: KpiSource = KpiSource.MANUAL,
    caller: Caller,
    clock: Callable[[], datetime],
) -> int:
    """Add one measurement to a KPI; the new measurement's id."""
    now = clock()
    today = today_in(workspace, clock)
    day = at or today
    with uow:
        conn = uow.conn
        kpi = repo.get_kpi(conn, workspace.id, kpi_id)
        require(
            caller,
            conn,
            workspace,
            f"record measurements of {kpi.name!r}",
            lambda actor, tree: permissions.can_record_measurement(actor, kpi, tree),
        )
        problems = validation.finite("value", value) + validation.validate_note("note", note)
        if day > today:
            problems.append(FieldProblem("at", f"must not be after today ({today.isoformat()})"))
        if problems:
            raise ValidationFailed(problems)
        values = {
            "kpi_id": kpi.id,
            "at": day,
            "value": float(value),
            "source": source.value,
            "note": note,
            "recorded_by": caller.person_id,
        }
        measurement_id = insert_audited(
            conn, caller, workspace, t.measurement, now, recorded_at=now, **values
        )
    return measurement_id


def propose_okr_from_kpi(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    as_of: date | None = None,
    clock: Callable[[], datetime],
) -> OkrProposal:
    """The draft objective DOMAIN.md proposes for a KPI off target (nothing is stored)."""
    day = as_of or today_in(workspace, clock)
    with uow:
        kpi = repo.get_kpi(uow.conn, workspace.id, kpi_id)
        measurements = [m for m in repo.load_kpi_measurements(uow.conn, kpi.id) if m.at <= day]
    figures = kpi_figures(kpi, measurements, workspace.fiscal_year_start_month, day)
    return propose_okr(kpi, figures)


def store_proposal(
    uow: UnitOfWork,
    workspace: Workspace,
    proposal: OkrProposal,
    *,
    period_id: int | None = None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> int:
    """Store a proposal as a draft objective owned like its KPI; the objective's id.

    The period defaults to the current one. The key result is linked to the KPI, so the
    KPI's measurements move it from then on.
    """
    now = clock()
    today = today_in(workspace, clock)
    with uow:
        conn = uow.conn
        kpi = repo.get_kpi(conn, workspace.id, proposal.kpi_id)
        require(
            caller,
            conn,
            workspace,
            f"start an OKR from {kpi.name!r}",
            lambda actor, tree: permissions.can_create_objective(
                actor, kpi.owner_unit_id, kpi.owner_id, tree
            ),
        )
        periods = repo.load_periods(conn, workspace.id)
        period = (
            next((p for p in periods if p.id == period_id), None)
            if period_id is not None
            else current_period(periods, today)
        )
        if period is None:
            raise NotFound("no such period" if period_id else "no open period contains today")
        if period.state is PeriodState.CLOSED:
            raise Conflict(f"period {period.name} is closed")
        position = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.objective)
            .where(t.objective.c.period_id == period.id)
        ).scalar_one()
        objective = {
            "period_id": period.id,
            "title": proposal.objective_title,
            "description": f"Proposed from the KPI {kpi.name!r}, which is off target.",
            "owner_unit_id": kpi.owner_unit_id,
            "owner_id": kpi.owner_id,
            "type": ObjectiveType.COMMITTED.value,
            "state": ObjectiveState.DRAFT.value,
            "position": position,
        }
        objective_id = insert_audited(conn, caller, workspace, t.objective, now, **objective)
        key_result = {
            "objective_id": objective_id,
            "title": proposal.key_result_title,
            "kind": KeyResultKind.METRIC.value,
            "unit_label": proposal.unit_label,
            "start_value": proposal.start_value,
            "target_value": proposal.target_value,
            "weight": 1.0,
            "owner_id": kpi.owner_id,
            "kpi_id": kpi.id,
            "position": 0,
        }
        insert_audited(conn, caller, workspace, t.key_result, now, **key_result)
    return objective_id
