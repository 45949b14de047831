"""Recording check-ins on key results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from headway.domain import permissions, validation
from headway.domain.errors import Conflict, NotFound, ValidationFailed
from headway.domain.model import CheckIn, PeriodState, Workspace
from headway.domain.periods import today_in
from headway.domain.webhooks import WebhookEvent, check_in_text
from headway.services.access.actors import Caller, insert_audited, require
from headway.services.webhooks import outbox
from headway.store import okrs as okr_store
from headway.store.uow import UnitOfWork


def record_check_in(
    uow: UnitOfWork,
    workspace: Workspace,
    key_result_id: int,
    *,
    value: float,
    confidence: int | None = None,
    note: str = "",
    effective_date: date | None = None,
    objective_id: int | None = None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> int:
    """Append a check-in to a key result of an open period; the new check-in's id.

    With `objective_id`, the key result must be one of that objective's (NotFound otherwise):
    a page names both.
    """
    now = clock()
    today = today_in(workspace, clock)
    day = effective_date or today
    with uow:
        conn = uow.conn
        found = okr_store.key_result_with_objective(conn, workspace.id, key_result_id)
        if found is None or objective_id not in (None, found[0].objective_id):
            raise NotFound(f"key result {key_result_id} does not exist")
        kr, objective, period_state = found
        require(
            caller,
            conn,
            workspace,
            "check in on this key result",
            lambda actor, tree: permissions.can_check_in(actor, kr, objective, tree),
            units=[objective.owner_unit_id],
        )
        problems = validation.validate_check_in(
            kr.kind, value, confidence, day, today, kpi_linked=kr.kpi_id is not None
        )
        problems += validation.validate_note("note", note)
        if problems:
            raise ValidationFailed(problems)
        if period_state is PeriodState.CLOSED:
            raise Conflict("the period is closed: its key results take no more check-ins")
        values = {
            "key_result_id": kr.id,
            "value": float(value),
            "confidence": confidence,
            "note": note,
            "author_id": caller.person_id,
            "effective_date": day,
        }
        check_in_id = insert_audited(
            conn, caller, workspace, "check_in", now, created_at=now, **values
        )
        outbox.emit(
            conn,
            workspace,
            WebhookEvent.CHECKIN_CREATED,
            data={
                "check_in_id": check_in_id,
                "objective_id": objective.id,
                "objective": objective.title,
                "key_result_id": kr.id,
                "key_result": kr.title,
                "value": float(value),
                "unit_label": kr.unit_label,
                "confidence": confidence,
                "note": note,
                "effective_date": day.isoformat(),
                "by": caller.label,
            },
            text=check_in_text(kr.title, float(value), kr.unit_label, confidence, caller.label),
            now=now,
        )
    return check_in_id


def list_check_ins(
    uow: UnitOfWork, workspace: Workspace, key_result_id: int, *, after_id: int, limit: int
) -> list[CheckIn]:
    """Up to `limit` + 1 check-ins of a key result with ids above `after_id`: recording order."""
    with uow.reading():
        conn = uow.conn
        kr = okr_store.get_key_result(conn, workspace.id, key_result_id)
        return okr_store.check_ins_page(conn, workspace.id, kr.id, after_id=after_id, limit=limit)


def get_check_in(uow: UnitOfWork, workspace: Workspace, check_in_id: int) -> CheckIn:
    with uow.reading():
        return okr_store.get_check_in(uow.conn, workspace.id, check_in_id)
