"""The period report: every figure of a period "as of" a date, computed in one pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from heapq import merge
from typing import TypeVar

from headway.domain.errors import NotFound
from headway.domain.evaluation import evaluate, reevaluate
from headway.domain.kpi import bucket_series
from headway.domain.lint import coach
from headway.domain.model import (
    Figures,
    Finding,
    KeyResult,
    KeyResultKind,
    Measurement,
    Objective,
    Period,
    PeriodData,
    StatusThresholds,
    Workspace,
)
from headway.domain.overall import Overall, overall_progress
from headway.domain.periods import current_period, expected_progress, today_in
from headway.services.reads.warm_reports import How, Kept, ReportKey, WarmReports
from headway.store import periods as period_store
from headway.store import revisions as revision_store
from headway.store.revisions import Change
from headway.store.uow import Connection, UnitOfWork


@dataclass(slots=True)
class PeriodReport:
    workspace: Workspace
    period: Period
    as_of: date
    expected: float
    # The rows the figures were made from, but for the measurements (no caller reads them:
    # the KPI figures hold what is shown of them, and they are most of the rows' memory).
    data: PeriodData
    figures: Figures
    findings: list[Finding]  # empty when the report was made without coaching
    overall: Overall  # the headline: overall progress of the period and its status

    def copy(self) -> PeriodReport:
        """The same report in containers of its own: what a caller adds to or takes from its
        lists and dicts never reaches a kept report (the rows in them are the kept report's
        own objects: read them, never change them)."""
        d, f = self.data, self.figures
        return replace(
            self,
            data=replace(
                d,
                periods=dict(d.periods),
                objectives=list(d.objectives),
                key_results=list(d.key_results),
                check_ins=list(d.check_ins),
                kpis=list(d.kpis),
                measurements=list(d.measurements),
                units=dict(d.units),
                people=dict(d.people),
            ),
            figures=replace(
                f, key_results=dict(f.key_results), objectives=dict(f.objectives), kpis=dict(f.kpis)
            ),
            findings=list(self.findings),
        )

    def objectives(self) -> list[Objective]:
        """The period's own objectives, in their order."""
        return [o for o in self.data.objectives if o.period_id == self.period.id]

    def key_results_by_objective(self) -> dict[int, list[KeyResult]]:
        """Each objective's key results, in their order."""
        grouped: dict[int, list[KeyResult]] = {}
        for kr in self.data.key_results:
            grouped.setdefault(kr.objective_id, []).append(kr)
        return grouped


def find_period(periods: list[Period], name: str | None, on: date) -> Period:
    """The period called `name`, else the current one (see `current_period`)."""
    if name is not None:
        for p in periods:
            if p.name == name or str(p.id) == name:
                return p
        raise NotFound(f"no period is named {name!r}")
    found = current_period(periods, on)
    if found is None:
        raise NotFound(f"no open period contains {on.isoformat()}: name one with --period")
    return found


def period_by_id(periods: list[Period], period_id: int) -> Period:
    """The period with this id (the API names periods by id, never by name)."""
    for p in periods:
        if p.id == period_id:
            return p
    raise NotFound(f"period {period_id} does not exist")


def kpi_values_before(data: PeriodData, period: Period) -> dict[int, float | None]:
    """Each KPI's latest bucket value on the eve of the period (for coaching rule OKR006)."""
    eve = period.start_date - timedelta(days=1)
    by_kpi: dict[int, list[Measurement]] = defaultdict(list)
    for m in data.measurements:
        if m.at <= eve:
            by_kpi[m.kpi_id].append(m)
    values: dict[int, float | None] = {}
    for kpi in data.kpis:
        series = bucket_series(kpi, by_kpi[kpi.id], data.fiscal_year_start_month, eve)
        values[kpi.id] = series[-1][1] if series else None
    return values


def linked_only(data: PeriodData) -> PeriodData:
    """The rows with only the KPIs (and their measurements) the key results follow."""
    linked = {kr.kpi_id for kr in data.key_results if kr.kpi_id is not None}
    return replace(
        data,
        kpis=[k for k in data.kpis if k.id in linked],
        measurements=[m for m in data.measurements if m.kpi_id in linked],
    )


def period_report(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    period: str | None = None,
    period_id: int | None = None,
    as_of: date | None = None,
    thresholds: StatusThresholds,
    clock: Callable[[], datetime],
    complete: bool = True,
    warm: WarmReports | None = None,
) -> PeriodReport:
    """Load a period's rows set-based, then score, grade and coach them in the domain.

    The period is the one with `period_id`, else the one named `period`, else the current one.
    `complete=False` is what a page that shows no findings needs: the findings are left empty
    (the figures are the same either way: coaching only reads them) and KPI figures are
    computed only for the KPIs the loaded key results follow (`data` still holds every KPI;
    every key result's and objective's figure is the same, since a key result reads only its
    own KPI's measurements).

    With `warm` (the server's cache) a report kept at the workspace revision of this read's
    snapshot is served as it is (a copy of its containers; a complete one serves any caller),
    and a report computed afresh is kept for the next request.
    """
    day = as_of or today_in(workspace, clock)
    if warm is None:
        with uow.reading():
            chosen = _chosen_period(uow, workspace, period, period_id, day)
            data = period_store.load_period_data(uow.conn, workspace, chosen, as_of=day)
        return _computed(workspace, chosen, data, day, thresholds, complete).report
    return _served(uow, workspace, period, period_id, day, thresholds, complete, warm, _report_of)


def period_answer(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    period_id: int,
    as_of: date | None = None,
    thresholds: StatusThresholds,
    clock: Callable[[], datetime],
    warm: WarmReports | None = None,
    answer_format: str,
    encode: Callable[[PeriodReport], bytes],
) -> bytes:
    """The period's complete report as `encode` writes it in `answer_format` (the caller's
    encoding: JSON, Markdown, HTML). With `warm` the encoded answer is kept beside the kept
    report, made at most once per kept report and format: a report served warm is sent as
    it was encoded, and a report patched or computed again is encoded afresh."""
    if warm is None:
        report = period_report(
            uow, workspace, period_id=period_id, as_of=as_of, thresholds=thresholds, clock=clock
        )
        return encode(report)
    day = as_of or today_in(workspace, clock)

    def answer(kept: Kept) -> bytes:
        found = kept.answers.get(answer_format)
        if found is None:
            found = kept.answers[answer_format] = encode(kept.report.copy())
        return found

    return _served(uow, workspace, None, period_id, day, thresholds, True, warm, answer)


_T = TypeVar("_T")


def _report_of(kept: Kept) -> PeriodReport:
    return kept.report.copy()


def _served(
    uow: UnitOfWork,
    workspace: Workspace,
    period: str | None,
    period_id: int | None,
    day: date,
    thresholds: StatusThresholds,
    complete: bool,
    warm: WarmReports,
    serve: Callable[[Kept], _T],
) -> _T:
    """What `serve` makes of the key's kept report, brought up to date first (served as
    kept, patched, or computed again and kept); `serve` runs while the key is held, so that
    the requests waiting for it find what it made."""
    with ExitStack() as held:
        with uow.reading():
            chosen = _chosen_period(uow, workspace, period, period_id, day)
            key = ReportKey(
                workspace.id,
                chosen.id,
                day,
                thresholds,
                workspace.fiscal_year_start_month,
                workspace.timezone,
            )
            # One request brings a key's report up to date while the others for it wait,
            # then are served what it kept.
            held.enter_context(warm.building(key))
            conn = uow.conn
            revision = revision_store.workspace_revision(conn, workspace.id)
            kept = warm.kept(key)
            usable = kept is not None and kept.revision <= revision
            fresh: Kept | None = None
            how: How = "served_warm"
            if kept is not None and usable and (kept.complete or not complete):
                fresh = kept
                if kept.revision < revision:
                    changes = revision_store.changes_since(conn, workspace.id, kept.revision)
                    fresh = _patched(conn, workspace, chosen, kept, changes, revision, thresholds)
                    how = (
                        "served_warm"
                        if fresh is not None and fresh.report is kept.report
                        else "patched"
                    )
            if fresh is None:
                if kept is None or usable:
                    # The old copy goes before the new one is made. (A kept report newer than
                    # this snapshot stays: this request's is computed, and not kept.)
                    warm.forget(key)
                data = period_store.load_period_data(conn, workspace, chosen, as_of=day)
        if fresh is not None:
            warm.keep(key, fresh, how)
            return serve(fresh)
        kept = _computed(workspace, chosen, data, day, thresholds, complete, revision)
        warm.keep(key, kept, "computed")
        return serve(kept)


def _chosen_period(
    uow: UnitOfWork, workspace: Workspace, name: str | None, period_id: int | None, day: date
) -> Period:
    periods = period_store.load_periods(uow.conn, workspace.id)
    if period_id is not None:
        return period_by_id(periods, period_id)
    return find_period(periods, name, day)


def _computed(
    workspace: Workspace,
    chosen: Period,
    data: PeriodData,
    day: date,
    thresholds: StatusThresholds,
    complete: bool,
    revision: int = 0,
) -> Kept:
    """The report of rows loaded: complete (coached, every KPI), or only what a page shows."""
    figures = evaluate(data if complete else linked_only(data), day, thresholds)
    before = kpi_values_before(data, chosen) if complete else {}
    return _made(workspace, chosen, data, figures, before, complete, revision, thresholds)


def _made(
    workspace: Workspace,
    chosen: Period,
    data: PeriodData,
    figures: Figures,
    before: dict[int, float | None],
    complete: bool,
    revision: int,
    thresholds: StatusThresholds,
) -> Kept:
    day = figures.as_of
    expected = expected_progress(chosen.start_date, chosen.end_date, day)
    own = [o for o in data.objectives if o.period_id == chosen.id]
    report = PeriodReport(
        workspace=workspace,
        period=chosen,
        as_of=day,
        expected=expected,
        data=replace(data, measurements=[]),
        figures=figures,
        findings=coach(data, chosen, figures, day, kpi_value_before=before) if complete else [],
        overall=overall_progress(
            own, figures.objectives, data.units.values(), expected, thresholds
        ),
    )
    return Kept(revision=revision, complete=complete, report=report, kpi_values_before=before)


# Rows no figure reads: a change to them leaves every figure as it was.
_UNREAD = frozenset({"initiative", "web_session", "api_token", "kpi_ingest_token", "webhook"})
# More changed key results and KPIs than this, and computing afresh is no dearer.
_MOST_PATCHED = 200


def _patched(
    conn: Connection,
    workspace: Workspace,
    chosen: Period,
    kept: Kept,
    changes: list[Change] | None,
    revision: int,
    thresholds: StatusThresholds,
) -> Kept | None:
    """The kept report brought to `revision` from what changed since, or None when it cannot
    be (the log does not reach back, or a change is not of a kind patched: only key results
    that are no rollup and stay with their objective, their check-ins, KPIs that still exist
    and their measurements are; rows no figure reads are passed over)."""
    if changes is None:
        return None
    key_result_ids: set[int] = set()
    kpi_ids: set[int] = set()
    for change in changes:
        if change.subject_type in _UNREAD:
            continue
        if change.subject_id is None:
            return None
        if change.subject_type == "key_result":
            key_result_ids.add(change.subject_id)
        elif change.subject_type == "kpi":
            kpi_ids.add(change.subject_id)
        else:
            return None
    if len(key_result_ids) + len(kpi_ids) > _MOST_PATCHED:
        return None
    if not key_result_ids and not kpi_ids:
        return replace(kept, revision=revision)
    old = kept.report.data
    day = kept.report.as_of
    rows = period_store.load_changed_rows(conn, workspace.id, key_result_ids, kpi_ids, as_of=day)
    if {k.id for k in rows.kpis} != kpi_ids:
        return None  # a KPI deleted: key results may have let go of it
    objective_ids = {o.id for o in old.objectives}
    was = {kr.id: kr for kr in old.key_results if kr.id in key_result_ids}
    now = {kr.id: kr for kr in rows.key_results if kr.objective_id in objective_ids}
    emptied: set[int] = set()
    for kr_id in key_result_ids:
        old_kr, new_kr = was.get(kr_id), now.get(kr_id)
        if any(kr is not None and kr.kind is KeyResultKind.ROLLUP for kr in (old_kr, new_kr)):
            return None
        if old_kr is not None and new_kr is not None and old_kr.objective_id != new_kr.objective_id:
            return None
        if old_kr is not None and new_kr is None:
            if any(o.parent_key_result_id == kr_id for o in old.objectives):
                return None
            emptied.add(old_kr.objective_id)
    data = replace(
        old,
        key_results=sorted(
            [kr for kr in old.key_results if kr.id not in key_result_ids] + list(now.values()),
            key=lambda kr: (kr.objective_id, kr.position, kr.id),
        ),
        check_ins=list(
            merge(
                [c for c in old.check_ins if c.key_result_id not in key_result_ids],
                [c for c in rows.check_ins if c.key_result_id in now],
                key=lambda c: c.id,
            )
        ),
        kpis=list(
            merge([k for k in old.kpis if k.id not in kpi_ids], rows.kpis, key=lambda k: k.id)
        ),
        # What the re-evaluation reads: the changed KPIs' and those changed key results follow.
        measurements=rows.measurements,
    )
    figures = reevaluate(
        data if kept.complete else linked_only(data),
        kept.report.figures,
        thresholds,
        key_results=key_result_ids,
        kpis=kpi_ids,
        objectives=emptied,
    )
    before = kept.kpi_values_before
    if kept.complete and kpi_ids:
        changed = replace(data, kpis=rows.kpis, measurements=rows.measurements)
        before = {k: v for k, v in before.items() if k not in kpi_ids}
        before |= kpi_values_before(changed, chosen)
    return _made(workspace, chosen, data, figures, before, kept.complete, revision, thresholds)
