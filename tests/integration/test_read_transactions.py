"""Reads run in read-only snapshots: they wait for no writer and can write nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from examples import SEEDS
from headway.config import load_settings
from headway.domain.model import StatusThresholds
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.services.reads.reports import period_report
from headway.store import tables as t
from headway.store.schema import upgrade_database
from headway.store.uow import make_uow


def _clock() -> datetime:
    return datetime(2026, 11, 15, 12, tzinfo=UTC)


def _seeded(url: str) -> None:
    upgrade_database(url)
    uow = make_uow(load_settings(database_url=url))
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="test", clock=_clock)
    uow.engine.dispose()


def test_a_report_is_read_while_a_writer_holds_the_sqlite_write_lock(tmp_path: Path) -> None:
    migrated_url = f"sqlite:///{tmp_path / 'headway.db'}"
    _seeded(migrated_url)
    writer = sa.create_engine(migrated_url, connect_args={"timeout": 0.1}, poolclass=sa.NullPool)
    uow = make_uow(load_settings(database_url=migrated_url))
    with writer.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # a writer in the middle of its work
        connection.exec_driver_sql("UPDATE workspace SET name = name")
        workspace = resolve_workspace(uow, None)
        report = period_report(
            uow,
            workspace,
            period="2026-Q4",
            as_of=date(2026, 11, 15),
            thresholds=StatusThresholds(),
            clock=_clock,
        )
        connection.exec_driver_sql("ROLLBACK")
    assert len(report.objectives()) == 5
    uow.engine.dispose()
    writer.dispose()


def test_a_read_only_unit_of_work_refuses_a_write_on_postgresql(postgres_server: Any) -> None:
    url = postgres_server.create_database()
    try:
        _seeded(url)
        uow = make_uow(load_settings(database_url=url))
        renamed = t.workspace.update().values(name="Renamed")
        with pytest.raises(sa.exc.InternalError, match="read-only transaction"), uow.reading():
            uow.conn.execute(renamed)
        # The pooled connection is not left read-only for the next unit of work.
        with uow:
            uow.conn.execute(renamed)
        with uow.reading():
            assert uow.conn.execute(sa.select(t.workspace.c.name)).scalar_one() == "Renamed"
        uow.engine.dispose()
    finally:
        postgres_server.drop_database(url)
