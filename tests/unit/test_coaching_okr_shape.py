"""Coaching on the shape of OKRs (docs/coaching.md): OKR001-OKR005, OKR007, OKR008."""

from __future__ import annotations

import pytest
from builders import metric, milestone, objective, person
from coaching import only, run, three_krs

from headway.domain.lint import ACTIVITY_VERBS, starts_with_activity_verb
from headway.domain.model import KeyResult, Objective, ObjectiveState, Severity


def test_a_well_formed_period_gets_no_advice() -> None:
    assert run([objective(1)], three_krs(1)) == []


# --- OKR001 ----------------------------------------------------------------------------------


def _objectives_of_owner(n: int, **owner: int | None) -> tuple[list[Objective], list[KeyResult]]:
    objectives = [objective(i, f"Objective {chr(64 + i)}", **owner) for i in range(1, n + 1)]
    return objectives, [kr for o in objectives for kr in three_krs(o.id)]


def test_five_objectives_for_one_person_is_fine() -> None:
    assert only(run(*_objectives_of_owner(5, owner_id=7)), "OKR001") == []


def test_six_objectives_for_one_person_is_too_many() -> None:
    objectives, krs = _objectives_of_owner(6, owner_id=7)
    findings = only(run(objectives, krs, people=[person(7, name="Head of Sales")]), "OKR001")
    findings = [f for f in findings if f.subject_type == "person"]
    assert [(f.subject_type, f.subject_id, f.subject_title) for f in findings] == [
        ("person", 7, "Head of Sales")
    ]
    assert "6 objectives" in findings[0].message
    assert findings[0].severity is Severity.WARNING


def test_six_unit_objectives_without_an_owner_person_count_against_the_unit() -> None:
    objectives, krs = _objectives_of_owner(6, owner_id=None, owner_unit_id=2)
    findings = only(run(objectives, krs), "OKR001")
    assert [(f.subject_type, f.subject_id, f.subject_title) for f in findings] == [
        ("unit", 2, "Support")
    ]


def test_objectives_with_an_owner_person_count_against_their_unit_too() -> None:
    objectives = [
        objective(i, f"Objective {chr(64 + i)}", owner_unit_id=2, owner_id=i) for i in range(1, 7)
    ]
    krs = [kr for o in objectives for kr in three_krs(o.id)]
    findings = only(run(objectives, krs), "OKR001")
    assert [(f.subject_type, f.subject_id) for f in findings] == [("unit", 2)]


def test_objectives_of_other_periods_are_not_counted() -> None:
    objectives, krs = _objectives_of_owner(6, owner_id=7)
    objectives[0].period_id = 2
    assert only(run(objectives, krs), "OKR001") == []


def test_drafts_are_no_owners_load() -> None:
    # Six objectives for person 7, two of them drafts: four count, below the limit of five.
    objectives, krs = _objectives_of_owner(6, owner_id=7)
    for o in objectives[:2]:
        o.state = ObjectiveState.DRAFT
    assert only(run(objectives, krs), "OKR001") == []
    objectives[0].state = ObjectiveState.ACTIVE  # five count: still fine
    assert only(run(objectives, krs), "OKR001") == []
    objectives[1].state = ObjectiveState.ACTIVE  # six, for the person and for unit 1
    findings = only(run(objectives, krs), "OKR001")
    assert {(f.subject_type, f.subject_id) for f in findings} == {("person", 7), ("unit", 1)}


# --- OKR002 / OKR003 / OKR008 ----------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 4, 5])
def test_three_to_five_key_results_is_fine(n: int) -> None:
    krs = [metric(10 + i, 1, f"Metric {i}") for i in range(n)]
    assert only(run([objective(1)], krs), "OKR002") == []


@pytest.mark.parametrize("n", [1, 2, 6])
def test_fewer_than_three_or_more_than_five_key_results_is_flagged(n: int) -> None:
    krs = [metric(10 + i, 1, f"Metric {i}") for i in range(n)]
    findings = only(run([objective(1)], krs), "OKR002")
    assert [(f.subject_type, f.subject_id) for f in findings] == [("objective", 1)]
    assert findings[0].message.startswith(f"{n} key result")
    assert "3 to 5" in findings[0].message


def test_an_objective_without_key_results_is_not_okr002_but_okr008() -> None:
    findings = run([objective(1)], [])
    assert [f.code for f in findings] == ["OKR008"]
    assert findings[0].subject_id == 1


def test_an_objective_with_aligned_children_but_no_key_results_is_fine() -> None:
    child = objective(2, "Support delights", parent_id=1)
    assert run([objective(1), child], three_krs(2)) == []


def test_a_child_aligned_from_another_period_also_counts() -> None:
    child = objective(2, "Support delights", parent_id=1, period_id=9)
    assert only(run([objective(1), child], []), "OKR008") == []


def test_an_objective_whose_only_child_is_a_draft_cannot_be_scored() -> None:
    child = objective(2, "Support delights", parent_id=1, state=ObjectiveState.DRAFT)
    findings = only(run([objective(1), child], three_krs(2)), "OKR008")
    assert [f.subject_id for f in findings] == [1]
    assert "no aligned or contributing objectives" in findings[0].message


def test_an_objective_with_a_contributor_but_no_key_results_is_fine() -> None:
    helper = objective(2, "Marketing helps", contributes_to=(1,))
    assert run([objective(1), helper], three_krs(2)) == []
    draft = objective(2, "Marketing helps", contributes_to=(1,), state=ObjectiveState.DRAFT)
    assert [f.subject_id for f in only(run([objective(1), draft], three_krs(2)), "OKR008")] == [1]


def test_a_draft_is_coached_on_its_own_shape() -> None:
    draft = objective(1, "Improve reply time by Q4", state=ObjectiveState.DRAFT)
    findings = run([draft], [metric(11, 1)])
    assert [(f.code, f.subject_id) for f in findings] == [("OKR002", 1), ("OKR005", 1)]


def test_exactly_half_milestones_is_fine() -> None:
    krs = [metric(11, 1), metric(12, 1), milestone(13, 1), milestone(14, 1)]
    assert only(run([objective(1)], krs), "OKR003") == []


def test_more_than_half_milestones_reads_like_a_task_list() -> None:
    krs = [metric(11, 1), metric(12, 1)] + [
        milestone(i, 1, f"Thing {i} is live") for i in (13, 14, 15)
    ]
    findings = only(run([objective(1)], krs), "OKR003")
    assert [f.subject_id for f in findings] == [1]
    assert "3 of 5" in findings[0].message


# --- OKR004 / OKR005 / OKR007 ----------------------------------------------------------------


@pytest.mark.parametrize(
    "title", ["Launch new feature", "create the e-commerce website", "Set up the partner portal"]
)
def test_a_milestone_starting_with_an_activity_verb_looks_like_an_initiative(title: str) -> None:
    krs = [metric(11, 1), metric(12, 1), milestone(13, 1, title)]
    findings = only(run([objective(1)], krs), "OKR004")
    assert [(f.subject_type, f.subject_id, f.severity) for f in findings] == [
        ("key_result", 13, Severity.INFO)
    ]


@pytest.mark.parametrize(
    "title", ["Self-service help centre is live", "Launched feature adopted", "Setup is automatic"]
)
def test_a_milestone_naming_a_result_is_fine(title: str) -> None:
    krs = [metric(11, 1), metric(12, 1), milestone(13, 1, title)]
    assert only(run([objective(1)], krs), "OKR004") == []


def test_a_metric_starting_with_an_activity_verb_is_not_okr004() -> None:
    krs = [metric(11, 1, "Launch 5 campaigns"), metric(12, 1), metric(13, 1)]
    assert only(run([objective(1)], krs), "OKR004") == []


def test_activity_verbs_are_lower_case_and_match_themselves() -> None:
    assert all(v == v.lower() and starts_with_activity_verb(v.title()) for v in ACTIVITY_VERBS)


def test_an_objective_title_with_a_number_is_flagged() -> None:
    o = objective(1, "Increase sales funnel by 35% by Q4")
    findings = only(run([o], three_krs(1)), "OKR005")
    assert [(f.subject_id, f.severity) for f in findings] == [(1, Severity.INFO)]
    assert '"35"' in findings[0].message


def test_an_objective_title_without_a_digit_is_fine() -> None:
    o = objective(1, "Become the leading standalone goal management product")
    assert only(run([o], three_krs(1)), "OKR005") == []


def test_a_key_result_without_an_owner_is_flagged() -> None:
    krs = [metric(11, 1, owner_id=None), metric(12, 1), metric(13, 1)]
    findings = only(run([objective(1)], krs), "OKR007")
    assert [(f.subject_type, f.subject_id, f.severity) for f in findings] == [
        ("key_result", 11, Severity.WARNING)
    ]


# --- order -----------------------------------------------------------------------------------


def test_findings_are_sorted_by_code_then_subject_title_then_id() -> None:
    objectives = [objective(2, "Beta 2"), objective(1, "Alpha 1"), objective(3, "Alpha 1")]
    findings = run(objectives, [])
    assert [(f.code, f.subject_id) for f in findings] == [
        ("OKR005", 1), ("OKR005", 3), ("OKR005", 2),
        ("OKR008", 1), ("OKR008", 3), ("OKR008", 2),
    ]  # fmt: skip
