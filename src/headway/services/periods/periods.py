"""Periods: planning them, their retrospective notes, and closing one with its grades.

A closed period is read-only except for its retrospective notes (docs/concepts.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from headway.domain import validation
from headway.domain.errors import Conflict, FieldProblem, ValidationFailed
from headway.domain.evaluation import evaluate
from headway.domain.model import (
    Grade,
    Period,
    PeriodKind,
    PeriodState,
    StatusThresholds,
    Workspace,
)
from headway.domain.periods import today_in
from headway.domain.scoring import fell_short_of_type, grade_band
from headway.domain.webhooks import WebhookEvent, period_closed_text
from headway.services.access.actors import Caller, admins_only, audit, insert_audited, require
from headway.services.webhooks import outbox
from headway.store import grades as grade_store
from headway.store import okrs as okr_store
from headway.store import periods as period_store
from headway.store import workspaces as workspace_store
from headway.store.rows import update_row
from headway.store.uow import Connection, UnitOfWork

RETRO_FIELDS = period_store.RETRO_NOTES
PLAN_FIELDS = ("name", "kind", "start_date", "end_date", "state")


@dataclass(slots=True)
class PeriodRecord:
    """A period with its retrospective notes, and its grades once it is closed."""

    period: Period
    retro: dict[str, str]
    grades: list[Grade] | None = field(default=None)


def _record(stored: period_store.PeriodWithNotes) -> PeriodRecord:
    period, notes = stored
    return PeriodRecord(period=period, retro=notes)


def _row(conn: Connection, workspace: Workspace, period_id: int) -> PeriodRecord:
    return _record(period_store.period_with_notes(conn, workspace.id, period_id))


def _grades(conn: Connection, period_id: int) -> list[Grade]:
    grades = []
    for r in grade_store.grades_of_period(conn, period_id):
        short = None
        if r.objective_id is not None and r.score is not None and r.objective_type is not None:
            short = fell_short_of_type(r.objective_type, r.score)
        grades.append(Grade(r.objective_id, r.key_result_id, r.score, r.band, short))
    return grades


def list_periods(
    uow: UnitOfWork, workspace: Workspace, *, after_id: int, limit: int
) -> list[PeriodRecord]:
    """Up to `limit` + 1 periods with ids above `after_id`, by id (without their grades)."""
    with uow.reading():
        stored = period_store.periods_page(uow.conn, workspace.id, after_id=after_id, limit=limit)
    return [_record(s) for s in stored]


def get_period(uow: UnitOfWork, workspace: Workspace, period_id: int) -> PeriodRecord:
    """A period with its notes, and its grades when it is closed."""
    with uow.reading():
        record = _row(uow.conn, workspace, period_id)
        if record.period.state is PeriodState.CLOSED:
            record.grades = _grades(uow.conn, period_id)
    return record


def _retro_problems(retro: Mapping[str, Any]) -> list[FieldProblem]:
    return [p for name, text in retro.items() for p in validation.validate_note(name, text or "")]


def _name_taken(conn: Connection, workspace: Workspace, name: str, period_id: int) -> None:
    if period_store.period_name_taken(conn, workspace.id, name, other_than=period_id):
        raise Conflict(f"a period named {name!r} already exists", field="name")


def _closing_by_patch(state: object) -> list[FieldProblem]:
    if state == PeriodState.CLOSED.value:
        return [FieldProblem("state", "a period is closed with POST /periods/{id}/close")]
    return []


def create_period(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    name: str,
    kind: PeriodKind,
    start_date: date,
    end_date: date,
    state: PeriodState = PeriodState.PLANNING,
    retro: Mapping[str, str | None] | None = None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> PeriodRecord:
    """Add a period (admins); its name is unique in the workspace."""
    now = clock()
    notes = {k: (v or "") for k, v in (retro or {}).items()}
    with uow:
        conn = uow.conn
        workspace_store.lock_workspace(conn, workspace.id)  # period names stay unique
        require(caller, conn, workspace, "plan periods", admins_only)
        problems = validation.validate_period_name(name) + validation.validate_period(
            start_date, end_date, kind=kind, fiscal_start_month=workspace.fiscal_year_start_month
        )
        problems += _closing_by_patch(state.value) + _retro_problems(notes)
        if problems:
            raise ValidationFailed(problems)
        _name_taken(conn, workspace, name.strip(), 0)
        values = {
            "name": name.strip(),
            "kind": kind.value,
            "start_date": start_date,
            "end_date": end_date,
            "state": state.value,
            **notes,
        }
        period_id = insert_audited(conn, caller, workspace, "period", now, **values)
        return _row(conn, workspace, period_id)


def _date_problems(
    changes: Mapping[str, Any], period: Period, workspace: Workspace
) -> list[FieldProblem]:
    start = changes.get("start_date", period.start_date)
    end = changes.get("end_date", period.end_date)
    problems = validation.validate_period(
        start,
        end,
        kind=changes.get("kind", period.kind),
        fiscal_start_month=workspace.fiscal_year_start_month,
    )
    # Name the field that moved: an end now before a new start is the start's problem.
    return [
        FieldProblem("start_date", f"must be on or before end_date ({end.isoformat()})")
        if p.field == "end_date" and "end_date" not in changes
        else p
        for p in problems
    ]


def _due_date_problems(
    conn: Connection, changes: Mapping[str, Any], period: Period
) -> list[FieldProblem]:
    """New dates must keep every key result's due date inside the period: name each one."""
    start = changes.get("start_date", period.start_date)
    end = changes.get("end_date", period.end_date)
    due = okr_store.key_results_with_due_dates(conn, period_id=period.id)
    return validation.due_dates_outside(due, start, end)


def update_period(
    uow: UnitOfWork,
    workspace: Workspace,
    period_id: int,
    changes: Mapping[str, Any],
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> PeriodRecord:
    """Rename, re-date or change the state of a period, or write its notes (admins).

    Once closed, only the retrospective notes change: any other field that would change is
    a conflict (sending a field's current value is harmless). A null note clears it.
    """
    now = clock()
    with uow:
        conn = uow.conn
        workspace_store.lock_workspace(conn, workspace.id)  # period names stay unique
        record = _row(conn, workspace, period_id)
        period = record.period
        require(caller, conn, workspace, "plan periods", admins_only)
        before = {**_plan(period), **record.retro}
        if period.state is PeriodState.CLOSED:
            changing = [f for f in PLAN_FIELDS if f in changes and _differs(changes[f], before[f])]
            if changing:
                raise Conflict(
                    f"period {period.name} is closed: only its retrospective notes may change "
                    f"(not {', '.join(changing)})"
                )
        problems = [
            FieldProblem(f, "must not be null")
            for f in PLAN_FIELDS
            if f in changes and changes[f] is None
        ]
        if problems:
            raise ValidationFailed(problems)
        if "name" in changes:
            problems += validation.validate_period_name(changes["name"])
        if {"start_date", "end_date", "kind"} & changes.keys():
            problems += _date_problems(changes, period, workspace)
            problems += _due_date_problems(conn, changes, period) if not problems else []
        if period.state is not PeriodState.CLOSED:
            problems += _closing_by_patch(changes.get("state"))
        notes = {f: changes[f] or "" for f in RETRO_FIELDS if f in changes}
        problems += _retro_problems(notes)
        if problems:
            raise ValidationFailed(problems)
        values: dict[str, Any] = {f: changes[f] for f in PLAN_FIELDS if f in changes}
        if "name" in values:
            values["name"] = values["name"].strip()
            _name_taken(conn, workspace, values["name"], period.id)
        values |= notes
        update_row(conn, "period", period.id, now, **values)
        updated = _row(conn, workspace, period.id)
        after = {**_plan(updated.period), **updated.retro}
        audit(
            conn, caller, workspace, "update", "period", period.id, now, before=before, after=after
        )
        if updated.period.state is PeriodState.CLOSED:
            updated.grades = _grades(conn, period.id)
    return updated


def _differs(new: object, old: object) -> bool:
    return (new.strip() if isinstance(new, str) else new) != old


def _plan(period: Period) -> dict[str, Any]:
    return {
        "name": period.name,
        "kind": period.kind.value,
        "start_date": period.start_date,
        "end_date": period.end_date,
        "state": period.state.value,
    }


def close_period(
    uow: UnitOfWork,
    workspace: Workspace,
    period_id: int,
    *,
    retro: Mapping[str, str | None] | None = None,
    thresholds: StatusThresholds,
    caller: Caller,
    clock: Callable[[], datetime],
) -> PeriodRecord:
    """Grade every objective and key result of the period and close it and its objectives,
    drafts apart: they get no grade and stay drafts.

    The grades are the final figures as of the period's end (or today, if it ends later),
    computed by the same domain pass as every report, in the same transaction as the writes.
    """
    now = clock()
    notes = {k: (v or "") for k, v in (retro or {}).items()}
    with uow:
        conn = uow.conn
        workspace_store.lock_workspace(conn, workspace.id)  # a period closes once
        period = _row(conn, workspace, period_id).period
        require(caller, conn, workspace, "close periods", admins_only)
        if period.state is PeriodState.CLOSED:
            raise Conflict(f"period {period.name} is already closed")
        problems = _retro_problems(notes)
        if problems:
            raise ValidationFailed(problems)
        as_of = min(period.end_date, today_in(workspace, clock))
        data = period_store.load_period_data(conn, workspace, period, as_of=as_of)
        figures = evaluate(data, as_of, thresholds)
        # Only the request that moves the state gets to write grades; a concurrent second
        # close finds no row left to update.
        if not period_store.mark_period_closed(conn, period.id, now, notes):
            raise Conflict(f"period {period.name} is already closed")
        # Drafts count nowhere but on their own page: no grade, and they stay drafts (closed,
        # one would count as an adopted objective in the period's figures ever after).
        objectives = [o for o in data.objectives if o.period_id == period.id and not o.is_draft]
        mine = {o.id for o in objectives}
        rows: list[dict[str, Any]] = []
        for o in objectives:
            score = figures.objectives[o.id].score
            rows.append({"objective_id": o.id, "key_result_id": None, "score": score})
            for kr in data.key_results:
                if kr.objective_id == o.id:
                    kr_score = figures.key_results[kr.id].score
                    rows.append({"objective_id": None, "key_result_id": kr.id, "score": kr_score})
        for r in rows:
            r["band"] = None if r["score"] is None else grade_band(r["score"]).value
        grade_store.add_grades(conn, workspace.id, period.id, rows, now)
        okr_store.close_objectives(conn, mine, now)
        after = {
            "state": PeriodState.CLOSED.value,
            "as_of": as_of.isoformat(),
            "objectives_closed": sorted(mine),
            "grades": [r for r in rows if r["objective_id"] is not None],
            **notes,
        }
        audit(
            conn,
            caller,
            workspace,
            "close",
            "period",
            period.id,
            now,
            before={"state": period.state.value},
            after=after,
        )
        outbox.emit(
            conn,
            workspace,
            WebhookEvent.PERIOD_CLOSED,
            data={
                "period_id": period.id,
                "period": period.name,
                "as_of": as_of.isoformat(),
                "objectives_closed": sorted(mine),
                "grades": [r for r in rows if r["objective_id"] is not None],
                "by": caller.label,
            },
            text=period_closed_text(period.name, len(mine)),
            now=now,
        )
        record = _row(conn, workspace, period.id)
        record.grades = _grades(conn, period.id)
    return record
