"""The jobs Headway knows, by name, and what one run of a job reports.

A job module registers its function with `@job("name")`; `catalogue.load()` imports every job
module, so that the registry is complete wherever jobs are run (the CLI, the scheduler).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from headway.config import Settings
from headway.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class JobContext:
    """What a run of a job acts with: the database, the settings and the moment it runs at.

    `as_of` is the day the run acts for (None: today in each workspace's timezone); `now` is
    the clock of the run, which records when things were sent. `scheduled` is True when the
    scheduler started the run on its own timetable, False for `headway jobs run`; a job whose
    work has its own hour (the weekly digest) acts only once that hour has come when scheduled.
    """

    uow: UnitOfWork
    settings: Settings
    now: datetime
    as_of: date | None = None
    scheduled: bool = False


@dataclass(slots=True, kw_only=True)
class JobRun:
    """What one run did: a line per thing sent, stored or refused, for people and for logs."""

    job: str
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failures recorded, never raised

    def did(self, line: str) -> None:
        self.lines.append(line)

    def failed(self, line: str) -> None:
        self.problems.append(line)


JobFunction = Callable[[JobContext], JobRun]

JOBS: dict[str, JobFunction] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register `function` as the job `name` (one function per name)."""

    def register(function: JobFunction) -> JobFunction:
        if name in JOBS and JOBS[name] is not function:
            raise ValueError(f"two jobs are named {name!r}")
        JOBS[name] = function
        return function

    return register


NudgeHook = Callable[[str], None]

_NUDGE_HOOKS: list[NudgeHook] = []


def on_nudge(hook: NudgeHook) -> None:
    """Let whatever runs jobs in this process (the scheduler in `headway serve`, a worker's
    queue) hear `nudge`: `hook(name)` should arrange for the job to run soon, without waiting."""
    if hook not in _NUDGE_HOOKS:
        _NUDGE_HOOKS.append(hook)


def off_nudge(hook: NudgeHook) -> None:
    """Stop telling `hook` about nudges (a scheduler that stops)."""
    if hook in _NUDGE_HOOKS:
        _NUDGE_HOOKS.remove(hook)


def nudge(name: str) -> None:
    """Ask for the job `name` to run soon (after a write that gives it work, such as a batch of
    measurements for "kpi-alerts"). Call it after the write commits. With no scheduler in this
    process (the CLI, tests) nothing happens: the job's own timetable still runs it."""
    for hook in list(_NUDGE_HOOKS):
        hook(name)


class UnknownJob(LookupError):
    """No job has that name."""


def run_job(name: str, context: JobContext) -> JobRun:
    """Run the job `name` once, now."""
    from headway.services.jobs import catalogue

    catalogue.load()
    function = JOBS.get(name)
    if function is None:
        known = ", ".join(sorted(JOBS)) or "none yet"
        raise UnknownJob(f"no job is named {name!r} (known: {known})")
    return function(context)
