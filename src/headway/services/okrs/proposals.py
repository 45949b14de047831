"""A KPI off target proposes an OKR (docs/formulas.md): the draft, and storing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from headway.domain import permissions, validation
from headway.domain.errors import Conflict, FieldProblem, ValidationFailed
from headway.domain.evaluation import evaluate
from headway.domain.kpi import OkrProposal, kpi_figures, propose_okr
from headway.domain.model import (
    Figures,
    KeyResult,
    KeyResultKind,
    Kpi,
    Objective,
    ObjectiveState,
    ObjectiveType,
    Period,
    PeriodData,
    PeriodState,
    StatusThresholds,
    Workspace,
)
from headway.domain.periods import current_period, today_in
from headway.services.access.actors import Caller, insert_audited, require
from headway.store import kpis as kpi_store
from headway.store import okrs as okr_store
from headway.store import periods as period_store
from headway.store.uow import Connection, UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectiveDraft:
    """The objective and its one key result a proposal would store (nothing stored yet).

    `objective` and `key_result` hold the fields as the API writes them; `period_id` is
    the period it would go into (the requested one, else the current one, else None).
    """

    proposal: OkrProposal
    period_id: int | None
    objective: dict[str, Any]
    key_result: dict[str, Any]


@dataclass(slots=True, kw_only=True)
class StoredObjective:
    """An objective just stored from a proposal, with its figures."""

    objective: Objective
    key_results: list[KeyResult]
    figures: Figures


def _proposal(conn: Connection, workspace: Workspace, kpi: Kpi, day: date) -> OkrProposal:
    measurements = kpi_store.load_measurements_of(conn, workspace.id, [kpi.id], until=day)
    figures = kpi_figures(kpi, measurements, workspace.fiscal_year_start_month, day)
    return propose_okr(kpi, figures)


def _rows(kpi: Kpi, proposal: OkrProposal) -> tuple[dict[str, Any], dict[str, Any]]:
    """The objective's and the key result's fields, owned like the KPI, linked to it."""
    objective = {
        "title": proposal.objective_title,
        "description": f"Proposed from the KPI {kpi.name!r}, which is off target.",
        "owner_unit_id": kpi.owner_unit_id,
        "owner_id": kpi.owner_id,
        "type": ObjectiveType.COMMITTED.value,
        "state": ObjectiveState.DRAFT.value,
    }
    key_result = {
        "title": proposal.key_result_title,
        "kind": KeyResultKind.METRIC.value,
        "unit_label": proposal.unit_label,
        "start_value": proposal.start_value,
        "target_value": proposal.target_value,
        "weight": 1.0,
        "owner_id": kpi.owner_id,
        "kpi_id": kpi.id,
    }
    return objective, key_result


def _period(periods: list[Period], period_id: int | None, today: date) -> Period | None:
    """The requested period (422 when it is not in the workspace), else the current one."""
    if period_id is None:
        return current_period(periods, today)
    for p in periods:
        if p.id == period_id:
            return p
    raise ValidationFailed([FieldProblem("period_id", f"period {period_id} does not exist")])


def propose_okr_from_kpi(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    as_of: date | None = None,
    clock: Callable[[], datetime],
) -> OkrProposal:
    """The draft objective docs/formulas.md proposes for a KPI off target (nothing is stored)."""
    day = as_of or today_in(workspace, clock)
    with uow.reading():
        kpi = kpi_store.get_kpi(uow.conn, workspace.id, kpi_id)
        return _proposal(uow.conn, workspace, kpi, day)


def draft_okr_from_kpi(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    period_id: int | None = None,
    as_of: date | None = None,
    clock: Callable[[], datetime],
) -> ObjectiveDraft:
    """The objective a KPI off target proposes, as the API would write it; nothing stored."""
    today = today_in(workspace, clock)
    with uow.reading():
        conn = uow.conn
        kpi = kpi_store.get_kpi(conn, workspace.id, kpi_id)
        proposal = _proposal(conn, workspace, kpi, as_of or today)
        period = _period(period_store.load_periods(conn, workspace.id), period_id, today)
    objective, key_result = _rows(kpi, proposal)
    return ObjectiveDraft(
        proposal=proposal,
        period_id=period.id if period else None,
        objective=objective,
        key_result=key_result,
    )


def _require_okr_rights(conn: Connection, workspace: Workspace, kpi: Kpi, caller: Caller) -> None:
    """Storing a proposal creates an objective for the KPI's unit and owner."""
    require(
        caller,
        conn,
        workspace,
        f"start an OKR from {kpi.name!r}",
        lambda actor, tree: permissions.can_create_objective(
            actor, kpi.owner_unit_id, kpi.owner_id, tree
        ),
        units=[kpi.owner_unit_id],
    )


def _store(
    conn: Connection,
    workspace: Workspace,
    kpi: Kpi,
    proposal: OkrProposal,
    period_id: int | None,
    today: date,
    caller: Caller,
    now: datetime,
) -> tuple[Objective, KeyResult, Period]:
    # A proposal may have been edited before it is stored: check it as any new OKR is.
    problems = validation.validate_title("objective_title", proposal.objective_title)
    problems += validation.validate_title("key_result_title", proposal.key_result_title)
    problems += validation.validate_key_result(
        KeyResultKind.METRIC, proposal.start_value, proposal.target_value, 1.0, kpi_linked=True
    )
    if problems:
        raise ValidationFailed(problems)
    period = _period(period_store.load_periods(conn, workspace.id), period_id, today)
    if period is None:
        raise ValidationFailed(
            [FieldProblem("period_id", f"is required: no open period contains {today}")]
        )
    if period.state is PeriodState.CLOSED:
        raise Conflict(f"period {period.name} is closed")
    position = okr_store.next_objective_position(conn, period.id)
    objective_values, kr_values = _rows(kpi, proposal)
    objective_values |= {"period_id": period.id, "position": position}
    objective_id = insert_audited(conn, caller, workspace, "objective", now, **objective_values)
    kr_values |= {"objective_id": objective_id, "position": 0}
    kr_id = insert_audited(conn, caller, workspace, "key_result", now, **kr_values)
    objective = Objective(
        id=objective_id,
        title=objective_values["title"],
        period_id=period.id,
        type=ObjectiveType.COMMITTED,
        state=ObjectiveState.DRAFT,
        description=objective_values["description"],
        owner_unit_id=kpi.owner_unit_id,
        owner_id=kpi.owner_id,
        position=position,
    )
    key_result = KeyResult(
        id=kr_id,
        objective_id=objective_id,
        title=proposal.key_result_title,
        kind=KeyResultKind.METRIC,
        unit_label=proposal.unit_label,
        start_value=proposal.start_value,
        target_value=proposal.target_value,
        weight=1.0,
        owner_id=kpi.owner_id,
        kpi_id=kpi.id,
    )
    return objective, key_result, period


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
    with uow:
        kpi = kpi_store.get_kpi(uow.conn, workspace.id, proposal.kpi_id)
        _require_okr_rights(uow.conn, workspace, kpi, caller)
        today = today_in(workspace, clock)
        objective, _, _ = _store(uow.conn, workspace, kpi, proposal, period_id, today, caller, now)
    return objective.id


def create_okr_from_kpi(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    period_id: int | None = None,
    as_of: date | None = None,
    thresholds: StatusThresholds,
    caller: Caller,
    clock: Callable[[], datetime],
) -> StoredObjective:
    """Propose an OKR from a KPI off target and store it as a draft objective, in one go."""
    now = clock()
    today = today_in(workspace, clock)
    day = as_of or today
    with uow:
        conn = uow.conn
        kpi = kpi_store.get_kpi(conn, workspace.id, kpi_id)
        _require_okr_rights(conn, workspace, kpi, caller)
        proposal = _proposal(conn, workspace, kpi, day)
        objective, key_result, period = _store(
            conn, workspace, kpi, proposal, period_id, today, caller, now
        )
        measurements = kpi_store.load_measurements_of(conn, workspace.id, [kpi.id], until=day)
    data = PeriodData(
        fiscal_year_start_month=workspace.fiscal_year_start_month,
        periods={period.id: period},
        objectives=[objective],
        key_results=[key_result],
        check_ins=[],
        kpis=[kpi],
        measurements=measurements,
    )
    return StoredObjective(
        objective=objective, key_results=[key_result], figures=evaluate(data, day, thresholds)
    )
