"""Bulk writes: an import, a measurement batch and a spreadsheet of measurements cost a number
of SQL statements that does not grow with their rows (on SQLite and on PostgreSQL).

Counted, not timed: every statement the engine sends is seen by a `before_cursor_execute`
listener on the real engine. Writing one row at a time again would make the larger case send
more statements than the smaller one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sent_statements import statements

from fixed_time import NOW, clock
from headway.connectors.sheets import sheet_from_bytes
from headway.domain.model import Workspace
from headway.services.access.actors import Caller
from headway.services.documents.exports import export_workspace
from headway.services.documents.imports import import_workspace
from headway.services.kpis.measurement_import import import_measurements
from headway.services.kpis.measurements import MeasurementInput, record_measurements
from headway.store import people as people_store
from headway.store import tables as t
from headway.store import workspaces as workspace_store
from headway.store.uow import UnitOfWork

START = date(2026, 10, 1)
SEPTEMBER = date(2026, 9, 1)  # before any measurement of the documents
# Small enough that the larger case fits one page of SQLAlchemy's multi-row INSERTs
# (1,000 rows), large enough that writing row by row would show ten times over.
SMALL, LARGE = 2, 20


def _day(n: int) -> str:
    return (START + timedelta(days=n % 45)).isoformat()


def document(name: str, n: int) -> dict[str, Any]:
    """A workspace document with about n of each thing: people, KPIs and their measurements,
    objectives, key results and their check-ins; aligned objectives too."""
    units = [
        {"key": "co", "name": "Company", "kind": "company"},
        {"key": "sales", "name": "Sales", "kind": "department", "parent": "co"},
        {"key": "team", "name": "Team", "kind": "team", "parent": "sales"},
    ]
    people = [
        {"key": "boss", "name": "Boss", "email": "boss@bulk.example", "role": "admin"},
        {
            "key": "lead",
            "name": "Lead",
            "email": "lead@bulk.example",
            "role": "member",
            "units": ["team", "sales"],
        },
    ] + [
        {
            "key": f"p{i}",
            "name": f"P {i}",
            "email": f"p{i}@bulk.example",
            "role": "viewer",
            "units": ["team"],
        }
        for i in range(n)
    ]
    kpis = [
        {
            "key": f"k{i}",
            "name": f"KPI {i}",
            "owner_unit": "team",
            "direction": "higher_is_better",
            "target": 100,
            "cadence": "weekly",
            "aggregation": "last",
            "measurements": [{"at": _day(j), "value": 10 * j + i} for j in range(n)],
        }
        for i in range(n)
    ]
    objectives = [
        {
            "key": f"o{i}",
            "title": f"Objective {i}",
            "period": "2026-Q4",
            "owner_unit": "team",
            "owner": "lead",
            **({"parent_kr": "o0-kr0"} if i else {}),
            "key_results": [
                {
                    "key": f"o{i}-kr{k}",
                    "title": f"Key result {k} of {i}",
                    "kind": "metric",
                    "start": 0,
                    "target": 100,
                    **({"kpi": f"k{i}"} if k else {}),
                    "check_ins": []
                    if k
                    else [
                        {"date": _day(j), "value": j, "note": f"week {j}", "author": "lead"}
                        for j in range(n)
                    ],
                    "initiatives": [{"title": f"Initiative {k} of {i}", "owner": "lead"}],
                }
                for k in range(2)
            ],
        }
        for i in range(n)
    ]
    return {
        "workspace": name,
        "units": units,
        "people": people,
        "periods": [
            {"name": "2026-Q4", "kind": "quarter", "start": "2026-10-01", "end": "2026-12-31"}
        ],
        "kpis": kpis,
        "objectives": objectives,
    }


def _import(uow: UnitOfWork, doc: dict[str, Any]) -> tuple[int, list[str]]:
    with statements(uow.engine) as sent:
        result = import_workspace(uow, doc, actor_label="test", clock=clock)
    return result.workspace_id, sent


def test_an_import_of_ten_times_the_rows_sends_no_more_statements(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    uow = uows(migrated_url)
    _, small = _import(uow, document("Small", SMALL))
    _, large = _import(uow, document("Large", LARGE))
    assert len(large) == len(small), (len(small), len(large))
    assert len(small) < 40


def test_a_bulk_import_exports_back_to_what_it_imported(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    uow = uows(migrated_url)
    first, _ = _import(uow, document("First", LARGE))
    exported = export_workspace(uow, first)
    assert [kr["key"] for o in exported["objectives"] for kr in o["key_results"]] == [
        f"o{i}-kr{k}" for i in range(LARGE) for k in range(2)
    ]
    assert [o.get("parent_kr") for o in exported["objectives"]] == [None] + ["o0-kr0"] * (LARGE - 1)
    second, _ = _import(uow, {**exported, "workspace": "Second"})
    assert export_workspace(uow, second) == {**exported, "workspace": "Second"}
    with uow.reading():
        rows = {
            table.name: uow.conn.execute(
                sa.select(sa.func.count()).where(table.c.workspace_id == second)
            ).scalar_one()
            for table in (t.measurement, t.check_in, t.initiative, t.key_result)
        }
    assert rows == {
        "measurement": LARGE * LARGE,
        "check_in": LARGE * LARGE,
        "initiative": 2 * LARGE,
        "key_result": 2 * LARGE,
    }


def _lead(uow: UnitOfWork, workspace_id: int) -> tuple[Workspace, Caller]:
    with uow:
        workspace = workspace_store.get_workspace(uow.conn, workspace_id)
        lead = people_store.find_person_by_email(uow.conn, workspace_id, "lead@bulk.example")
    return workspace, Caller(label="lead@bulk.example", person=lead, workspace_id=workspace_id)


def _a_kpi_of_an_import(uow: UnitOfWork, name: str, kpi: str) -> tuple[int, Workspace, Caller, int]:
    """A workspace imported from a SMALL document: its id, itself, its lead, and a KPI's id."""
    workspace_id, _ = _import(uow, document(name, SMALL))
    workspace, lead = _lead(uow, workspace_id)
    return workspace_id, workspace, lead, _kpi_id(uow, workspace_id, kpi)


def _kpi_id(uow: UnitOfWork, workspace_id: int, key: str) -> int:
    with uow.reading():
        q = sa.select(t.kpi.c.id).where(t.kpi.c.workspace_id == workspace_id, t.kpi.c.key == key)
        kpi_id: int = uow.conn.execute(q).scalar_one()
    return kpi_id


def _events(uow: UnitOfWork, workspace_id: int, after_id: int) -> list[tuple[Any, ...]]:
    e = t.audit_event.c
    with uow.reading():
        q = (
            sa.select(
                e.id, e.action, e.subject_type, e.subject_id, e.actor_label, e.before, e.after
            )
            .where(e.workspace_id == workspace_id, e.id > after_id)
            .order_by(e.id)
        )
        return [tuple(row) for row in uow.conn.execute(q)]


def _last_event(uow: UnitOfWork) -> int:
    with uow.reading():
        return int(uow.conn.execute(sa.select(sa.func.max(t.audit_event.c.id))).scalar_one())


def test_a_measurement_batch_of_ten_times_the_items_sends_no_more_statements(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    uow = uows(migrated_url)
    _, workspace, lead, kpi_id = _a_kpi_of_an_import(uow, "Batches", "k0")
    counts = []
    for n in (SMALL, LARGE):
        items = [MeasurementInput(value=float(j), at=START + timedelta(days=j)) for j in range(n)]
        # Recorded twice: the second batch replaces the first, a delete and its audit each.
        for _ in range(2):
            with statements(uow.engine) as sent:
                record_measurements(
                    uow, workspace, kpi_id, items, replace=True, caller=lead, clock=clock
                )
            counts.append(len(sent))
    assert counts[2:] == counts[:2], counts


def test_a_measurement_batch_stores_and_audits_each_item_in_order(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    uow = uows(migrated_url)
    workspace_id, workspace, lead, kpi_id = _a_kpi_of_an_import(uow, "Audited", "k1")
    items = [
        MeasurementInput(value=float(100 - j), at=SEPTEMBER + timedelta(days=j % 3), note=f"n{j}")
        for j in range(6)
    ]
    first = record_measurements(uow, workspace, kpi_id, items, caller=lead, clock=clock)
    since = _last_event(uow)
    again = record_measurements(
        uow, workspace, kpi_id, items[:3], replace=True, caller=lead, clock=clock
    )
    with uow.reading():
        m = t.measurement.c
        stored = uow.conn.execute(
            sa.select(m.id, m.value, m.note).where(m.kpi_id == kpi_id, m.at < START).order_by(m.id)
        ).all()
    ids = [x.id for x in first.created]
    assert ids == sorted(ids) and len(set(ids)) == 6
    assert [(x.id, x.value, x.note) for x in first.created] == [
        (i, 100.0 - j, f"n{j}") for j, i in enumerate(ids)
    ]
    # The batch replaced every manual measurement of its three days: the six of the first.
    assert again.removed == 6
    assert [(s.value, s.note) for s in stored] == [(100.0 - j, f"n{j}") for j in range(3)]
    events = _events(uow, workspace_id, since)
    deletes = [
        ("delete", "measurement", i, "lead@bulk.example")
        for i in sorted(x.id for x in first.created)
    ]
    creates = [("create", "measurement", x.id, "lead@bulk.example") for x in again.created]
    assert sorted(e[1:5] for e in events if e[1] == "delete") == deletes
    assert [e[1:5] for e in events if e[1] == "create"] == creates
    assert [e[6] for e in events if e[1] == "create"] == [
        {
            "recorded_at": NOW.isoformat(),
            "kpi_id": kpi_id,
            "at": (SEPTEMBER + timedelta(days=j)).isoformat(),
            "value": 100.0 - j,
            "source": "manual",
            "note": f"n{j}",
            "recorded_by": lead.person_id,
        }
        for j in range(3)
    ]
    assert all(e[6] is None and e[5]["kpi_id"] == kpi_id for e in events if e[1] == "delete")


def _csv(kpis: list[str], rows_each: int) -> bytes:
    lines = ["kpi,at,value,note"] + [
        f"{key},{START + timedelta(days=j)},{j},row {j}" for key in kpis for j in range(rows_each)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_a_spreadsheet_reads_the_unit_tree_once_and_its_rows_cost_no_statements(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    uow = uows(migrated_url)
    workspace_id, _ = _import(uow, document("Sheets", LARGE))
    workspace, lead = _lead(uow, workspace_id)
    sent: list[list[str]] = []
    # Each run after the first replaces what the one before stored (the third and fourth: of
    # every KPI), so the last two differ in their rows only.
    runs = ((1, SMALL), (4, SMALL), (4, SMALL), (4, LARGE))
    for kpis, rows_each in runs:
        sheet = sheet_from_bytes("m.csv", _csv([f"k{i}" for i in range(kpis)], rows_each))
        with statements(uow.engine) as seen:
            done = import_measurements(uow, workspace, sheet, caller=lead, clock=clock)
        assert [d.created for d in done] == [rows_each] * kpis
        sent.append(seen)
    unit_reads = [sum(bool(re.search(r"\bFROM unit\b", s)) for s in run) for run in sent]
    assert unit_reads == [1, 1, 1, 1]
    assert len(sent[3]) == len(sent[2])
