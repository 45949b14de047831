"""An objective as its page shows it: figures, check-in history, initiatives and alignment.

The figures come from the period report (a fixed number of queries whatever the company's
size), made without coaching since the page shows no findings, and with the figures of only
the KPIs key results follow (the page shows no other KPI's); the objective's own
initiatives and its parent take one query each. The initiative forms check what they change
belongs to the objective with one small query each, without computing the period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from headway.domain import permissions, validation
from headway.domain.errors import NotFound
from headway.domain.model import (
    CheckIn,
    Initiative,
    KeyResult,
    KeyResultKind,
    Kpi,
    Objective,
    PeriodState,
    Person,
    StatusThresholds,
    Workspace,
)
from headway.domain.scoring import check_in_order
from headway.services.reads.reports import PeriodReport, period_report
from headway.services.reads.warm_reports import WarmReports
from headway.store import okrs as okr_store
from headway.store.uow import UnitOfWork


@dataclass(slots=True, kw_only=True)
class ObjectiveView:
    report: PeriodReport
    objective: Objective
    key_results: list[KeyResult]
    check_ins: dict[int, list[CheckIn]]  # by key result, newest first, none after "as of"
    initiatives: dict[int | None, list[Initiative]]  # by key result; None: the objective's own
    parent: Objective | None
    parent_key_result: KeyResult | None
    children: list[Objective]  # aligned under the objective or one of its key results
    serves: list[Objective]  # further objectives it contributes to
    serves_key_results: list[KeyResult]  # rollup key results of others it contributes to
    contributors: list[Objective]  # contributing to the objective or one of its key results
    # Drafts aligned under it or contributing to it: proposals, counted nowhere, listed apart.
    proposed: list[Objective]
    link_choices: list[tuple[Objective, list[KeyResult]]]  # what it may contribute to
    kpis: dict[int, Kpi]  # the KPIs its key results follow


@dataclass(frozen=True, slots=True)
class ObjectiveRights:
    """What one person may change on the objective's page (docs/concepts.md, "Who may do what")."""

    write_objective: bool = False
    write_key_results: frozenset[int] = frozenset()
    check_in: frozenset[int] = frozenset()  # key results taking manual check-ins from them
    edit_initiatives: frozenset[int] = frozenset()


def rights_on(view: ObjectiveView, person: Person | None, workspace_id: int) -> ObjectiveRights:
    """The person's rights on the objective, its key results and initiatives; none when the
    period is closed. The services decide again on every write; this only shapes the page."""
    if person is None or view.report.period.state is PeriodState.CLOSED:
        return ObjectiveRights()
    actor = permissions.Actor.of(person, workspace_id)
    tree = permissions.UnitTree(view.report.data.units.values(), workspace_id=workspace_id)
    objective = view.objective
    by_id = {kr.id: kr for kr in view.key_results}
    write = {
        kr.id
        for kr in view.key_results
        if permissions.can_write_key_result(actor, kr, objective, tree)
    }
    check_in = {
        kr.id
        for kr in view.key_results
        if validation.takes_check_ins(kr.kind, kpi_linked=kr.kpi_id is not None)
        and permissions.can_check_in(actor, kr, objective, tree)
    }
    initiatives = {
        i.id
        for items in view.initiatives.values()
        for i in items
        if permissions.can_write_initiative(
            actor, i, by_id.get(i.key_result_id or 0), objective, tree
        )
    }
    return ObjectiveRights(
        write_objective=permissions.can_write_objective(actor, objective, tree),
        write_key_results=frozenset(write),
        check_in=frozenset(check_in),
        edit_initiatives=frozenset(initiatives),
    )


def objective_view(
    uow: UnitOfWork,
    workspace: Workspace,
    objective_id: int,
    *,
    as_of: date | None,
    thresholds: StatusThresholds,
    clock: Callable[[], datetime],
    warm: WarmReports | None = None,
) -> ObjectiveView:
    """Everything the objective's page shows, figures as of a date."""
    with uow.reading():
        conn = uow.conn
        objective = okr_store.get_objective(conn, workspace.id, objective_id)
        initiatives = okr_store.load_initiatives_of_objective(conn, workspace.id, objective.id)
        parent_kr = None
        parent_id = objective.parent_id
        if objective.parent_key_result_id is not None:
            parent_kr = okr_store.get_key_result(conn, workspace.id, objective.parent_key_result_id)
            parent_id = parent_kr.objective_id
        parent = okr_store.get_objective(conn, workspace.id, parent_id) if parent_id else None
    report = period_report(
        uow,
        workspace,
        period_id=objective.period_id,
        as_of=as_of,
        thresholds=thresholds,
        clock=clock,
        complete=False,
        warm=warm,
    )
    data = report.data
    key_results = [kr for kr in data.key_results if kr.objective_id == objective.id]
    kr_ids = {kr.id for kr in key_results}
    check_ins: dict[int, list[CheckIn]] = {kr.id: [] for kr in key_results}
    # Its own key results' check-ins only, then sorted (sorting the period's was most of the cost).
    own = [
        c for c in data.check_ins if c.key_result_id in kr_ids and c.effective_date <= report.as_of
    ]
    for c in sorted(own, key=check_in_order, reverse=True):
        check_ins[c.key_result_id].append(c)
    by_kr: dict[int | None, list[Initiative]] = {}
    for initiative in initiatives:
        by_kr.setdefault(initiative.key_result_id, []).append(initiative)
    aligned = [
        o
        for o in data.objectives
        if o.parent_id == objective.id or o.parent_key_result_id in kr_ids
    ]
    by_id = {o.id: o for o in data.objectives}
    krs_by_id = {kr.id: kr for kr in data.key_results}
    contributing = [
        o
        for o in data.objectives
        if o.id != objective.id
        and (objective.id in o.contributes_to or kr_ids & set(o.contributes_to_key_results))
    ]
    # A draft is no child or contributor of anything (docs/formulas.md): it goes apart.
    proposed = {o.id: o for o in [*aligned, *contributing] if o.is_draft}
    linked = {kr.kpi_id for kr in key_results if kr.kpi_id is not None}
    return ObjectiveView(
        report=report,
        objective=objective,
        key_results=key_results,
        check_ins=check_ins,
        initiatives=by_kr,
        parent=parent,
        parent_key_result=parent_kr,
        children=[o for o in aligned if not o.is_draft],
        serves=[by_id[i] for i in objective.contributes_to if i in by_id],
        serves_key_results=[
            krs_by_id[i] for i in objective.contributes_to_key_results if i in krs_by_id
        ],
        contributors=[o for o in contributing if not o.is_draft],
        proposed=list(proposed.values()),
        link_choices=link_choices(objective, data.objectives, data.key_results),
        kpis={k.id: k for k in data.kpis if k.id in linked},
    )


def link_choices(
    objective: Objective | None, objectives: Sequence[Objective], key_results: Sequence[KeyResult]
) -> list[tuple[Objective, list[KeyResult]]]:
    """What an objective (None: a new one) may contribute to, as a form offers it: the other
    objectives of its period, each with its rollup key results (docs/concepts.md)."""
    rollups: dict[int, list[KeyResult]] = {}
    for kr in key_results:
        if kr.kind is KeyResultKind.ROLLUP:
            rollups.setdefault(kr.objective_id, []).append(kr)
    return [
        (o, rollups.get(o.id, []))
        for o in objectives
        if objective is None or (o.id != objective.id and o.period_id == objective.period_id)
    ]


def check_key_result_of(
    uow: UnitOfWork, workspace: Workspace, objective_id: int, kr_id: int
) -> KeyResult:
    """The key result, or NotFound unless it exists in the workspace and belongs to the
    objective (one query: the forms check what they change without computing the period)."""
    with uow.reading():
        kr = okr_store.get_key_result(uow.conn, workspace.id, kr_id)
    if kr.objective_id != objective_id:
        raise NotFound(f"key result {kr_id} is not part of objective {objective_id}")
    return kr


def check_initiative_of(
    uow: UnitOfWork, workspace: Workspace, objective_id: int, initiative_id: int
) -> None:
    """NotFound unless the initiative belongs to the objective (itself or one of its key
    results) in the workspace."""
    with uow.reading():
        objective = okr_store.get_objective(uow.conn, workspace.id, objective_id)
        initiatives = okr_store.load_initiatives_of_objective(uow.conn, workspace.id, objective.id)
    if not any(i.id == initiative_id for i in initiatives):
        raise NotFound(f"initiative {initiative_id} is not part of objective {objective_id}")
