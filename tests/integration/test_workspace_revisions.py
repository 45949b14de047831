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
from rows_by_key import id_by_key
from sent_statements import statements

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
from headway.services.reads.reports import PeriodReport, period_report
from headway.services.reads.warm_reports import WarmReports
from headway.store import revisions as revision_store
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


def _a_key_result(uow: UnitOfWork, workspace: Workspace, key: str = "deals") -> int:
    return id_by_key(uow, workspace, t.key_result, key)


def _note_update(
    uow: UnitOfWork, workspace: Workspace, row_id: int, subject_type: str = "key_result"
) -> None:
    """Inside `with uow:`, what a write to the row (a key result) records: its audit event."""
    add_audit_event(
        uow.conn,
        workspace_id=workspace.id,
        actor_id=None,
        actor_label="test",
        action="update",
        subject_type=subject_type,
        subject_id=row_id,
        at=clock(),
    )


def _check_in(uow: UnitOfWork, workspace: Workspace, value: float, key: str = "deals") -> None:
    key_result = _a_key_result(uow, workspace, key)
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
    """The bump happens in the write's transaction: rolled back with it, and so is the change
    it would have logged."""
    uow, workspace = seeded
    before = workspace_revision(uow, workspace.id)
    logged = _changes(uow, workspace)
    key_result = _a_key_result(uow, workspace)

    class Stop(Exception):
        pass

    with pytest.raises(Stop), uow:
        # A write that records its audit event and then fails before the commit.
        _note_update(uow, workspace, key_result)
        raise Stop
    assert workspace_revision(uow, workspace.id) == before
    assert _changes(uow, workspace) == logged
    _check_in(uow, workspace, 50)  # and the next transaction on that connection is unaffected
    assert workspace_revision(uow, workspace.id) > before
    now = workspace_revision(uow, workspace.id)
    assert _changes(uow, workspace) == [*logged, (now, "key_result", key_result)]


def test_a_restored_backup_never_brings_back_a_revision_already_handed_out(
    migrated_url: str,
    make_database: Callable[[str], str],
    uows: Callable[[str], UnitOfWork],
    seeded: tuple[UnitOfWork, Workspace],
    tmp_path: Path,
) -> None:
    """Nor is a report a server kept before its database was replaced by a restored backup
    patched from the restored log, which holds none of what that report saw after the
    backup: it is computed afresh."""
    uow, workspace = seeded
    backup_database(uow, tmp_path / "backup.json", clock=clock)
    backed_up = workspace_revision(uow, workspace.id)
    _check_in(uow, workspace, 60)
    handed_out = workspace_revision(uow, workspace.id)
    warm = WarmReports(capacity=2)
    _report(uow, workspace, warm)  # it holds the check-in of 60

    restored = uows(make_database(migrated_url.split(":")[0].split("+")[0]))
    restore_database(restored, read_backup((tmp_path / "backup.json").read_text()), clock=clock)
    assert workspace_revision(restored, workspace.id) == backed_up  # the backup's state
    # A different write from the one after the backup, to another key result.
    _check_in(restored, workspace, 70, key="pipeline")
    assert workspace_revision(restored, workspace.id) > handed_out
    _assert_computed_again(restored, workspace, warm)


def _changes(uow: UnitOfWork, workspace: Workspace) -> list[tuple[int, str, int | None]]:
    """The workspace's change log, in commit order."""
    c = t.workspace_change.c
    with uow.reading():
        rows = uow.conn.execute(
            sa.select(c.revision, c.subject_type, c.subject_id)
            .where(c.workspace_id == workspace.id)
            .order_by(c.revision, c.id)
        )
        return [(r.revision, r.subject_type, r.subject_id) for r in rows]


def test_each_write_logs_what_it_changed_with_the_revision_it_committed_at(
    seeded: tuple[UnitOfWork, Workspace],
) -> None:
    uow, workspace = seeded
    key_result = _a_key_result(uow, workspace)
    with uow.reading():
        kpi_id: int = uow.conn.execute(
            sa.select(t.kpi.c.id).where(t.kpi.c.workspace_id == workspace.id).limit(1)
        ).scalar_one()
    logged = _changes(uow, workspace)
    assert logged  # the import's

    # A check-in is logged as its key result; a batch of measurements once, as their KPI.
    _check_in(uow, workspace, 12)
    after_check_in = workspace_revision(uow, workspace.id)
    items = [MeasurementInput(value=float(v), at=date(2026, 10, v)) for v in (1, 2, 3)]
    record_measurements(uow, workspace, kpi_id, items, caller=OPERATOR, clock=clock)
    after_batch = workspace_revision(uow, workspace.id)
    assert _changes(uow, workspace)[len(logged) :] == [
        (after_check_in, "key_result", key_result),
        (after_batch, "kpi", kpi_id),
    ]
    with uow.reading():
        assert revision_store.changes_since(uow.conn, workspace.id, logged[-1][0]) == [
            (after_check_in, "key_result", key_result),
            (after_batch, "kpi", kpi_id),
        ]
        assert revision_store.changes_since(uow.conn, workspace.id, after_batch) == []
        # A revision the log does not reach back to (or ahead of the workspace's): no answer.
        assert revision_store.changes_since(uow.conn, workspace.id, after_batch + 1) is None
        too_old = after_batch - revision_store.KEPT_FOR - 1
        assert revision_store.changes_since(uow.conn, workspace.id, too_old) is None


@pytest.mark.parametrize(
    "new_database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_the_log_follows_commit_order_not_the_order_writes_began(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    """Two writers at once (PostgreSQL lets them overlap): the one that began first but
    commits last logs the later revision, so a reader that saw the first commit misses
    nothing when it asks for what changed since."""
    first, second = uows(migrated_url), uows(migrated_url)
    workspace = _seed(first)
    key_result = _a_key_result(first, workspace)
    with first:
        _note_update(first, workspace, key_result)
        _check_in(second, workspace, 5)  # begins later, commits first
        committed_first = workspace_revision(second, workspace.id)
    committed_last = workspace_revision(second, workspace.id)
    assert committed_last > committed_first
    with second.reading():
        since = revision_store.changes_since(second.conn, workspace.id, committed_first)
    assert since == [(committed_last, "key_result", key_result)]


def _log_an_old_change(uow: UnitOfWork, workspace: Workspace) -> None:
    """A change logged more than a day of revisions ago."""
    with uow:
        uow.conn.execute(
            t.workspace_change.insert().values(
                workspace_id=workspace.id, revision=1, subject_type="kpi", subject_id=1
            )
        )
    assert (1, "kpi", 1) in _changes(uow, workspace)


def test_old_changes_are_pruned_by_a_later_write(
    seeded: tuple[UnitOfWork, Workspace], migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    """The first write a connection makes to the workspace prunes the log; its next writes
    send no DELETE until an hour of revisions has passed, and then one prunes again."""
    uow, workspace = seeded
    _log_an_old_change(uow, workspace)
    _check_in(uows(migrated_url), workspace, 7)  # another process's first write
    assert (1, "kpi", 1) not in _changes(uow, workspace)

    _log_an_old_change(uow, workspace)
    with statements(uow.engine) as sent:
        _check_in(uow, workspace, 8)
    assert not [s for s in sent if s.startswith("DELETE")]
    assert (1, "kpi", 1) in _changes(uow, workspace)  # a while longer: no reader needs it

    with uow:  # an hour on (revisions are microseconds)
        r = t.workspace_revision
        uow.conn.execute(r.update().values(revision=r.c.revision + revision_store.PRUNE_EVERY))
    _check_in(uow, workspace, 9)
    assert (1, "kpi", 1) not in _changes(uow, workspace)


def _report(uow: UnitOfWork, workspace: Workspace, warm: WarmReports | None) -> PeriodReport:
    """The 2026-Q4 report, through the cache `warm` (or computed from all its rows)."""
    return period_report(
        uow,
        workspace,
        period="2026-Q4",
        as_of=clock().date(),  # the day the tests' check-ins take effect
        thresholds=StatusThresholds(),
        clock=clock,
        warm=warm,
    )


def _assert_computed_again(uow: UnitOfWork, workspace: Workspace, warm: WarmReports) -> None:
    """The cache's report, asked for again, is computed afresh from all the rows: it equals
    one computed without the cache, and the cache computed its second report."""
    served = _report(uow, workspace, warm)
    assert served.figures == _report(uow, workspace, None).figures
    assert warm.stats.computed == 2


def test_a_revision_moved_on_without_a_change_logged_is_computed_afresh(
    seeded: tuple[UnitOfWork, Workspace],
) -> None:
    """A write that moved the revision on but logged nothing (a process of a Headway from
    before the change log, during an upgrade): the log does not reach the revision, so the
    kept report is computed again, not served as it was."""
    uow, workspace = seeded
    warm = WarmReports(capacity=2)
    _report(uow, workspace, warm)
    key_result = _a_key_result(uow, workspace)
    with uow:
        uow.conn.execute(
            t.check_in.insert().values(
                key_result_id=key_result,
                value=80,
                note="",
                effective_date=date(2026, 11, 14),
                created_at=clock(),
                workspace_id=workspace.id,
            )
        )
        revision_store.bump(uow.conn, [workspace.id])
    _assert_computed_again(uow, workspace, warm)


def test_a_report_kept_for_another_fiscal_year_is_not_served(
    seeded: tuple[UnitOfWork, Workspace],
) -> None:
    """A request whose workspace was read before the fiscal year's start moved (in another
    transaction than its rows) keeps a report made with the old month at the new revision:
    a request that read the new month is not served it."""
    uow, workspace = seeded
    with uow:
        uow.conn.execute(
            t.workspace.update()
            .where(t.workspace.c.id == workspace.id)
            .values(fiscal_year_start_month=4)
        )
        _note_update(uow, workspace, workspace.id, "workspace")
    warm = WarmReports(capacity=2)
    _report(uow, workspace, warm)  # read with the month it had
    now = resolve_workspace(uow, workspace.name)
    assert now.fiscal_year_start_month == 4
    assert _report(uow, now, warm).data.fiscal_year_start_month == 4
