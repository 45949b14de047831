"""Objectives, key results, check-ins and initiatives as the API answers them."""

from __future__ import annotations

from datetime import date

from headway.domain.model import (
    CheckIn,
    Figures,
    Initiative,
    InitiativeStatus,
    KeyResult,
    KeyResultKind,
    Objective,
    ObjectiveState,
    ObjectiveType,
    Status,
)
from headway.schemas.answer import Answer, Timestamp


class KeyResultOut(Answer):
    """A key result with the figures computed as of a date."""

    id: int
    key: str | None
    objective_id: int
    title: str
    kind: KeyResultKind
    unit_label: str
    start_value: float | None
    target_value: float | None
    weight: float
    owner_id: int | None
    kpi_id: int | None
    due_date: date | None
    current_value: float | None
    progress: float
    score: float
    expected: float
    status: Status
    confidence: int | None
    last_update: date | None
    forecast_value: float | None
    forecast_score: float | None

    @classmethod
    def of(cls, kr: KeyResult, figures: Figures) -> KeyResultOut:
        """The key result with its figures."""
        return cls.read(kr, figures.key_results[kr.id])


class ObjectiveOut(Answer):
    """An objective with its figures and its key results embedded, in order."""

    id: int
    key: str | None
    title: str
    description: str
    period_id: int
    owner_unit_id: int | None
    owner_id: int | None
    parent_id: int | None
    parent_key_result_id: int | None
    type: ObjectiveType
    state: ObjectiveState
    contributes_to: list[int]  # further objectives of the period it also serves
    contributes_to_key_results: list[int]  # rollup key results of the period it also serves
    score: float | None
    expected: float
    status: Status | None
    key_results: list[KeyResultOut]

    @classmethod
    def of(
        cls, objective: Objective, key_results: list[KeyResult], figures: Figures
    ) -> ObjectiveOut:
        """The objective and its key results, with their figures."""
        return cls.read(
            objective,
            figures.objectives[objective.id],
            key_results=[KeyResultOut.of(kr, figures) for kr in key_results],
        )


class CheckInOut(Answer):
    """A value reported for a key result (check-ins are never changed, only added)."""

    id: int
    key_result_id: int
    value: float
    confidence: int | None
    note: str
    effective_date: date
    author_id: int | None
    created_at: Timestamp

    @classmethod
    def of(cls, check_in: CheckIn) -> CheckInOut:
        """The check-in as the API answers it."""
        return cls.read(check_in)


class InitiativeOut(Answer):
    """Work planned to move a key result."""

    id: int
    key_result_id: int | None
    objective_id: int | None
    title: str
    owner_id: int | None
    status: InitiativeStatus
    due_date: date | None
    link: str

    @classmethod
    def of(cls, initiative: Initiative) -> InitiativeOut:
        """The initiative as the API answers it."""
        return cls.read(initiative)
