"""The warm period reports as the services use them, on real SQLite and PostgreSQL: what a
caller gets is its own copy, and readers who meet compute a report once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

import yaml

from examples import SEEDS
from headway.domain.model import StatusThresholds
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.services.reads.reports import PeriodReport, period_report
from headway.services.reads.warm_reports import CacheStats, WarmReports
from headway.store.uow import UnitOfWork


def clock() -> datetime:
    return datetime(2026, 11, 16, 9, tzinfo=UTC)


def _seeded(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> tuple[Callable[[], PeriodReport], WarmReports]:
    """A way to ask for the seeded company's 2026-Q4 report (through a new unit of work each
    time) of one cache, and the cache."""
    uow = uows(migrated_url)
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="test", clock=clock)
    workspace = resolve_workspace(uow, "Example Co")
    warm = WarmReports(capacity=2)

    def report() -> PeriodReport:
        return period_report(
            uows(migrated_url),
            workspace,
            period="2026-Q4",
            as_of=date(2026, 11, 15),
            thresholds=StatusThresholds(),
            clock=clock,
            warm=warm,
        )

    return report, warm


def test_a_caller_changing_its_report_changes_no_other_callers(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    report, warm = _seeded(migrated_url, uows)
    first = report()
    counts = (len(first.data.key_results), len(first.figures.objectives), len(first.findings))
    assert all(counts)
    first.data.key_results.clear()
    first.figures.objectives.clear()
    first.findings.clear()
    second = report()
    assert warm.stats == CacheStats(computed=1, coached=1, served_warm=1)
    assert (len(second.data.key_results), len(second.figures.objectives), len(second.findings)) == (
        counts
    )


def test_readers_who_meet_compute_the_report_once(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    report, warm = _seeded(migrated_url, uows)
    start = threading.Barrier(4)
    made: list[PeriodReport] = []

    def read() -> None:
        start.wait()
        made.append(report())

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=120)
    assert len(made) == 4
    assert warm.stats == CacheStats(computed=1, coached=1, served_warm=3)
    assert all(r.figures == made[0].figures for r in made)
