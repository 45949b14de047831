"""Which key results are due for a check-in on a day, and who is reminded (hand-made rows,
dates counted by hand)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from evaluation_rows import QUARTER as Q4

from headway.domain.model import (
    CheckIn,
    Figures,
    KeyResult,
    KeyResultFigures,
    KeyResultKind,
    Objective,
    ObjectiveState,
    Period,
    PeriodData,
    PeriodKind,
    PeriodState,
    Person,
    Role,
    Status,
)
from headway.domain.rhythm import due_check_ins, iso_week

Q3 = Period(
    id=2,
    name="2026-Q3",
    kind=PeriodKind.QUARTER,
    start_date=date(2026, 7, 1),
    end_date=date(2026, 9, 30),
    state=PeriodState.CLOSED,
)
LATER = Period(
    id=3,
    name="Sprint",
    kind=PeriodKind.CUSTOM,
    start_date=date(2026, 11, 20),
    end_date=date(2026, 12, 31),
    state=PeriodState.PLANNING,
)
ANA = Person(id=1, name="Ana", email="ana@example.com", role=Role.MEMBER)
BEN = Person(id=2, name="Ben", email="ben@example.com", role=Role.MEMBER)
CY = Person(id=3, name="Cy", email="cy@example.com", role=Role.MEMBER, active=False)


def _objective(oid: int, period: Period = Q4, **fields: object) -> Objective:
    fields.setdefault("owner_id", ANA.id)
    return Objective(id=oid, title=f"O{oid}", period_id=period.id, **fields)  # type: ignore[arg-type]


def _kr(kid: int, objective: int = 10, **fields: object) -> KeyResult:
    kind = fields.pop("kind", KeyResultKind.METRIC)
    return KeyResult(id=kid, objective_id=objective, title=f"KR{kid}", kind=kind, **fields)  # type: ignore[arg-type]


def _check_in(cid: int, kr: int, day: date, value: float = 5) -> CheckIn:
    return CheckIn(
        id=cid,
        key_result_id=kr,
        value=value,
        effective_date=day,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def _data(
    key_results: list[KeyResult],
    check_ins: list[CheckIn] = (),  # type: ignore[assignment]
    objectives: list[Objective] | None = None,
) -> PeriodData:
    return PeriodData(
        fiscal_year_start_month=1,
        periods={p.id: p for p in (Q4, Q3, LATER)},
        objectives=objectives or [_objective(10)],
        key_results=key_results,
        check_ins=list(check_ins),
        kpis=[],
        measurements=[],
        people={p.id: p for p in (ANA, BEN, CY)},
    )


def _figures(data: PeriodData, achieved: set[int] = frozenset()) -> Figures:  # type: ignore[assignment]
    return Figures(
        as_of=date(2026, 11, 16),
        key_results={
            kr.id: KeyResultFigures(
                key_result_id=kr.id,
                current_value=float(kr.id),
                progress=0.4,
                score=1.0 if kr.id in achieved else 0.4,
                expected=0.5,
                status=Status.ACHIEVED if kr.id in achieved else Status.AT_RISK,
            )
            for kr in data.key_results
        },
        objectives={},
        kpis={},
    )


def _due(data: PeriodData, day: date, achieved: set[int] = frozenset()) -> dict[int, str]:  # type: ignore[assignment]
    """Due key result id -> the email of who is reminded."""
    return {
        d.key_result.id: d.recipient.email
        for d in due_check_ins(data, _figures(data, achieved), day)
    }


def test_due_seven_days_after_the_latest_check_in_not_six() -> None:
    data = _data(
        [_kr(100)], [_check_in(1, 100, date(2026, 11, 2)), _check_in(2, 100, date(2026, 11, 9))]
    )
    assert _due(data, date(2026, 11, 15)) == {}  # 6 days after 11-09
    assert _due(data, date(2026, 11, 16)) == {100: "ana@example.com"}  # 7 days
    due = due_check_ins(data, _figures(data), date(2026, 11, 16))[0]
    assert due.since == date(2026, 11, 9)
    assert due.last_check_in == date(2026, 11, 9)
    assert due.current_value == 100.0
    assert due.score == 0.4
    assert due.objective.id == 10


def test_a_check_in_dated_after_the_day_does_not_count() -> None:
    # On 11-16 the check-in of 11-20 has not happened yet: the latest is 11-02, 14 days back.
    data = _data(
        [_kr(100)], [_check_in(1, 100, date(2026, 11, 2)), _check_in(2, 100, date(2026, 11, 20))]
    )
    assert _due(data, date(2026, 11, 16)) == {100: "ana@example.com"}
    assert due_check_ins(data, _figures(data), date(2026, 11, 16))[0].since == date(2026, 11, 2)
    assert _due(data, date(2026, 11, 26)) == {}  # 6 days after 11-20


def test_without_check_ins_the_period_start_counts() -> None:
    data = _data([_kr(100)])
    assert _due(data, date(2026, 10, 7)) == {}  # 6 days after 10-01
    assert _due(data, date(2026, 10, 8)) == {100: "ana@example.com"}
    due = due_check_ins(data, _figures(data), date(2026, 10, 8))[0]
    assert (due.since, due.last_check_in) == (date(2026, 10, 1), None)


def test_the_owner_is_reminded_else_the_objective_owner_never_an_inactive_person() -> None:
    data = _data([_kr(100, owner_id=BEN.id), _kr(101), _kr(102, owner_id=CY.id)])
    # 102's owner is inactive: nobody (not the objective's owner instead).
    assert _due(data, date(2026, 11, 16)) == {100: "ben@example.com", 101: "ana@example.com"}
    unowned = _data([_kr(100)], objectives=[_objective(10, owner_id=None, owner_unit_id=5)])
    assert _due(unowned, date(2026, 11, 16)) == {}
    inactive_owner = _data([_kr(100)], objectives=[_objective(10, owner_id=CY.id)])
    assert _due(inactive_owner, date(2026, 11, 16)) == {}


def test_only_open_key_results_are_due() -> None:
    objectives = [
        _objective(10),
        _objective(11, state=ObjectiveState.DRAFT),
        _objective(12, state=ObjectiveState.CLOSED),
        _objective(13, period=Q3),
        _objective(14, period=LATER),
    ]
    data = _data(
        [
            _kr(100),  # open: due
            _kr(101),  # achieved
            _kr(102, kind=KeyResultKind.ROLLUP),
            _kr(103, kpi_id=7),  # follows a KPI: its measurements update it
            _kr(104, kind=KeyResultKind.MILESTONE),  # open milestone: due
            _kr(110, objective=11),
            _kr(120, objective=12),
            _kr(130, objective=13),
            _kr(140, objective=14),  # its period starts 11-20: not 7 days old yet
        ],
        objectives=objectives,
    )
    assert set(_due(data, date(2026, 11, 16), achieved={101})) == {100, 104}
    assert 140 in _due(data, date(2026, 11, 27), achieved={101})  # 7 days after 11-20


def test_the_digest_week_is_the_iso_week() -> None:
    assert iso_week(date(2026, 11, 16)) == (2026, 47)  # a Monday
    assert iso_week(date(2026, 11, 22)) == (2026, 47)  # the Sunday of that week
    assert iso_week(date(2027, 1, 1)) == (2026, 53)  # a Friday: still 2026's last week
    assert iso_week(date(2027, 1, 4)) == (2027, 1)
