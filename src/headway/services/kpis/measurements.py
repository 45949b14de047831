"""KPI measurements: listed, recorded one at a time, or in a batch that replaces what it covers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from headway.domain import permissions, validation
from headway.domain.errors import FieldProblem, ValidationFailed
from headway.domain.model import Kpi, KpiSource, Measurement, Workspace
from headway.domain.periods import today_in
from headway.domain.webhooks import WebhookEvent, measurement_text
from headway.services.access.actors import Caller, require, require_ingest
from headway.services.webhooks import outbox
from headway.store import kpis as kpi_store
from headway.store.audit import AuditRow, add_audit_events
from headway.store.rows import insert_rows
from headway.store.uow import Connection, UnitOfWork

MAX_BATCH = 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasurementInput:
    """One measurement to record; `at` defaults to today in the workspace."""

    value: float
    at: date | None = None
    note: str = ""
    source: KpiSource = KpiSource.MANUAL


@dataclass(slots=True, kw_only=True)
class MeasurementBatch:
    """What a batch did: the measurements it added, and how many it replaced."""

    created: list[Measurement]
    removed: int


def list_measurements(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    since: date | None = None,
    until: date | None = None,
    after_id: int,
    limit: int,
    caller: Caller,
) -> list[Measurement]:
    """Up to `limit` + 1 of a KPI's measurements (dated since..until, inclusive), by id."""
    if since is not None and until is not None and until < since:
        raise ValidationFailed([FieldProblem("to", f"must be on or after from ({since})")])
    with uow.reading():
        conn = uow.conn
        kpi = kpi_store.get_kpi(conn, workspace.id, kpi_id)
        require_ingest(caller, kpi.id, f"read the measurements of {kpi.name!r}")
        return kpi_store.measurements_page(
            conn, workspace.id, kpi.id, since=since, until=until, after_id=after_id, limit=limit
        )


def measurement_problems(item: MeasurementInput, kpi: Kpi, today: date) -> list[FieldProblem]:
    """What is wrong with one measurement of `kpi` to record: its value, date and note."""
    problems = validation.validate_measurement_value(item.value, kpi.min_value, kpi.max_value)
    problems += validation.validate_note("note", item.note)
    if item.at is not None:
        problems += validation.validate_past_day("at", item.at, today)
    return problems


def _item_problems(
    items: Sequence[MeasurementInput], kpi: Kpi, today: date, *, indexed: bool
) -> list[FieldProblem]:
    def at(i: int, name: str) -> str:
        return f"[{i}].{name}" if indexed else name

    problems: list[FieldProblem] = []
    if not items:
        problems.append(FieldProblem("body", "must hold at least one measurement"))
    if len(items) > MAX_BATCH:
        problems.append(FieldProblem("body", f"must hold at most {MAX_BATCH} measurements"))
    for i, item in enumerate(items):
        own = measurement_problems(item, kpi, today)
        problems += [FieldProblem(at(i, p.field), p.message) for p in own]
    return problems


def _remove_covered(
    conn: Connection,
    caller: Caller,
    workspace: Workspace,
    kpi: Kpi,
    covered: set[tuple[str, date]],
    now: datetime,
) -> int:
    """Delete the KPI's measurements of the (source, date) pairs a batch covers; how many."""
    days = {day for _, day in covered}
    on_days = kpi_store.measurements_on(conn, kpi.id, days)
    doomed = [m for m in on_days if (m.source.value, m.at) in covered]
    kpi_store.delete_measurements(conn, [m.id for m in doomed])
    befores = [
        (m.id, {"kpi_id": kpi.id, "at": m.at, "value": m.value, "source": m.source.value}, None)
        for m in doomed
    ]
    _audit_all(conn, caller, workspace, "delete", now, befores)
    return len(doomed)


def _audit_all(
    conn: Connection,
    caller: Caller,
    workspace: Workspace,
    action: str,
    now: datetime,
    changes: Sequence[tuple[int, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> None:
    """Record what the caller did to many measurements, (id, before, after) each, in bulk:
    the events `audit` would record one by one."""
    add_audit_events(
        conn,
        [
            AuditRow(
                workspace_id=workspace.id,
                actor_id=caller.person_id,
                actor_label=caller.label,
                action=action,
                subject_type="measurement",
                subject_id=row_id,
                at=now,
                before=before,
                after=after,
            )
            for row_id, before, after in changes
        ],
    )


def record_measurements(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    items: Sequence[MeasurementInput],
    *,
    replace: bool = False,
    indexed: bool = True,
    caller: Caller,
    clock: Callable[[], datetime],
) -> MeasurementBatch:
    """Record measurements all-or-nothing, in the order given (the later counts as recorded last).

    With `replace`, the batch first removes the KPI's measurements of the same source on
    the dates it covers, so recording the same batch twice changes nothing. Problems name
    `[i].field` when `indexed` (a list was sent), else just the field.
    """
    now = clock()
    today = today_in(workspace, clock)
    with uow:
        conn = uow.conn
        # Locked: two recordings for one KPI replace what they cover one after the other.
        kpi = kpi_store.get_kpi(conn, workspace.id, kpi_id, for_update=True)
        require_recording(caller, conn, workspace, kpi)
        problems = _item_problems(items, kpi, today, indexed=indexed)
        if problems:
            raise ValidationFailed(problems)
        return store_batch(
            conn, caller, workspace, kpi, items, replace=replace, now=now, today=today
        )


def require_recording(caller: Caller, conn: Connection, workspace: Workspace, kpi: Kpi) -> None:
    """PermissionDenied unless the caller may record measurements of this KPI: a person by
    their role, an ingest token when it is this KPI's."""
    what = f"record measurements of {kpi.name!r}"
    if caller.is_ingest_token:
        require_ingest(caller, kpi.id, what)
        return
    require(
        caller,
        conn,
        workspace,
        what,
        lambda actor, tree: permissions.can_record_measurement(actor, kpi, tree),
        units=[kpi.owner_unit_id],
    )


def store_batch(
    conn: Connection,
    caller: Caller,
    workspace: Workspace,
    kpi: Kpi,
    items: Sequence[MeasurementInput],
    *,
    replace: bool,
    now: datetime,
    today: date,
) -> MeasurementBatch:
    """Store validated measurements of one KPI in the open transaction, in the order given.

    With `replace`, first remove the KPI's measurements of the same source on the dates
    the batch covers.
    """
    removed = 0
    if replace:
        covered = {(item.source.value, item.at or today) for item in items}
        removed = _remove_covered(conn, caller, workspace, kpi, covered, now)
    created = [
        Measurement(
            id=0,
            kpi_id=kpi.id,
            at=item.at or today,
            value=float(item.value),
            recorded_at=now,
            source=item.source,
            note=item.note,
            recorded_by=caller.person_id,
        )
        for item in items
    ]
    rows = [  # the audit event's `after`, in the order it has always named them
        {
            "recorded_at": now,
            "kpi_id": kpi.id,
            "at": m.at,
            "value": m.value,
            "source": m.source.value,
            "note": m.note,
            "recorded_by": m.recorded_by,
        }
        for m in created
    ]
    ids = insert_rows(conn, "measurement", now, [{"workspace_id": workspace.id, **r} for r in rows])
    for measurement, measurement_id in zip(created, ids, strict=True):
        measurement.id = measurement_id
    _audit_all(
        conn,
        caller,
        workspace,
        "create",
        now,
        [(i, None, r) for i, r in zip(ids, rows, strict=True)],
    )
    if created:  # one event per batch recorded
        latest = created[-1]
        outbox.emit(
            conn,
            workspace,
            WebhookEvent.MEASUREMENT_CREATED,
            data={
                "kpi_id": kpi.id,
                "kpi": kpi.name,
                "unit_label": kpi.unit_label,
                "measurements": [
                    {"id": m.id, "at": m.at.isoformat(), "value": m.value, "note": m.note}
                    for m in created
                ],
                "replaced": removed,
                "by": caller.label,
            },
            text=measurement_text(
                kpi.name, len(created), latest.value, kpi.unit_label, latest.at.isoformat()
            ),
            now=now,
        )
    return MeasurementBatch(created=created, removed=removed)


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
    item = MeasurementInput(value=value, at=at, note=note, source=source)
    batch = record_measurements(
        uow, workspace, kpi_id, [item], indexed=False, caller=caller, clock=clock
    )
    return batch.created[0].id
