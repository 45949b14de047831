"""The job registry: one function per name, an unknown name refused naming the known ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from headway.config import load_settings
from headway.services.jobs import registry
from headway.services.jobs.registry import JobContext, JobRun, UnknownJob, job, run_job
from headway.store.uow import make_uow


@pytest.fixture
def clean_registry() -> Iterator[None]:
    kept = dict(registry.JOBS)
    yield
    registry.JOBS.clear()
    registry.JOBS.update(kept)


def _context() -> JobContext:
    settings = load_settings(database_url="sqlite://")
    return JobContext(
        uow=make_uow(settings), settings=settings, now=datetime(2026, 12, 2, tzinfo=UTC)
    )


@pytest.mark.usefixtures("clean_registry")
def test_a_registered_job_runs_by_name_and_reports_what_it_did() -> None:
    @job("tidy-up")
    def tidy(context: JobContext) -> JobRun:
        done = JobRun(job="tidy-up")
        done.did(f"tidied at {context.now:%Y-%m-%d}")
        done.failed("one thing could not be tidied")
        return done

    ran = run_job("tidy-up", _context())
    assert (ran.lines, ran.problems) == (
        ["tidied at 2026-12-02"],
        ["one thing could not be tidied"],
    )


@pytest.mark.usefixtures("clean_registry")
def test_two_jobs_of_one_name_and_an_unknown_name_are_refused() -> None:
    @job("once")
    def first(context: JobContext) -> JobRun:
        return JobRun(job="once")

    job("once")(first)  # the same function again is no clash
    with pytest.raises(ValueError, match="two jobs are named 'once'"):

        @job("once")
        def second(context: JobContext) -> JobRun:
            return JobRun(job="once")

    with pytest.raises(UnknownJob, match=r"no job is named 'nothing' \(known: .*once"):
        run_job("nothing", _context())
