"""Every figure of a period's rows as of a date, computed in one pass over indexed rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from typing import Literal

from headway.domain.forecast import check_in_points, forecast, kpi_points
from headway.domain.kpi import kpi_figures
from headway.domain.model import (
    CheckIn,
    Figures,
    KeyResult,
    KeyResultFigures,
    KeyResultKind,
    Kpi,
    KpiFigures,
    Measurement,
    Objective,
    ObjectiveFigures,
    Period,
    PeriodData,
    StatusThresholds,
)
from headway.domain.periods import expected_progress
from headway.domain.scoring import (
    DEFAULT_THRESHOLDS,
    check_in_order,
    metric_progress,
    milestone_progress,
    objective_score,
    rollup_progress,
    score_of,
    status,
)

# Objectives and rollup key results depend on each other through alignment; they are the
# nodes of the graph resolved below. Metric and milestone key results are leaves.
_Node = tuple[Literal["objective", "rollup"], int]


def evaluate(
    data: PeriodData, as_of: date, thresholds: StatusThresholds = DEFAULT_THRESHOLDS
) -> Figures:
    """Score, expected progress and status of every key result and objective, and KPI figures."""
    return _Evaluation(data, as_of, thresholds).run()


def reevaluate(
    data: PeriodData,
    previous: Figures,
    thresholds: StatusThresholds = DEFAULT_THRESHOLDS,
    *,
    key_results: Collection[int] = (),
    kpis: Collection[int] = (),
    objectives: Collection[int] = (),
) -> Figures:
    """What `evaluate(data, previous.as_of, thresholds)` returns, computing only what changed.

    `previous` are the figures of the rows before a change, as of the same date with the same
    thresholds; `data` differs from those rows only in the key results `key_results` (their own
    fields or their check-ins; added or removed too, but neither a rollup nor moved to another
    objective), the KPIs `kpis` (their own fields or measurements) and the objectives whose
    key results were removed or moved away (`objectives`). Recomputed: those key results and
    the ones following those KPIs, their objectives, every objective and rollup key result
    above them through alignment or contribution, and those KPIs' figures; every other figure
    is the previous one. Objectives and rollups in a cycle depend on each other, so they are
    recomputed together, in the order `evaluate` meets them, and come out the same. When an
    objective takes its first key result or loses its last, everything is computed afresh.
    """
    as_of = previous.as_of
    changed_kpis = set(kpis)
    changed = set(key_results) | {
        kr.id
        for kr in data.key_results
        if kr.kpi_id in changed_kpis or kr.id not in previous.key_results
    }
    by_id = {kr.id: kr for kr in data.key_results}
    # Where `evaluate` cuts a loop depends on the order it meets the loop's rows in, and so on
    # what each objective leads to: its rollups while it has key results, else its inputs. An
    # objective taking its first key result or losing its last may move the cut in a loop
    # below it, changing figures nothing above the change would recompute: start afresh.
    had = {kr.objective_id for kr in data.key_results if kr.id in previous.key_results}
    has = {kr.objective_id for kr in data.key_results}
    new = {kr.objective_id for kr in data.key_results if kr.id not in previous.key_results}
    if (new - had - set(objectives)) or (set(objectives) - has):
        return evaluate(data, as_of, thresholds)
    objective_of = {o.id: o for o in data.objectives}
    # What each objective feeds: the reverse of the inputs `_Evaluation.dependencies` reads.
    objective_inputs, rollup_inputs = _inputs(data.objectives)
    feeds: dict[int, list[_Node]] = defaultdict(list)
    for target, inputs in objective_inputs.items():
        if target in objective_of:
            for source in inputs:
                feeds[source].append(("objective", target))
    for target, inputs in rollup_inputs.items():
        if target in by_id and by_id[target].kind is _ROLLUP:
            for source in inputs:
                feeds[source].append(("rollup", target))

    # Everything above what changed: objectives through the objectives and rollup key
    # results they are an input of (as a child, aligned or contributing), rollups through
    # their objective.
    dirty: set[_Node] = {("objective", o) for o in objectives}
    dirty |= {("objective", o.id) for o in data.objectives if o.id not in previous.objectives}
    dirty |= {("objective", by_id[k].objective_id) for k in changed if k in by_id}
    dirty |= {("rollup", k) for k in changed if k in by_id and by_id[k].kind is _ROLLUP}
    waiting = list(dirty)
    while waiting:
        kind, node_id = waiting.pop()
        above: list[_Node] = (
            [("objective", by_id[node_id].objective_id)] if kind == "rollup" else feeds[node_id]
        )
        for node in above:
            if node not in dirty and (node[0] == "rollup" or node[1] in objective_of):
                dirty.add(node)
                waiting.append(node)
    dirty_objectives = {i for kind, i in dirty if kind == "objective" and i in objective_of}
    dirty_rollups = {i for kind, i in dirty if kind == "rollup" and by_id[i].kind is _ROLLUP}

    check_ins_of = set(changed)
    measurements_of = changed_kpis | {k.id for k in data.kpis if k.id not in previous.kpis}
    for k in changed:
        kpi_id = by_id[k].kpi_id if k in by_id else None
        if kpi_id is not None:
            measurements_of.add(kpi_id)
    ev = _Evaluation(
        data, as_of, thresholds, check_ins_of=check_ins_of, measurements_of=measurements_of
    )
    for kr in data.key_results:
        if kr.id in changed or kr.id in dirty_rollups or kr.id not in previous.key_results:
            continue
        ev.kr_figures[kr.id] = previous.key_results[kr.id]
    for o in data.objectives:
        if o.id not in dirty_objectives and o.id in previous.objectives:
            ev.objective_scores[o.id] = previous.objectives[o.id].score
    for kr in data.key_results:
        if kr.id in changed and kr.kind is not KeyResultKind.ROLLUP:
            ev.kr_figures[kr.id] = ev.leaf_figures(kr)
    for o in data.objectives:
        if o.id in dirty_objectives:
            ev.resolve(("objective", o.id))
    for kr in data.key_results:
        if kr.id in dirty_rollups:
            ev.resolve(("rollup", kr.id))
    objective_figures = {
        o.id: ev.objective_figures(o.id) if o.id in dirty_objectives else previous.objectives[o.id]
        for o in data.objectives
    }
    kpi_figures_now = {
        k.id: previous.kpis[k.id]
        if k.id not in changed_kpis and k.id in previous.kpis
        else ev.kpi_figures(k)
        for k in data.kpis
    }
    key_result_figures = {kr.id: ev.kr_figures[kr.id] for kr in data.key_results}
    return Figures(
        as_of=as_of,
        key_results=key_result_figures,
        objectives=objective_figures,
        kpis=kpi_figures_now,
    )


_ROLLUP = KeyResultKind.ROLLUP


def _inputs(objectives: Iterable[Objective]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Which objectives count in which: (objective id -> inputs, key result id -> inputs).

    An objective is an input of its parent objective and of the objectives it contributes
    to, and of the key result it is aligned under and those it contributes to (which count it
    only if they are rollups, and an objective only if it has no key results). A draft is an
    input of nothing. An objective both aligned under and contributing to the same row counts
    there once. Inputs are listed in the order of `objectives`.
    """
    objective_inputs: dict[int, list[int]] = defaultdict(list)
    rollup_inputs: dict[int, list[int]] = defaultdict(list)
    for o in objectives:
        if o.is_draft:
            continue
        parents = [] if o.parent_id is None else [o.parent_id]
        for target in dict.fromkeys([*parents, *o.contributes_to]):
            objective_inputs[target].append(o.id)
        aligned = [] if o.parent_key_result_id is None else [o.parent_key_result_id]
        for target in dict.fromkeys([*aligned, *o.contributes_to_key_results]):
            rollup_inputs[target].append(o.id)
    return objective_inputs, rollup_inputs


class _Evaluation:
    """The indexes of one `evaluate` call and the figures memoised so far."""

    def __init__(
        self,
        data: PeriodData,
        as_of: date,
        thresholds: StatusThresholds,
        *,
        check_ins_of: Collection[int] | None = None,
        measurements_of: Collection[int] | None = None,
    ) -> None:
        """Index the rows; only the check-ins of the key results `check_ins_of` and the
        measurements of the KPIs `measurements_of` when given (a re-evaluation reads no more)."""
        self.data = data
        self.as_of = as_of
        self.thresholds = thresholds

        self.latest_check_in: dict[int, CheckIn] = {}
        # Every check-in up to "as of", by key result: the forecast's points.
        self.check_ins_by_key_result: dict[int, list[CheckIn]] = defaultdict(list)
        for c in data.check_ins:
            if c.effective_date > as_of:
                continue
            if check_ins_of is not None and c.key_result_id not in check_ins_of:
                continue
            self.check_ins_by_key_result[c.key_result_id].append(c)
            seen = self.latest_check_in.get(c.key_result_id)
            if seen is None or check_in_order(c) > check_in_order(seen):
                self.latest_check_in[c.key_result_id] = c

        self.measurements: dict[int, list[Measurement]] = defaultdict(list)
        for m in data.measurements:
            if m.at <= as_of and (measurements_of is None or m.kpi_id in measurements_of):
                self.measurements[m.kpi_id].append(m)

        self.kpis = {k.id: k for k in data.kpis}
        self.objectives = {o.id: o for o in data.objectives}
        self.key_results = {kr.id: kr for kr in data.key_results}
        self.key_results_of: dict[int, list[KeyResult]] = defaultdict(list)
        for kr in data.key_results:
            self.key_results_of[kr.objective_id].append(kr)
        # An objective without key results is scored from these (its children and the
        # objectives contributing to it), a rollup from those aligned under or contributing to it.
        self.objective_inputs, self.rollup_inputs = _inputs(data.objectives)

        self.expected: dict[int, float] = {}
        for o in data.objectives:
            period = data.periods.get(o.period_id)
            # The store loads every objective's period; without one nothing is expected yet.
            self.expected[o.id] = (
                expected_progress(period.start_date, period.end_date, as_of) if period else 0.0
            )

        self.kr_figures: dict[int, KeyResultFigures] = {}
        self.objective_scores: dict[int, float | None] = {}
        # A linked KPI's buckets in a period: (date of the bucket's latest measurement, value).
        self.kpi_series: dict[tuple[int, int | None], list[tuple[date, float]]] = {}

    def run(self) -> Figures:
        for kr in self.data.key_results:
            if kr.kind is not KeyResultKind.ROLLUP:
                self.kr_figures[kr.id] = self.leaf_figures(kr)
        for o in self.data.objectives:
            self.resolve(("objective", o.id))
        for kr in self.data.key_results:
            if kr.kind is KeyResultKind.ROLLUP:
                self.resolve(("rollup", kr.id))

        objectives = {o.id: self.objective_figures(o.id) for o in self.data.objectives}
        kpis = {k.id: self.kpi_figures(k) for k in self.data.kpis}
        return Figures(
            as_of=self.as_of, key_results=self.kr_figures, objectives=objectives, kpis=kpis
        )

    def objective_figures(self, objective_id: int) -> ObjectiveFigures:
        score = self.objective_scores.get(objective_id)
        expected = self.expected[objective_id]
        return ObjectiveFigures(
            objective_id=objective_id,
            score=score,
            expected=expected,
            # From the score alone: a low-confidence key result is at risk on its own.
            status=None if score is None else status(score, expected, None, self.thresholds),
        )

    def kpi_figures(self, kpi: Kpi) -> KpiFigures:
        return kpi_figures(
            kpi, self.measurements.get(kpi.id, []), self.data.fiscal_year_start_month, self.as_of
        )

    # --- key results that take values: check-ins or a KPI -----------------------------------

    def leaf_figures(self, kr: KeyResult) -> KeyResultFigures:
        """Figures of a metric or milestone key result."""
        current: float | None = None
        confidence: int | None = None
        last_update: date | None = None
        if kr.kpi_id is not None:
            current, last_update = self.kpi_value(kr, kr.kpi_id)
        else:
            latest = self.latest_check_in.get(kr.id)
            if latest is not None:
                current, confidence = latest.value, latest.confidence
                last_update = latest.effective_date
        if kr.kind is KeyResultKind.MILESTONE:
            progress = milestone_progress(current)
        else:
            progress = metric_progress(kr.start_value, kr.target_value, current)
            if current is None:
                current = kr.start_value
        figures = self.figures(kr, current, progress, confidence, last_update)
        if kr.kind is KeyResultKind.METRIC:
            figures.forecast_value, figures.forecast_score = self.forecast(kr)
        return figures

    def period_of(self, kr: KeyResult) -> Period | None:
        """The period of the key result's objective (the store always loads it)."""
        objective = self.objectives.get(kr.objective_id)
        return self.data.periods.get(objective.period_id) if objective else None

    def kpi_window(self, period: Period | None) -> tuple[date | None, date]:
        """The dates a linked KPI's measurements count in: inside the period, up to "as of"."""
        since = period.start_date if period else None
        until = min(self.as_of, period.end_date) if period else self.as_of
        return since, until

    def kpi_value(self, kr: KeyResult, kpi_id: int) -> tuple[float | None, date | None]:
        """Latest bucket value and measurement date of the linked KPI inside the KR's period."""
        kpi = self.kpis.get(kpi_id)
        series = self.linked_series(kr, kpi) if kpi is not None else []
        return (series[-1][1], series[-1][0]) if series else (None, None)

    def linked_series(self, kr: KeyResult, kpi: Kpi) -> list[tuple[date, float]]:
        """The KPI's buckets inside the key result's period up to "as of", each at the date of
        its latest measurement: the current value is the last, the forecast fits them all."""
        period = self.period_of(kr)
        cache_key = (kpi.id, period.id if period else None)
        series = self.kpi_series.get(cache_key)
        if series is None:
            since, until = self.kpi_window(period)
            series = kpi_points(
                kpi,
                self.measurements.get(kpi.id, []),
                self.data.fiscal_year_start_month,
                until,
                since,
            )
            self.kpi_series[cache_key] = series
        return series

    def forecast(self, kr: KeyResult) -> tuple[float | None, float | None]:
        """Forecast value and score of a metric key result; (None, None) without one.

        It depends only on the key result, its period and its own check-ins or its KPI's
        measurements, so a re-evaluation recomputing just this key result gets it right.
        """
        period = self.period_of(kr)
        if period is None:
            return None, None
        if kr.kpi_id is not None:
            kpi = self.kpis.get(kr.kpi_id)
            if kpi is None:
                return None, None
            points = self.linked_series(kr, kpi)
        else:
            points = check_in_points(self.check_ins_by_key_result.get(kr.id, []), self.as_of)
        end = kr.due_date or period.end_date
        found = forecast(period.start_date, kr.start_value, kr.target_value, points, end)
        return found if found is not None else (None, None)

    def expected_of(self, kr: KeyResult) -> float:
        """The objective's expected progress, or, with a due date, the share of [start, due]."""
        period = self.period_of(kr) if kr.due_date is not None else None
        if kr.due_date is None or period is None:
            return self.expected.get(kr.objective_id, 0.0)
        return expected_progress(period.start_date, kr.due_date, self.as_of)

    def figures(
        self,
        kr: KeyResult,
        current: float | None,
        progress: float,
        confidence: int | None,
        last_update: date | None,
    ) -> KeyResultFigures:
        score = score_of(progress)
        expected = self.expected_of(kr)
        return KeyResultFigures(
            key_result_id=kr.id,
            current_value=current,
            progress=progress,
            score=score,
            expected=expected,
            status=status(score, expected, confidence, self.thresholds),
            confidence=confidence,
            last_update=last_update,
        )

    # --- objectives and rollups: a graph resolved depth first, without recursion -------------

    def dependencies(self, node: _Node) -> list[_Node]:
        kind, node_id = node
        if kind == "rollup":
            return [("objective", o) for o in self.rollup_inputs.get(node_id, [])]
        own = self.key_results_of.get(node_id, [])
        if own:
            return [("rollup", kr.id) for kr in own if kr.kind is KeyResultKind.ROLLUP]
        return [("objective", c) for c in self.objective_inputs.get(node_id, [])]

    def resolve(self, root: _Node) -> None:
        """Compute `root` after everything it depends on, each node once.

        An explicit stack keeps deep alignment chains clear of the recursion limit. Nodes
        expanded but not yet computed are exactly the current path, so meeting one again means
        a cycle: that dependency is left uncomputed and counts as having no score.
        """
        on_path: set[_Node] = set()
        stack: list[tuple[_Node, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if self.is_computed(node) or (not expanded and node in on_path):
                continue
            if expanded:
                self.compute(node)
                on_path.discard(node)
                continue
            on_path.add(node)
            stack.append((node, True))
            for dependency in self.dependencies(node):
                if dependency not in on_path and not self.is_computed(dependency):
                    stack.append((dependency, False))

    def is_computed(self, node: _Node) -> bool:
        kind, node_id = node
        if kind == "rollup":
            return node_id in self.kr_figures
        return node_id in self.objective_scores

    def compute(self, node: _Node) -> None:
        kind, node_id = node
        if kind == "rollup":
            kr = self.key_results[node_id]
            progress = rollup_progress(
                self.objective_scores.get(o) for o in self.rollup_inputs.get(node_id, [])
            )
            self.kr_figures[node_id] = self.figures(kr, None, progress, None, None)
            return
        own = self.key_results_of.get(node_id, [])
        weighted = [
            (kr.weight, self.kr_figures[kr.id].score) for kr in own if kr.id in self.kr_figures
        ]
        inputs = [self.objective_scores.get(c) for c in self.objective_inputs.get(node_id, [])]
        # Key results whose score is unknown only arise in a cycle; with some key results the
        # children and contributors never count, even if every key result was cut off.
        self.objective_scores[node_id] = (
            objective_score(weighted, inputs) if not own or weighted else None
        )
