"""Overall progress of a period: which objectives the headline averages, and its status."""

from __future__ import annotations

from builders import objective, unit

from headway.domain.model import (
    Objective,
    ObjectiveFigures,
    ObjectiveState,
    Status,
    StatusThresholds,
    UnitKind,
)
from headway.domain.overall import (
    Overall,
    company_unit_id,
    headline_objectives,
    overall_progress,
)

COMPANY, SALES, TEAM = 1, 2, 3
UNITS = [
    unit(COMPANY, "Acme", UnitKind.COMPANY),
    unit(SALES, "Sales", UnitKind.DEPARTMENT, COMPANY),
    unit(TEAM, "Sales EMEA", UnitKind.TEAM, SALES),
]
DRAFT = ObjectiveState.DRAFT


def _overall(
    rows: list[tuple[Objective, float | None]], expected: float = 0.5, **thresholds: float
) -> Overall:
    figures = {
        o.id: ObjectiveFigures(objective_id=o.id, score=s, expected=expected, status=None)
        for o, s in rows
    }
    return overall_progress(
        [o for o, _ in rows], figures, UNITS, expected, StatusThresholds(**thresholds)
    )


def test_the_headline_is_the_mean_of_the_companys_own_top_level_objectives() -> None:
    rows = [
        (objective(1, "Delight customers", owner_unit_id=COMPANY), 0.75),
        (objective(2, "Grow revenue", owner_unit_id=COMPANY), 0.375),
        (objective(3, "Sell more", owner_unit_id=SALES), 0.1),  # a department's: not counted
        (objective(4, "Win EMEA", owner_unit_id=TEAM, parent_id=1), 0.0),
    ]
    # (0.75 + 0.375) / 2 = 0.5625; gap 0.5 - 0.5625 < 0.10: on track.
    assert _overall(rows) == Overall(score=0.5625, status=Status.ON_TRACK)


def test_without_company_objectives_every_top_level_objective_counts() -> None:
    rows = [
        (objective(3, "Sell more", owner_unit_id=SALES), 0.2),
        (objective(4, "Win EMEA", owner_unit_id=TEAM), 0.5),
        (objective(5, "Mine alone", owner_unit_id=None, owner_id=7), 0.8),
        (objective(6, "Under sales", owner_unit_id=TEAM, parent_id=3), 0.9),  # aligned: out
    ]
    # (0.2 + 0.5 + 0.8) / 3 = 0.5: on track at expected 0.5, at risk at 0.7 (gap 0.2).
    assert _overall(rows) == Overall(score=0.5, status=Status.ON_TRACK)
    assert _overall(rows, 0.7).status is Status.AT_RISK
    assert _overall(rows, 0.8).status is Status.OFF_TRACK  # gap 0.3


def test_drafts_are_left_out_and_do_not_stand_for_the_company() -> None:
    with_draft = [
        (objective(1, "Delight customers", owner_unit_id=COMPANY), 0.8),
        (objective(2, "Improve reply time", owner_unit_id=COMPANY, state=DRAFT), 0.0),
    ]
    assert _overall(with_draft).score == 0.8
    # A company draft alone is no company objective: the fallback takes the others.
    only_a_draft = [
        (objective(2, "Improve reply time", owner_unit_id=COMPANY, state=DRAFT), 0.0),
        (objective(3, "Sell more", owner_unit_id=SALES), 0.3),
        (objective(4, "Improve churn", owner_unit_id=SALES, state=DRAFT), 1.0),
    ]
    assert _overall(only_a_draft) == Overall(score=0.3, status=Status.AT_RISK)  # gap 0.2


def test_objectives_without_a_score_are_skipped_and_none_left_is_null() -> None:
    rows = [
        (objective(1, "Delight customers", owner_unit_id=COMPANY), None),
        (objective(2, "Grow revenue", owner_unit_id=COMPANY), 0.35),
    ]
    assert _overall(rows) == Overall(score=0.35, status=Status.AT_RISK)  # gap 0.15
    nothing = [
        (objective(1, "Delight customers", owner_unit_id=COMPANY), None),
        (objective(3, "Sell more", owner_unit_id=SALES), 0.9),  # not the company's
    ]
    assert _overall(nothing) == Overall(score=None, status=None)
    assert _overall([]) == Overall(score=None, status=None)


def test_a_company_objective_aligned_under_something_is_not_top_level() -> None:
    rows = [
        (objective(1, "Year bet", owner_unit_id=COMPANY, parent_id=90), 0.2),
        (objective(2, "Under a key result", owner_unit_id=COMPANY, parent_key_result_id=91), 0.1),
        (objective(3, "Delight customers", owner_unit_id=COMPANY), 0.6),
        (objective(4, "Sell more", owner_unit_id=SALES), 0.0),
    ]
    assert _overall(rows).score == 0.6
    # With every company objective aligned, the fallback takes the unaligned ones.
    aligned = [rows[0], rows[1], rows[3]]
    assert headline_objectives([o for o, _ in aligned], COMPANY) == [rows[3][0]]
    assert _overall(aligned) == Overall(score=0.0, status=Status.OFF_TRACK)


def test_the_status_follows_the_status_rule_and_its_thresholds() -> None:
    done = [(objective(1, "Delight customers", owner_unit_id=COMPANY), 1.0)]
    assert _overall(done, 1.0).status is Status.ACHIEVED
    behind = [(objective(1, "Delight customers", owner_unit_id=COMPANY), 0.3)]
    assert _overall(behind).status is Status.AT_RISK  # gap 0.2
    assert _overall(behind, on_track_gap=0.2).status is Status.ON_TRACK
    assert _overall(behind, at_risk_gap=0.15).status is Status.OFF_TRACK


def test_the_company_is_the_root_unit_of_kind_company() -> None:
    assert company_unit_id(UNITS) == COMPANY
    assert company_unit_id([unit(5, "Orphan", UnitKind.DEPARTMENT)]) is None
    assert company_unit_id([]) is None
