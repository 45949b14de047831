"""Backup files: readable by their owner only, written whole or not at all, from one snapshot."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from backup_rows import every_row as _rows
from backup_rows import fill_every_table as _fill

from fixed_time import NOW, clock
from headway.services.documents import backups
from headway.services.documents.backups import backup_database
from headway.store import tables as t
from headway.store.engine import make_engine
from headway.store.uow import UnitOfWork


def test_the_backup_file_is_readable_only_by_its_owner_and_replaces_the_old_one(
    migrated_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "backup.json"
    path.write_text("an older backup")
    path.chmod(0o644)
    backup_database(uows(migrated_url), path, clock=clock)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["format"] == "headway-backup"
    assert [p.name for p in folder.iterdir()] == ["backup.json"]


def test_a_backup_that_fails_while_writing_leaves_the_previous_file(
    migrated_url: str,
    uows: Callable[[str], UnitOfWork],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uow = uows(migrated_url)
    _fill(uow)
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "backup.json"
    path.write_text("the previous backup")

    def fail(*_args: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "json_rows", fail)
    with pytest.raises(OSError, match="No space left"):
        backup_database(uow, path, clock=clock)
    assert path.read_text() == "the previous backup"
    assert [p.name for p in folder.iterdir()] == ["backup.json"]


def _add_workspace(conn: sa.Connection, name: str) -> None:
    conn.execute(
        t.workspace.insert().values(
            name=name, fiscal_year_start_month=1, timezone="UTC", created_at=NOW, updated_at=NOW
        )
    )


def test_a_backup_reads_one_snapshot_of_the_database(
    migrated_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    uow = uows(migrated_url)
    with uow:
        _add_workspace(uow.conn, "Acme")
    writer = make_engine(migrated_url)
    meanwhile: list[str] = []

    @sa.event.listens_for(uow.engine, "after_execute")
    def _commit_meanwhile(_conn: sa.Connection, statement: Any, *_: Any) -> None:
        # Once the backup has read its first table, another connection commits a row to a
        # table it reads later: a snapshot does not see it.
        if not meanwhile and "FROM sign_in_failure" in str(statement):
            meanwhile.append("committed")
            with writer.begin() as other:
                _add_workspace(other, "Committed meanwhile")

    try:
        summary = backup_database(uow, tmp_path / "backup.json", clock=clock)
    finally:
        writer.dispose()
    assert meanwhile == ["committed"]
    assert summary.workspaces == 1
    assert len(_rows(migrated_url)["workspace"]) == 2


def test_a_backup_does_not_wait_for_a_writer(
    migrated_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    uow = uows(migrated_url)
    with uow:
        _add_workspace(uow.conn, "Acme")
    writer = make_engine(migrated_url)
    try:
        with writer.connect() as open_writer:
            open_writer.begin()  # on SQLite, holds the write lock until it ends
            _add_workspace(open_writer, "Not committed")
            summary = backup_database(uow, tmp_path / "backup.json", clock=clock)
            open_writer.rollback()
    finally:
        writer.dispose()
    assert summary.workspaces == 1
