"""The read side of OKRs: objectives and key results with the figures the domain computed.

Figures come from `evaluate` over rows loaded set-based for the periods concerned, so a page
of objectives with their key results costs the same few queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from headway.domain.evaluation import evaluate
from headway.domain.model import (
    Figures,
    KeyResult,
    Objective,
    Period,
    PeriodData,
    Status,
    StatusThresholds,
    Workspace,
)
from headway.store import okrs as okr_store
from headway.store import periods as period_store
from headway.store.uow import Connection, UnitOfWork


@dataclass(slots=True)
class ObjectiveRead:
    """An objective, its key results in order, and figures that cover them all."""

    objective: Objective
    key_results: list[KeyResult]
    figures: Figures


@dataclass(slots=True)
class KeyResultRead:
    key_result: KeyResult
    figures: Figures


def _periods(conn: Connection, workspace: Workspace, period_ids: set[int]) -> list[Period]:
    return [p for p in period_store.load_periods(conn, workspace.id) if p.id in period_ids]


def _period_data(conn: Connection, workspace: Workspace, period_id: int, as_of: date) -> PeriodData:
    """One period's rows, as an objective or key result read evaluates them."""
    return period_store.load_periods_data(
        conn, workspace, _periods(conn, workspace, {period_id}), as_of=as_of
    )


def _key_results_of(data: PeriodData) -> dict[int, list[KeyResult]]:
    by_objective: dict[int, list[KeyResult]] = {}
    for kr in data.key_results:  # loaded in each objective's order
        by_objective.setdefault(kr.objective_id, []).append(kr)
    return by_objective


def list_objectives(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    period_id: int | None = None,
    unit_id: int | None = None,
    owner_id: int | None = None,
    status: Status | None = None,
    as_of: date,
    thresholds: StatusThresholds,
    after_id: int,
    limit: int,
) -> list[ObjectiveRead]:
    """Up to `limit` + 1 objectives with ids above `after_id`, by id, matching the filters.

    `status` is a computed figure, so that filter applies after evaluation.
    """
    with uow.reading():
        conn = uow.conn
        candidates = okr_store.objectives_page(
            conn,
            workspace.id,
            period_id=period_id,
            owner_unit_id=unit_id,
            owner_id=owner_id,
            after_id=after_id,
            limit=None if status else limit,
        )
        if not candidates:
            return []
        periods = _periods(conn, workspace, {o.period_id for o in candidates})
        data = period_store.load_periods_data(conn, workspace, periods, as_of=as_of)
    figures = evaluate(data, as_of, thresholds)
    key_results = _key_results_of(data)
    # The period load read each candidate again, with its contributions.
    loaded = {o.id: o for o in data.objectives}
    reads = [ObjectiveRead(loaded[o.id], key_results.get(o.id, []), figures) for o in candidates]
    if status is not None:
        reads = [r for r in reads if figures.objectives[r.objective.id].status == status]
    return reads[: limit + 1]


def get_objective(
    uow: UnitOfWork,
    workspace: Workspace,
    objective_id: int,
    *,
    as_of: date,
    thresholds: StatusThresholds,
) -> ObjectiveRead:
    """One objective with its key results and figures as of a date."""
    with uow.reading():
        conn = uow.conn
        objective = okr_store.get_objective(conn, workspace.id, objective_id)
        data = _period_data(conn, workspace, objective.period_id, as_of)
    figures = evaluate(data, as_of, thresholds)
    return ObjectiveRead(objective, _key_results_of(data).get(objective.id, []), figures)


def get_key_result(
    uow: UnitOfWork,
    workspace: Workspace,
    key_result_id: int,
    *,
    as_of: date,
    thresholds: StatusThresholds,
) -> KeyResultRead:
    """One key result with its figures as of a date."""
    with uow.reading():
        conn = uow.conn
        kr = okr_store.get_key_result(conn, workspace.id, key_result_id)
        objective = okr_store.get_objective(conn, workspace.id, kr.objective_id)
        data = _period_data(conn, workspace, objective.period_id, as_of)
    return KeyResultRead(kr, evaluate(data, as_of, thresholds))
