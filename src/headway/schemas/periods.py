"""Periods, their retrospective notes and the grades frozen when one closes."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from headway.domain.model import Grade, GradeBand, Period, PeriodKind, PeriodState
from headway.schemas.answer import Answer
from headway.services.periods.periods import PeriodRecord


class PeriodOut(Answer):
    """A planning period."""

    id: int
    name: str
    kind: PeriodKind
    start_date: date
    end_date: date
    state: PeriodState

    @classmethod
    def of(cls, period: Period) -> PeriodOut:
        """The period as the API answers it."""
        return cls.read(period)


class ObjectiveGradeOut(Answer):
    """An objective's final score, and whether it fell short of its type's bar."""

    objective_id: int
    score: float | None
    band: GradeBand | None
    fell_short: bool | None


class KeyResultGradeOut(Answer):
    """A key result's final score."""

    key_result_id: int
    score: float | None
    band: GradeBand | None


def grade_out(grade: Grade) -> ObjectiveGradeOut | KeyResultGradeOut:
    """The grade in the shape of what it grades."""
    if grade.objective_id is not None:
        return ObjectiveGradeOut.read(grade)
    return KeyResultGradeOut.read(grade)


class PeriodRecordOut(PeriodOut):
    """A period as the periods resource serves it: with its notes, and grades once closed."""

    retro_worked: str
    retro_didnt: str
    retro_next: str
    # Left out of the answer, not null, while the period is open: there is nothing graded yet.
    grades: list[ObjectiveGradeOut | KeyResultGradeOut] | None = Field(
        default=None,
        exclude_if=lambda grades: grades is None,
        description="Only once the period is closed: the grades frozen at closing.",
    )

    @classmethod
    def of_record(cls, record: PeriodRecord) -> PeriodRecordOut:
        """The period with its notes, and its grades if it is closed."""
        grades = None if record.grades is None else [grade_out(g) for g in record.grades]
        return cls.read(record.period, **record.retro, grades=grades)
