"""Backups hold every row of every table and restore into an empty database, across databases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from backup_rows import backup_text as _backup_text
from backup_rows import every_row as _rows
from backup_rows import fill_every_table as _fill

from fixed_time import NOW, clock
from headway.services.access.actors import Caller
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.backups import backup_database, read_backup, restore_database
from headway.services.documents.demo import DEMO_WORKSPACE
from headway.services.documents.exports import export_workspace
from headway.services.okrs.checkins import record_check_in
from headway.store import tables as t
from headway.store.engine import make_engine
from headway.store.schema import alembic_config, head_revision, schema_revision, upgrade_database
from headway.store.uow import UnitOfWork


def _exports(uow: UnitOfWork) -> dict[int, dict[str, Any]]:
    with uow:
        ids = uow.conn.execute(sa.select(t.workspace.c.id)).scalars().all()
    return {workspace_id: export_workspace(uow, workspace_id) for workspace_id in ids}


MOVES = [
    ("sqlite", "sqlite"),
    pytest.param("sqlite", "postgresql", marks=pytest.mark.postgres),
    pytest.param("postgresql", "sqlite", marks=pytest.mark.postgres),
    pytest.param("postgresql", "postgresql", marks=pytest.mark.postgres),
]


@pytest.mark.parametrize(("source_kind", "target_kind"), MOVES)
def test_a_restored_database_holds_every_row_and_exports_the_same(
    source_kind: str,
    target_kind: str,
    make_database: Callable[[str], str],
    uows: Callable[[str], UnitOfWork],
    tmp_path: Path,
) -> None:
    source, target = make_database(source_kind), make_database(target_kind)
    deleted_check_in = _fill(uows(source))
    before = _rows(source)
    assert [name for name, rows in before.items() if not rows] == []  # every table is covered

    summary = backup_database(uows(source), tmp_path / "backup.json", clock=clock)
    restored = restore_database(
        uows(target), read_backup((tmp_path / "backup.json").read_text()), clock=clock
    )

    assert restored == summary
    assert summary.counts == {name: len(rows) for name, rows in before.items()}
    assert summary.workspaces == 2
    assert _rows(target) == before
    assert _exports(uows(target)) == _exports(uows(source))
    # Ids go on after the largest one ever handed out, even one whose row was deleted.
    target_uow = uows(target)
    demo = resolve_workspace(target_uow, DEMO_WORKSPACE)
    with target_uow:
        key_result = target_uow.conn.execute(
            sa.select(sa.func.min(t.key_result.c.id)).where(
                t.key_result.c.workspace_id == demo.id,
                t.key_result.c.kind == "metric",
                t.key_result.c.kpi_id.is_(None),
            )
        ).scalar_one()
    new_id = record_check_in(
        target_uow, demo, key_result, value=1.0, caller=Caller.operator(), clock=clock
    )
    assert new_id == deleted_check_in + 1


@pytest.mark.parametrize("target_state", ["no schema", "an empty schema"])
def test_a_backup_of_revision_0001_restores_into_this_version(
    target_state: str,
    new_database_url: Callable[[], str],
    uows: Callable[[str], UnitOfWork],
    tmp_path: Path,
) -> None:
    old, target = new_database_url(), new_database_url()
    if target_state == "an empty schema":
        upgrade_database(target)
    command.upgrade(alembic_config(old), "0001")
    stamps = {"created_at": NOW, "updated_at": NOW}
    engine = make_engine(old)
    try:
        with engine.begin() as conn:
            conn.execute(
                t.workspace.insert().values(
                    id=1, name="Acme", fiscal_year_start_month=4, timezone="UTC", **stamps
                )
            )
            # The company's parent link points at a row with a larger id.
            conn.execute(
                t.unit.insert(),
                [
                    {"id": 1, "workspace_id": 1, "name": "Sales", "kind": "team", **stamps},
                    {"id": 2, "workspace_id": 1, "name": "Acme", "kind": "company", **stamps},
                ],
            )
            conn.execute(t.unit.update().where(t.unit.c.id == 1).values(parent_id=2))
    finally:
        engine.dispose()
    text = _backup_text(uows(old), tmp_path)
    backup = read_backup(text)
    assert backup.revision == "0001"
    assert "web_session" not in backup.tables

    restore_database(uows(target), backup, clock=clock)

    target_uow = uows(target)
    assert schema_revision(target_uow.engine) == head_revision()
    rows = _rows(target)
    assert rows["workspace"] == [(1, "Acme", 4, "UTC", NOW, NOW)]
    parent = t.unit.c.keys().index("parent_id")
    assert [(row[0], row[parent]) for row in rows["unit"]] == [(1, 2), (2, None)]
    assert rows["web_session"] == []
    with target_uow:
        new = target_uow.conn.execute(
            t.unit.insert().values(workspace_id=1, name="Support", kind="team", **stamps)
        ).inserted_primary_key
    assert new is not None and new[0] == 3
