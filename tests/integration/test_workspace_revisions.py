"""The workspace revision: every committed write moves it on, in the write's own transaction;
reads, refused writes and other workspaces' writes leave it be; it never returns to a value
it had, not even after a backup is restored. On real SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from examples import SEEDS
from fixed_time import clock
from headway.domain.errors import ValidationFailed
from headway.domain.model import StatusThresholds, Workspace
from headway.services.access.actors import Caller
from headway.services.access.workspaces import resolve_workspace, workspace_revision
from headway.services.documents.backups import backup_database, read_backup, restore_database
from headway.services.documents.imports import import_workspace
from headway.services.kpis.measurements import MeasurementInput, record_measurements
from headway.services.okrs.checkins import record_check_in
from headway.services.reads.reports import period_report
from headway.store import tables as t
from headway.store.audit import add_audit_event
from headway.store.uow import UnitOfWork

OPERATOR = Caller.operator()


def _seed(uow: UnitOfWork, name: str = "Example Co") -> Workspace:
    document = yaml.safe_load(SEEDS.read_text())
    document["workspace"] = name
    for person in document["people"]:
        person["email"] = person["email"].replace("example.com", f"{name.split()[0]}.example")
    import_workspace(uow, document, actor_label="test", clock=clock)
    return resolve_workspace(uow, name)


@pytest.fixture
def seeded(migrated_url: str, uows: Callable[[str], UnitOfWork]) -> tuple[UnitOfWork, Workspace]:
    """A unit of work on the database, and Example Co seeded in it."""
    uow = uows(migrated_url)
    return uow, _seed(uow)


def _a_key_result(uow: UnitOfWork, workspace: Workspace) -> int:
    with uow.reading():
        key_result_id: int = uow.conn.execute(
            sa.select(t.key_result.c.id).where(
                t.key_result.c.workspace_id == workspace.id, t.key_result.c.key == "deals"
            )
        ).scalar_one()
    return key_result_id


def _check_in(uow: UnitOfWork, workspace: Workspace, value: float) -> None:
    key_result = _a_key_result(uow, workspace)
    record_check_in(uow, workspace, key_result, value=value, caller=OPERATOR, clock=clock)


def test_every_write_moves_the_revision_on_and_nothing_else_does(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    uow = uows(migrated_url)
    example = _seed(uow)
    other = _seed(uow, "Other Co")
    seen = [workspace_revision(uow, example.id)]
    assert seen[0] > 0  # the import was a write
    for value in (10, 20, 30):
        _check_in(uow, example, value)
        seen.append(workspace_revision(uow, example.id))
        assert seen[-1] > seen[-2]
    other_before = workspace_revision(uow, other.id)

    # A read, a refused write and a write elsewhere leave it as it is.
    period_report(uow, example, period="2026-Q4", thresholds=StatusThresholds(), clock=clock)
    with pytest.raises(ValidationFailed):
        _check_in(uow, example, float("nan"))
    _check_in(uow, other, 40)
    assert workspace_revision(uow, example.id) == seen[-1]
    assert workspace_revision(uow, other.id) > other_before


def test_a_measurement_batch_moves_the_revision_on(
    seeded: tuple[UnitOfWork, Workspace],
) -> None:
    """A batch writes its audit events in bulk: it moves the revision as one event does."""
    uow, workspace = seeded
    with uow.reading():
        kpi_id: int = uow.conn.execute(
            sa.select(t.kpi.c.id).where(t.kpi.c.workspace_id == workspace.id).limit(1)
        ).scalar_one()
    before = workspace_revision(uow, workspace.id)
    items = [MeasurementInput(value=float(v), at=date(2026, 10, v)) for v in (1, 2, 3)]
    record_measurements(uow, workspace, kpi_id, items, caller=OPERATOR, clock=clock)
    assert workspace_revision(uow, workspace.id) > before


def test_a_write_through_one_engine_is_seen_through_another_at_once(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    """Two engines, as two processes have: the revision lives in the database."""
    writer, reader = uows(migrated_url), uows(migrated_url)
    workspace = _seed(writer)
    for value in (11, 22, 33):
        before = workspace_revision(reader, workspace.id)
        _check_in(writer, workspace, value)
        assert workspace_revision(reader, workspace.id) > before


def test_a_failed_transaction_moves_no_revision(
    seeded: tuple[UnitOfWork, Workspace],
) -> None:
    """The bump happens in the write's transaction: rolled back with it."""
    uow, workspace = seeded
    before = workspace_revision(uow, workspace.id)
    key_result = _a_key_result(uow, workspace)

    class Stop(Exception):
        pass

    with pytest.raises(Stop), uow:
        # A write that records its audit event and then fails before the commit.
        add_audit_event(
            uow.conn,
            workspace_id=workspace.id,
            actor_id=None,
            actor_label="test",
            action="update",
            subject_type="key_result",
            subject_id=key_result,
            at=clock(),
        )
        raise Stop
    assert workspace_revision(uow, workspace.id) == before
    _check_in(uow, workspace, 50)  # and the next transaction on that connection is unaffected
    assert workspace_revision(uow, workspace.id) > before


def test_a_restored_backup_never_brings_back_a_revision_already_handed_out(
    migrated_url: str,
    make_database: Callable[[str], str],
    uows: Callable[[str], UnitOfWork],
    seeded: tuple[UnitOfWork, Workspace],
    tmp_path: Path,
) -> None:
    uow, workspace = seeded
    backup_database(uow, tmp_path / "backup.json", clock=clock)
    backed_up = workspace_revision(uow, workspace.id)
    _check_in(uow, workspace, 60)
    handed_out = workspace_revision(uow, workspace.id)

    restored = uows(make_database(migrated_url.split(":")[0].split("+")[0]))
    restore_database(restored, read_backup((tmp_path / "backup.json").read_text()), clock=clock)
    assert workspace_revision(restored, workspace.id) == backed_up  # the backup's state
    _check_in(restored, workspace, 70)  # a different write from the one after the backup
    assert workspace_revision(restored, workspace.id) > handed_out
