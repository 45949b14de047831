"""Deleting an objective or a workspace takes every row that belongs to it, and nothing else.

The rows expected to go are found here independently of the cascade: every row that refers,
through any foreign key, to a row that goes (starting from the deleted one).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import yaml

from examples import SEEDS
from fixed_time import NOW, clock
from headway.domain.model import Initiative, StatusThresholds
from headway.services.access.actors import Caller
from headway.services.access.people import create_token
from headway.services.access.sessions import sign_in
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_WORKSPACE, load_demo
from headway.services.documents.imports import import_workspace
from headway.services.kpis.ingest_tokens import create_ingest_token
from headway.services.okrs.initiatives import create_initiative
from headway.services.okrs.objectives import delete_objective
from headway.services.periods.periods import close_period
from headway.services.webhooks.webhooks import create_webhook
from headway.store import notifications
from headway.store import tables as t
from headway.store.cascade import delete_with_dependants
from headway.store.rows import insert_row
from headway.store.uow import UnitOfWork

OPERATOR = Caller.operator()

Rows = dict[str, list[dict[str, Any]]]


def _rows(uow: UnitOfWork) -> Rows:
    with uow.engine.connect() as conn:
        return {
            table.name: [dict(r._mapping) for r in conn.execute(sa.select(table))]
            for table in t.metadata.sorted_tables
        }


def _belonging_to(rows: Rows, table: str, row_id: int) -> Rows:
    """The row and every row referring, directly or through others, to one in the result."""
    found: dict[str, set[int]] = {name: set() for name in rows}
    found[table].add(row_id)
    going: Rows = {name: [] for name in rows}
    grew = True
    while grew:
        grew = False
        for name, table_rows in rows.items():
            references = t.metadata.tables[name].foreign_keys
            for row in table_rows:
                if row in going[name]:
                    continue
                if row.get("id") in found[name] or any(
                    row[fk.parent.name] in found[fk.column.table.name] for fk in references
                ):
                    going[name].append(row)
                    if "id" in row:
                        found[name].add(row["id"])
                    grew = True
    return going


def _without(rows: Rows, going: Rows) -> Rows:
    return {
        name: [r for r in table_rows if r not in going[name]] for name, table_rows in rows.items()
    }


def _same(first: Rows, second: Rows) -> bool:
    def key(row: dict[str, Any]) -> str:
        return repr(sorted(row.items()))

    return all(sorted(map(key, first[name])) == sorted(map(key, second[name])) for name in first)


def test_deleting_an_objective_removes_its_key_results_check_ins_initiatives_and_grades(
    uow: UnitOfWork,
) -> None:
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="cli", clock=clock)
    seeds = resolve_workspace(uow, "Example Co")
    o, kr = t.objective.c, t.key_result.c
    with uow:
        conn = uow.conn
        revenue, period_id = conn.execute(
            sa.select(o.id, o.period_id).where(o.key == "revenue")
        ).one()
        kr_ids = sorted(conn.execute(sa.select(kr.id).where(kr.objective_id == revenue)).scalars())
        # An initiative of the objective itself, and grades: no service adds these to an open
        # period, but they belong to the objective all the same.
        own = {"title": "Own work", "status": "planned", "link": ""}
        insert_row(conn, "initiative", NOW, workspace_id=seeds.id, objective_id=revenue, **own)
        grade = {"workspace_id": seeds.id, "period_id": period_id, "score": 0.5, "band": "yellow"}
        insert_row(conn, "grade", NOW, objective_id=revenue, **grade)
        insert_row(conn, "grade", NOW, key_result_id=kr_ids[0], **grade)
    before = _rows(uow)
    going = _belonging_to(before, "objective", revenue)
    assert {name for name, rows in going.items() if rows} == {
        "objective",
        "key_result",
        "check_in",
        "initiative",
        "grade",
    }

    delete_objective(uow, seeds, revenue, caller=OPERATOR, clock=clock)

    after = _rows(uow)
    (event,) = [e for e in after["audit_event"] if e not in before["audit_event"]]
    after["audit_event"].remove(event)
    # The delete moved the workspace's revision on, as every write does (store/revisions.py).
    revisions = {
        when: {r["workspace_id"]: r["revision"] for r in rows.pop("workspace_revision")}
        for when, rows in (("before", before), ("after", after))
    }
    assert revisions["after"][seeds.id] > revisions["before"][seeds.id]
    # ...and logged what it changed with that revision: the objective (the rows that went with
    # it are its own business).
    (logged,) = [c for c in after.pop("workspace_change") if c not in before["workspace_change"]]
    before.pop("workspace_change")
    assert (logged["revision"], logged["subject_type"], logged["subject_id"]) == (
        revisions["after"][seeds.id],
        "objective",
        revenue,
    )
    assert _same(after, _without(before, going))
    assert (event["action"], event["subject_type"], event["subject_id"]) == (
        "delete",
        "objective",
        revenue,
    )
    assert {
        k: event["before"][k] for k in ("key_result_ids", "check_ins", "initiatives", "grades")
    } == {
        "key_result_ids": kr_ids,
        "check_ins": len(going["check_in"]),
        "initiatives": len(going["initiative"]),
        "grades": len(going["grade"]),
    }


def test_deleting_a_workspace_leaves_no_row_of_it_in_any_table(uow: UnitOfWork) -> None:
    load_demo(uow, clock=clock)
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="cli", clock=clock)
    demo = resolve_workspace(uow, DEMO_WORKSPACE)
    with uow:
        kr_id, period_id = uow.conn.execute(
            sa.select(t.key_result.c.id, t.period.c.id)
            .join(t.objective, t.objective.c.id == t.key_result.c.objective_id)
            .join(t.period, t.period.c.id == t.objective.c.period_id)
            .where(t.period.c.workspace_id == demo.id, t.period.c.name == "2026-Q4")
            .order_by(t.key_result.c.id)
            .limit(1)
        ).one()
    # The demo has no initiatives, tokens, sessions or grades yet: give it some of each.
    create_initiative(
        uow, demo, kr_id, Initiative(id=0, title="Plan"), caller=OPERATOR, clock=clock
    )
    hook = {"url": "https://chat.example/hook", "events": ["period.closed"], "secret": None}
    create_webhook(uow, demo, **hook, caller=OPERATOR, clock=clock)  # the close queues one
    close_period(uow, demo, period_id, thresholds=StatusThresholds(), caller=OPERATOR, clock=clock)
    create_token(uow, demo, email=DEMO_ADMIN, caller=OPERATOR, clock=clock)
    with uow:
        demo_kpi = uow.conn.execute(
            sa.select(sa.func.min(t.kpi.c.id)).where(t.kpi.c.workspace_id == demo.id)
        ).scalar_one()
    create_ingest_token(uow, demo, demo_kpi, name="feed", caller=OPERATOR, clock=clock)
    sign_in(uow, DEMO_ADMIN, DEMO_PASSWORD, client="test", clock=clock)
    with uow:  # a weekly digest sent to the admin
        admin = uow.conn.execute(
            sa.select(t.person.c.id).where(
                t.person.c.workspace_id == demo.id, t.person.c.email == DEMO_ADMIN
            )
        ).scalar_one()
        notifications.claim_digest(uow.conn, demo.id, admin, 2026, 47, key_results=1, now=NOW)
    before = _rows(uow)
    going = _belonging_to(before, "workspace", demo.id)
    # Every table holding workspace content is covered, and the other workspace has content.
    assert [name for name, rows in going.items() if not rows] == ["sign_in_failure"]
    kept = _without(before, going)
    assert kept["objective"] and kept["check_in"] and kept["person_unit"]

    with uow:
        counts = delete_with_dependants(uow.conn, "workspace", [demo.id])

    assert _same(_rows(uow), kept)
    assert counts == {name: len(rows) for name, rows in going.items() if name != "sign_in_failure"}
