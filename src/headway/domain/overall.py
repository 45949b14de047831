"""Overall progress of a period: the executive's headline (docs/formulas.md, Overall progress)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from headway.domain.model import (
    Objective,
    ObjectiveFigures,
    Status,
    StatusThresholds,
    Unit,
    UnitKind,
)
from headway.domain.scoring import DEFAULT_THRESHOLDS, status


@dataclass(frozen=True, slots=True, kw_only=True)
class Overall:
    """The headline: the mean score of the headline objectives and its status (None: nothing
    to average yet)."""

    score: float | None
    status: Status | None


def company_unit_id(units: Iterable[Unit]) -> int | None:
    """The id of the company: the root unit of the organisation tree (None: no company yet)."""
    for u in units:
        if u.kind is UnitKind.COMPANY and u.parent_id is None:
            return u.id
    return None


def headline_objectives(objectives: Iterable[Objective], company_id: int | None) -> list[Objective]:
    """The objectives the headline averages, in their order.

    Of the period's objectives, drafts and those aligned under an objective or a key result
    are left out; of the rest, those the company owns, or every one when the company owns none.
    """
    top = [
        o
        for o in objectives
        if not o.is_draft and o.parent_id is None and o.parent_key_result_id is None
    ]
    company = [o for o in top if company_id is not None and o.owner_unit_id == company_id]
    return company or top


def overall_progress(
    objectives: Iterable[Objective],
    figures: Mapping[int, ObjectiveFigures],
    units: Iterable[Unit],
    expected: float,
    thresholds: StatusThresholds = DEFAULT_THRESHOLDS,
) -> Overall:
    """The period's overall progress from its own objectives and their figures.

    The plain mean of the headline objectives' scores (see `headline_objectives`), those with
    no score skipped; its status follows the status rule against `expected`, with no
    confidence. Both are None when no headline objective has a score.
    """
    chosen = headline_objectives(objectives, company_unit_id(units))
    scores = [s for s in (figures[o.id].score for o in chosen) if s is not None]
    if not scores:
        return Overall(score=None, status=None)
    score = sum(scores) / len(scores)
    return Overall(score=score, status=status(score, expected, None, thresholds))
