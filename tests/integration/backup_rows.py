"""What the backup tests share: a fixed clock, a database with a row in every table, its rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from examples import SEEDS
from fixed_time import NOW, clock
from headway.domain.model import StatusThresholds
from headway.services.access.actors import Caller
from headway.services.access.people import create_token
from headway.services.access.sessions import SignInRefused, sign_in
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.backups import backup_database
from headway.services.documents.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_WORKSPACE, load_demo
from headway.services.documents.imports import import_workspace
from headway.services.kpis.ingest_tokens import create_ingest_token
from headway.services.periods.periods import close_period
from headway.services.webhooks.webhooks import create_webhook
from headway.store import notifications
from headway.store import tables as t
from headway.store.engine import make_engine
from headway.store.mappers import aware
from headway.store.schema import upgrade_database
from headway.store.uow import UnitOfWork


def fill_every_table(uow: UnitOfWork) -> int:
    """Two workspaces with a row in every table, links to later rows, and a deleted newest row.

    Returns the id of the deleted check-in: the largest check-in id ever handed out.
    """
    upgrade_database(uow.engine)
    load_demo(uow, clock=clock)
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="cli", clock=clock)
    seeds = resolve_workspace(uow, "Example Co")
    with uow:
        quarter = uow.conn.execute(
            sa.select(t.period.c.id).where(
                t.period.c.workspace_id == seeds.id, t.period.c.name == "2026-Q4"
            )
        ).scalar_one()
    # A webhook of period closes: closing the quarter queues a delivery (secret in the backup).
    create_webhook(
        uow,
        seeds,
        url="https://chat.example/hook",
        events=["period.closed"],
        secret="backup-secret",
        caller=Caller.operator(),
        clock=clock,
    )
    close_period(
        uow,
        seeds,
        quarter,
        thresholds=StatusThresholds(),
        caller=Caller.operator(),
        clock=clock,
    )
    demo = resolve_workspace(uow, DEMO_WORKSPACE)
    create_token(uow, demo, email=DEMO_ADMIN, caller=Caller.operator(), clock=clock)
    with uow:
        demo_kpi = uow.conn.execute(
            sa.select(sa.func.min(t.kpi.c.id)).where(t.kpi.c.workspace_id == demo.id)
        ).scalar_one()
    create_ingest_token(uow, demo, demo_kpi, name="feed", caller=Caller.operator(), clock=clock)
    sign_in(uow, DEMO_ADMIN, DEMO_PASSWORD, client="test", clock=clock)
    with pytest.raises(SignInRefused):
        sign_in(uow, DEMO_ADMIN, "not the password", client="test", clock=clock)
    with uow:
        conn = uow.conn
        # A unit whose parent, and an objective whose predecessor, come later in id order.
        first_unit, root = conn.execute(
            sa.select(t.unit.c.id, t.unit.c.parent_id)
            .where(t.unit.c.workspace_id == demo.id, t.unit.c.parent_id.is_not(None))
            .order_by(t.unit.c.id)
            .limit(1)
        ).one()
        later_unit = conn.execute(
            t.unit.insert().values(
                workspace_id=demo.id,
                name="Later",
                kind="department",
                parent_id=root,
                created_at=NOW,
                updated_at=NOW,
            )
        ).inserted_primary_key
        assert later_unit is not None
        conn.execute(
            t.unit.update().where(t.unit.c.id == first_unit).values(parent_id=later_unit[0])
        )
        ids = (
            conn.execute(
                sa.select(t.objective.c.id)
                .where(t.objective.c.workspace_id == demo.id)
                .order_by(t.objective.c.id)
            )
            .scalars()
            .all()
        )
        conn.execute(
            t.objective.update().where(t.objective.c.id == ids[0]).values(continued_from_id=ids[-1])
        )
        # A digest that failed (its error kept), and a person who declined the digest.
        admin = conn.execute(
            sa.select(t.person.c.id).where(
                t.person.c.workspace_id == demo.id, t.person.c.email == DEMO_ADMIN
            )
        ).scalar_one()
        notifications.claim_digest(conn, demo.id, admin, 2026, 47, key_results=2, now=NOW)
        notifications.record_digest(conn, admin, 2026, 47, error="refused", now=NOW)
        opt_outs = notifications.OptOuts(digest=True, kpi_alerts=False)
        notifications.set_opt_outs(conn, demo.id, admin, opt_outs, NOW)
        newest = conn.execute(sa.select(sa.func.max(t.check_in.c.id))).scalar_one()
        conn.execute(t.check_in.delete().where(t.check_in.c.id == newest))
    return int(newest)


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read independently of the code under test."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(aware(v).astimezone(UTC) if isinstance(v, datetime) else v for v in row)
                    for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
                ]
                for table in t.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def backup_text(uow: UnitOfWork, tmp_path: Path) -> str:
    """A backup of the database, as the file's text."""
    path = tmp_path / "backup.json"
    backup_database(uow, path, clock=clock)
    return path.read_text(encoding="utf-8")
