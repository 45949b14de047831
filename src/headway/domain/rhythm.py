"""The rhythm of check-ins: which key results are due for one on a day, and who is reminded.

A key result is due for a check-in on day d when it is open — its objective active (not a
draft, not closed) in a period that is not closed, the key result not achieved, not a rollup
and not following a KPI — and its latest check-in dated on or before d, or the period start
when there is none, is 7 or more days before d. Its reminder goes to its owner, else to its
objective's owner person; an inactive person gets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from headway.domain.model import (
    Figures,
    KeyResult,
    KeyResultKind,
    Objective,
    ObjectiveState,
    PeriodData,
    PeriodState,
    Person,
    Status,
)

CHECK_IN_EVERY = timedelta(days=7)


@dataclass(frozen=True, slots=True, kw_only=True)
class DueCheckIn:
    """One key result due for a check-in, with what its reminder shows."""

    key_result: KeyResult
    objective: Objective
    recipient: Person
    since: date  # its latest check-in, else its period's start
    last_check_in: date | None  # None: none yet
    current_value: float | None
    score: float


def _is_open(kr: KeyResult, objective: Objective, data: PeriodData, figures: Figures) -> bool:
    period = data.periods.get(objective.period_id)
    if period is None or period.state is PeriodState.CLOSED:
        return False
    if objective.state is not ObjectiveState.ACTIVE:
        return False
    if kr.kind is KeyResultKind.ROLLUP or kr.kpi_id is not None:
        return False
    figure = figures.key_results.get(kr.id)
    return figure is not None and figure.status is not Status.ACHIEVED


def due_check_ins(data: PeriodData, figures: Figures, day: date) -> list[DueCheckIn]:
    """Every open key result of `data` due for a check-in on `day` that has someone to remind.

    `figures` are those of `data` as of `day`. Key results come in their objectives' order.
    """
    objectives = {o.id: o for o in data.objectives}
    latest: dict[int, date] = {}
    for c in data.check_ins:
        if c.effective_date <= day and c.effective_date > latest.get(c.key_result_id, date.min):
            latest[c.key_result_id] = c.effective_date
    due: list[DueCheckIn] = []
    for kr in data.key_results:
        objective = objectives.get(kr.objective_id)
        if objective is None or not _is_open(kr, objective, data, figures):
            continue
        since = latest.get(kr.id, data.periods[objective.period_id].start_date)
        if day - since < CHECK_IN_EVERY:
            continue
        recipient = reminded(kr, objective, data.people)
        if recipient is None:
            continue
        figure = figures.key_results[kr.id]
        due.append(
            DueCheckIn(
                key_result=kr,
                objective=objective,
                recipient=recipient,
                since=since,
                last_check_in=latest.get(kr.id),
                current_value=figure.current_value,
                score=figure.score,
            )
        )
    return due


def reminded(kr: KeyResult, objective: Objective, people: dict[int, Person]) -> Person | None:
    """Who a key result's reminder goes to: its owner, else its objective's owner person;
    nobody when that person is inactive (or unknown)."""
    person_id = kr.owner_id if kr.owner_id is not None else objective.owner_id
    person = people.get(person_id) if person_id is not None else None
    return person if person is not None and person.active else None


def iso_week(day: date) -> tuple[int, int]:
    """The ISO (year, week) `day` falls in: a digest goes out at most once in each."""
    year, week, _ = day.isocalendar()
    return year, week
