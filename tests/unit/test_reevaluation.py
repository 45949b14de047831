"""`reevaluate` after any sequence of writes equals a fresh `evaluate`, figure for figure.

Random workspaces (objectives aligned in trees, some in cycles, drafts, objectives contributing
to objectives and key results, cycles through those too, rollups, milestones, key results
following KPIs, check-ins and measurements before and after "as of") take a random sequence of
the writes the warm reports patch: a check-in, a measurement, a key result's own fields (its
due date too: forecasts and expected progress follow it), a KPI's own fields, a key result
added or removed.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

from evaluation_rows import AS_OF, QUARTER, YEAR, check_in, data, metric, objective
from hypothesis import given, settings
from hypothesis import strategies as st

from headway.domain.evaluation import evaluate, reevaluate
from headway.domain.model import (
    Aggregation,
    Cadence,
    CheckIn,
    Direction,
    KeyResult,
    KeyResultKind,
    Kpi,
    Measurement,
    Objective,
    ObjectiveState,
    PeriodData,
    StatusThresholds,
)

THRESHOLDS = StatusThresholds(on_track_gap=0.1, at_risk_gap=0.25, low_confidence=3)
CREATED = datetime(2026, 1, 1)
DUE_DATES = (date(2026, 10, 20), AS_OF, date(2026, 12, 1))


class Rows:
    """The rows of one random workspace, and fresh ids for the rows writes add."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_id = 1000
        self.objectives: list[Objective] = []
        for oid in range(1, rng.randint(2, 12)):
            parent = rng.choice([None, None, *range(1, 12)])  # later ids too: cycles
            self.objectives.append(
                Objective(
                    id=oid,
                    title=f"O{oid}",
                    period_id=rng.choice([QUARTER.id, QUARTER.id, YEAR.id]),
                    parent_id=parent if parent != oid else None,
                    state=ObjectiveState.DRAFT if rng.random() < 0.2 else ObjectiveState.ACTIVE,
                    # Any objective, itself and those above it too: contribution cycles.
                    contributes_to=tuple(rng.sample(range(1, 12), rng.choice([0, 0, 1, 2]))),
                )
            )
        self.kpis = [self.new_kpi(kid) for kid in range(1, rng.randint(2, 5))]
        self.key_results: list[KeyResult] = []
        for _ in range(rng.randint(0, 16)):
            self.key_results.append(self.new_key_result(rng.choice(self.objectives).id))
        rollups = [kr.id for kr in self.key_results if kr.kind is KeyResultKind.ROLLUP]
        for i, o in enumerate(self.objectives):
            if rollups and rng.random() < 0.4:
                o = replace(o, parent_key_result_id=rng.choice(rollups))
            if self.key_results and rng.random() < 0.4:
                # Mostly rollups, but a metric or milestone may be named too: it takes no inputs.
                pool = rollups * 3 + [kr.id for kr in self.key_results]
                contributes = {rng.choice(pool) for _ in range(rng.randint(1, 2))}
                o = replace(o, contributes_to_key_results=tuple(contributes))
            self.objectives[i] = o
        self.check_ins: list[CheckIn] = []
        self.measurements: list[Measurement] = []
        for _ in range(rng.randint(0, 30)):
            self.add_check_in()
        for _ in range(rng.randint(0, 40)):
            self.add_measurement()

    def fresh(self) -> int:
        self.next_id += 1
        return self.next_id

    def day(self) -> date:
        return AS_OF + timedelta(days=self.rng.randint(-200, 20))

    def new_kpi(self, kid: int) -> Kpi:
        rng = self.rng
        return Kpi(
            id=kid,
            name=f"K{kid}",
            owner_unit_id=1,
            direction=rng.choice(list(Direction)),
            cadence=rng.choice(list(Cadence)),
            aggregation=rng.choice(list(Aggregation)),
            target=rng.choice([None, 10.0, 50.0]),
            target_low=5.0,
            target_high=60.0,
            warning=rng.choice([None, 30.0]),
        )

    def due_date(self) -> date | None:
        """None, or a day inside both periods: before "as of", on it or after it."""
        return self.rng.choice([None, None, *DUE_DATES])

    def new_key_result(self, objective_id: int) -> KeyResult:
        rng = self.rng
        kind = rng.choice([KeyResultKind.METRIC, KeyResultKind.METRIC, *KeyResultKind])
        kid = self.fresh()
        due_date = self.due_date()
        if kind is KeyResultKind.METRIC:
            return KeyResult(
                id=kid,
                objective_id=objective_id,
                title=f"KR{kid}",
                kind=kind,
                start_value=rng.choice([0.0, 10.0]),
                target_value=rng.choice([100.0, 5.0, 10.0]),
                weight=rng.choice([1.0, 2.0, 0.5]),
                kpi_id=rng.choice([None, None, *(k.id for k in self.kpis)]),
                due_date=due_date,
            )
        return KeyResult(
            id=kid, objective_id=objective_id, title=f"KR{kid}", kind=kind, due_date=due_date
        )

    def leaves(self) -> list[KeyResult]:
        return [kr for kr in self.key_results if kr.kind is not KeyResultKind.ROLLUP]

    def add_check_in(self) -> int | None:
        leaves = self.leaves()
        if not leaves:
            return None
        kr = self.rng.choice(leaves)
        self.check_ins.append(
            CheckIn(
                id=self.fresh(),
                key_result_id=kr.id,
                value=self.rng.choice([0.0, 1.0, 20.0, 55.0, 120.0]),
                effective_date=self.day(),
                created_at=CREATED + timedelta(minutes=self.rng.randint(0, 5)),
                confidence=self.rng.choice([None, 2, 7]),
            )
        )
        return kr.id

    def add_measurement(self) -> int:
        kpi = self.rng.choice(self.kpis)
        self.measurements.append(
            Measurement(
                id=self.fresh(),
                kpi_id=kpi.id,
                at=self.day(),
                value=self.rng.uniform(0, 80),
                recorded_at=CREATED,
            )
        )
        return kpi.id

    def data(self) -> PeriodData:
        return data(
            list(self.objectives),
            list(self.key_results),
            list(self.check_ins),
            list(self.kpis),
            list(self.measurements),
        )

    def write(self) -> tuple[set[int], set[int], set[int]]:
        """One random write: the key results, KPIs and objectives it changed."""
        rng = self.rng
        what = rng.randrange(6)
        leaves = self.leaves()
        if what == 0:
            kr_id = self.add_check_in()
            return ({kr_id} if kr_id else set()), set(), set()
        if what == 1:
            return set(), {self.add_measurement()}, set()
        if what == 2 and leaves:
            kr = rng.choice(leaves)
            i = self.key_results.index(kr)
            self.key_results[i] = replace(
                kr,
                target_value=rng.choice([50.0, 200.0]),
                weight=rng.choice([1.0, 3.0]),
                kpi_id=rng.choice([None, *(k.id for k in self.kpis)])
                if kr.kind is KeyResultKind.METRIC
                else None,
                due_date=self.due_date(),
            )
            return {kr.id}, set(), set()
        if what == 3:
            kpi = rng.choice(self.kpis)
            self.kpis[self.kpis.index(kpi)] = replace(
                kpi,
                target=rng.choice([None, 20.0, 70.0]),
                direction=rng.choice(list(Direction)),
                aggregation=rng.choice(list(Aggregation)),
            )
            return set(), {kpi.id}, set()
        if what == 4 and leaves:
            kr = rng.choice(leaves)
            self.key_results.remove(kr)
            self.check_ins = [c for c in self.check_ins if c.key_result_id != kr.id]
            return {kr.id}, set(), {kr.objective_id}
        kr = self.new_key_result(rng.choice(self.objectives).id)
        if kr.kind is KeyResultKind.ROLLUP:
            kr = replace(kr, kind=KeyResultKind.MILESTONE)
        self.key_results.append(kr)
        return {kr.id}, set(), set()


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), writes=st.integers(1, 12))
def test_reevaluating_after_each_write_equals_evaluating_afresh(seed: int, writes: int) -> None:
    rows = Rows(random.Random(seed))  # noqa: S311 - reproducible rows, not secrets
    figures = evaluate(rows.data(), AS_OF, THRESHOLDS)
    for _ in range(writes):
        key_results, kpis, objectives = rows.write()
        now = rows.data()
        figures = reevaluate(
            now, figures, THRESHOLDS, key_results=key_results, kpis=kpis, objectives=objectives
        )
        assert figures == evaluate(now, AS_OF, THRESHOLDS)


def test_a_check_in_recomputes_only_its_key_result_and_what_is_above_it() -> None:
    # 1 <- 2 (child), 3 apart; key results 10 (of 2), 20 (of 3).
    rows = [objective(1), objective(2, parent_id=1), objective(3)]
    krs = [metric(10, 2), metric(20, 3)]
    before = evaluate(data(rows, krs), AS_OF, THRESHOLDS)
    now = data(rows, krs, [check_in(1, 10, AS_OF, 50.0)])
    after = reevaluate(now, before, THRESHOLDS, key_results={10})
    assert after == evaluate(now, AS_OF, THRESHOLDS)
    assert after.key_results[10].score == 0.5
    assert after.objectives[1].score == 0.5
    # What the check-in cannot reach are the very figures computed before.
    assert after.key_results[20] is before.key_results[20]
    assert after.objectives[3] is before.objectives[3]
