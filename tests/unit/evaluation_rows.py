"""Rows of a period for the evaluate() tests: 2026-Q4 and 2026, and a weekly KPI."""

from __future__ import annotations

from datetime import date, datetime

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
    Period,
    PeriodData,
    PeriodKind,
    PeriodState,
)

AS_OF = date(2026, 11, 15)  # day 46 of 92 in Q4: expected 0.5
QUARTER = Period(
    id=1,
    name="2026-Q4",
    kind=PeriodKind.QUARTER,
    start_date=date(2026, 10, 1),
    end_date=date(2026, 12, 31),
    state=PeriodState.ACTIVE,
)
YEAR = Period(
    id=2,
    name="2026",
    kind=PeriodKind.YEAR,
    start_date=date(2026, 1, 1),
    end_date=date(2026, 12, 31),
    state=PeriodState.ACTIVE,
)


def objective(oid: int, **fields: object) -> Objective:
    """An objective of 2026-Q4 (fields override)."""
    values: dict[str, object] = {"id": oid, "title": f"Objective {oid}", "period_id": QUARTER.id}
    values.update(fields)
    return Objective(**values)  # type: ignore[arg-type]


def metric(
    kid: int,
    objective_id: int,
    start: float = 0,
    target: float = 100,
    weight: float = 1.0,
    kpi_id: int | None = None,
) -> KeyResult:
    """A metric key result from start to target."""
    return KeyResult(
        id=kid,
        objective_id=objective_id,
        title=f"KR {kid}",
        kind=KeyResultKind.METRIC,
        start_value=start,
        target_value=target,
        weight=weight,
        kpi_id=kpi_id,
    )


def rollup(kid: int, objective_id: int) -> KeyResult:
    """A key result scored from the objectives aligned under it."""
    return KeyResult(
        id=kid, objective_id=objective_id, title=f"KR {kid}", kind=KeyResultKind.ROLLUP
    )


def milestone(kid: int, objective_id: int) -> KeyResult:
    """A key result that is done or not."""
    return KeyResult(
        id=kid, objective_id=objective_id, title=f"KR {kid}", kind=KeyResultKind.MILESTONE
    )


def check_in(
    cid: int,
    kr: int,
    day: date,
    value: float,
    confidence: int | None = None,
    created: datetime | None = None,
) -> CheckIn:
    """A check-in on key result `kr`, effective on `day`."""
    return CheckIn(
        id=cid,
        key_result_id=kr,
        value=value,
        effective_date=day,
        created_at=created or datetime(2026, 1, 1),
        confidence=confidence,
    )


def data(
    objectives: list[Objective],
    key_results: list[KeyResult],
    check_ins: list[CheckIn] | None = None,
    kpis: list[Kpi] | None = None,
    measurements: list[Measurement] | None = None,
) -> PeriodData:
    """The period's rows, with 2026-Q4 and 2026 as its periods."""
    return PeriodData(
        fiscal_year_start_month=1,
        periods={QUARTER.id: QUARTER, YEAR.id: YEAR},
        objectives=objectives,
        key_results=key_results,
        check_ins=check_ins or [],
        kpis=kpis or [],
        measurements=measurements or [],
    )


WEEKLY_MEAN = Kpi(
    id=5,
    name="Reply time",
    owner_unit_id=1,
    direction=Direction.LOWER_IS_BETTER,
    cadence=Cadence.WEEKLY,
    aggregation=Aggregation.MEAN,
    target=25,
    warning=35,
)


def measure(mid: int, day: date, value: float) -> Measurement:
    """A measurement of the weekly KPI."""
    return Measurement(
        id=mid, kpi_id=WEEKLY_MEAN.id, at=day, value=value, recorded_at=datetime(2026, 1, 1)
    )
