"""Period reports kept warm: computed once per workspace revision, served until a write.

A server process keeps the last few period reports it computed, each with the workspace
revision read in the same snapshot as its rows. A later request reads the revision in its own
snapshot: equal, the kept report is served as it is; different (any committed write to the
workspace, by any process), the report is computed again and replaces the old copy, which is
dropped first so that a process never holds two copies of one period's rows.

The cache is bounded (a small LRU of `capacity` reports) and thread-safe (sync routes run in
a thread pool): one lock per key lets one request compute a report while the others for the
same key wait for it and are then served warm, instead of each computing a copy of its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from headway.domain.model import StatusThresholds

if TYPE_CHECKING:
    from headway.services.reads.reports import PeriodReport


@dataclass(frozen=True, slots=True)
class ReportKey:
    """What a period report depends on besides the rows: whose, which period, when, graded how."""

    workspace_id: int
    period_id: int
    as_of: date
    thresholds: StatusThresholds


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What the cache did so far: reports computed from their rows (`computed`, of which
    `coached` with findings), and reports served as kept (`served_warm`). Counts, not timings:
    tests read them to check that a page computes its period once, or not at all."""

    computed: int = 0
    coached: int = 0
    served_warm: int = 0

    @property
    def requested(self) -> int:
        """Every report asked for, computed or served warm."""
        return self.computed + self.served_warm


@dataclass(slots=True)
class _Kept:
    revision: int
    complete: bool  # with coaching and every KPI's figures (else only what a page needs)
    report: PeriodReport


@dataclass(slots=True)
class WarmReports:
    """The last `capacity` reports this process computed, by key (0 keeps none)."""

    capacity: int = 2
    _kept: OrderedDict[ReportKey, _Kept] = field(default_factory=OrderedDict)
    _building: dict[ReportKey, threading.RLock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stats: CacheStats = field(default_factory=CacheStats)

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            return self._stats

    @contextmanager
    def building(self, key: ReportKey) -> Iterator[None]:
        """Hold the key while its report is looked up and, if need be, computed."""
        with self._lock:
            lock = self._building.setdefault(key, threading.RLock())
        with lock:
            yield

    def kept(self, key: ReportKey, revision: int, *, complete: bool) -> PeriodReport | None:
        """The report kept for the key at this revision (complete if asked so), else None; a
        copy kept at another revision is dropped at once (its replacement is about to be
        computed), and so is the least recently used one when the cache is full."""
        with self._lock:
            found = self._kept.get(key)
            if found is not None and found.revision == revision:
                if found.complete or not complete:
                    self._kept.move_to_end(key)
                    self._count(served_warm=1)
                    return found.report
            if found is not None and found.revision <= revision:
                del self._kept[key]
            while self._kept and len(self._kept) >= self.capacity:
                self._kept.popitem(last=False)
            return None

    def keep(self, key: ReportKey, revision: int, report: PeriodReport, *, complete: bool) -> None:
        """Keep a report just computed from rows read at `revision` (unless a newer is kept)."""
        with self._lock:
            self._count(computed=1, coached=int(complete))
            if self.capacity <= 0:
                return
            found = self._kept.get(key)
            if found is not None and found.revision > revision:
                return
            self._kept[key] = _Kept(revision=revision, complete=complete, report=report)
            self._kept.move_to_end(key)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept report (the statistics stay)."""
        with self._lock:
            self._kept.clear()

    def _count(self, *, computed: int = 0, coached: int = 0, served_warm: int = 0) -> None:
        s = self._stats
        self._stats = CacheStats(
            computed=s.computed + computed,
            coached=s.coached + coached,
            served_warm=s.served_warm + served_warm,
        )
