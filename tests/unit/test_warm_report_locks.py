"""The warm reports' per-key locks: one per key while requests want it, none left after."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from headway.domain.model import StatusThresholds
from headway.services.reads.warm_reports import Kept, ReportKey, WarmReports

if TYPE_CHECKING:
    from headway.services.reads.reports import PeriodReport


def test_no_lock_is_left_behind_for_the_keys_of_days_gone_by() -> None:
    """A report kept, then pushed out by the next days' ones: its key's lock goes too (one
    lock per day a server has run would pile up otherwise)."""
    warm = WarmReports(capacity=2)
    report = cast("PeriodReport", None)  # the cache keeps it without reading it
    for n in range(5):
        key = ReportKey(1, 1, date(2026, 11, 1) + timedelta(days=n), StatusThresholds(), 1, "UTC")
        with warm.building(key):
            warm.keep(
                key,
                Kept(revision=n, complete=True, report=report, kpi_values_before={}),
                "computed",
            )
    assert len(warm._kept) == 2
    assert warm._building == {}
