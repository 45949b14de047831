"""Period reports kept warm: computed once, then patched or served until they are old.

A server process keeps the last few period reports it made, each with the workspace revision
read in the same snapshot as its rows. A later request reads the revision in its own
snapshot: equal, the kept report is served as it is; different (a committed write to the
workspace, by any process), the report is brought up to date (services/reads/reports.py:
patched from the change log when it can be, else computed again, its old copy dropped first
so that a process never holds two copies of one period's rows).

The cache is bounded (a small LRU of `capacity` reports) and thread-safe (sync routes run in
a thread pool): one lock per key lets one request bring a report up to date while the others
for the same key wait, then are served what it kept instead of each computing a copy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

from headway.domain.model import StatusThresholds

if TYPE_CHECKING:
    from headway.services.reads.reports import PeriodReport


@dataclass(frozen=True, slots=True)
class ReportKey:
    """What a period report depends on besides the rows: whose, which period, when, graded how,
    and the workspace's settings the figures read as the request read them (its workspace
    is read in another transaction than the rows: a report made with a fiscal month read
    before it changed is never served to a request that read the new one)."""

    workspace_id: int
    period_id: int
    as_of: date
    thresholds: StatusThresholds
    fiscal_year_start_month: int
    timezone: str


@dataclass(frozen=True, slots=True)
class Kept:
    """A report, the workspace revision of the rows it was made from, and whether it is
    complete (coached, every KPI's figures) or only what a page without findings shows."""

    revision: int
    complete: bool
    report: PeriodReport
    kpi_values_before: dict[int, float | None]  # what the coaching read (empty if incomplete)
    # The report's answers as sent, by format ("json", "md", "html"): each encoded once, from
    # this report only, and dropped with it (a report patched or computed again is a Kept of
    # its own, made with none; `replace` does not carry them over).
    answers: dict[str, bytes] = field(default_factory=dict, init=False, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What the cache did so far: reports computed from all their rows (`computed`, of which
    `coached` complete), patched from what changed since they were kept (`patched`), served
    as kept (`served_warm`). Counts, not timings: tests read them to check that a page
    computes its period once, or patches it, or not at all."""

    computed: int = 0
    coached: int = 0
    patched: int = 0
    served_warm: int = 0

    @property
    def requested(self) -> int:
        """Every report asked for, however it was made."""
        return self.computed + self.patched + self.served_warm

    def since(self, earlier: CacheStats) -> CacheStats:
        """What the cache did after `earlier` was read."""
        return CacheStats(
            computed=self.computed - earlier.computed,
            coached=self.coached - earlier.coached,
            patched=self.patched - earlier.patched,
            served_warm=self.served_warm - earlier.served_warm,
        )


How = Literal["computed", "patched", "served_warm"]


@dataclass(slots=True)
class WarmReports:
    """The last `capacity` reports this process made, by key (0 keeps none)."""

    capacity: int = 2
    _kept: OrderedDict[ReportKey, Kept] = field(default_factory=OrderedDict)
    # The lock of each key a request is looking up, with how many requests hold or wait for it.
    _building: dict[ReportKey, tuple[threading.Lock, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stats: CacheStats = field(default_factory=CacheStats)

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            return self._stats

    @contextmanager
    def building(self, key: ReportKey) -> Iterator[None]:
        """Hold the key while its report is looked up and, if need be, brought up to date."""
        with self._lock:
            lock, users = self._building.get(key, (threading.Lock(), 0))
            self._building[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            # The last user drops the key's lock: never while another waits for it (two
            # locks for one key would let two requests build its report at once), and none
            # is left behind for the keys of days gone by.
            with self._lock:
                lock, users = self._building[key]
                if users == 1:
                    del self._building[key]
                else:
                    self._building[key] = (lock, users - 1)

    def kept(self, key: ReportKey) -> Kept | None:
        """The report kept for the key, at whatever revision."""
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def forget(self, key: ReportKey) -> None:
        """Drop the key's report, and the least recently used ones until one more fits: done
        before a report is computed afresh, so that its old copy is not held meanwhile."""
        with self._lock:
            self._kept.pop(key, None)
            while self._kept and len(self._kept) >= self.capacity:
                self._kept.popitem(last=False)

    def keep(self, key: ReportKey, kept: Kept, how: How) -> None:
        """Keep a report brought up to date (unless one of a later revision is kept)."""
        with self._lock:
            self._stats = _counted(self._stats, how, kept.complete)
            if self.capacity <= 0:
                return
            found = self._kept.get(key)
            if found is not None and found.revision > kept.revision:
                return
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept report (the statistics stay)."""
        with self._lock:
            self._kept.clear()


def _counted(stats: CacheStats, how: How, complete: bool) -> CacheStats:
    more: dict[str, int] = {how: getattr(stats, how) + 1}
    if how == "computed" and complete:
        more["coached"] = stats.coached + 1
    return replace(stats, **more)
