"""evaluate(): drafts count nowhere but on their own page; contributors count like children."""

from __future__ import annotations

import pytest
from evaluation_rows import AS_OF, check_in, data, metric, objective, rollup

from headway.domain.evaluation import evaluate, reevaluate
from headway.domain.model import ObjectiveState, Status

DRAFT = ObjectiveState.DRAFT

# --- drafts -----------------------------------------------------------------------------------


def test_a_draft_under_a_rollup_keeps_its_figures_but_does_not_count_in_the_rollup() -> None:
    # 1 has rollup 10; under it 2 (metric 20 at 50 of 0..100: 0.5) and draft 3 (metric 30 done).
    objectives = [
        objective(1),
        objective(2, parent_key_result_id=10),
        objective(3, parent_key_result_id=10, state=DRAFT),
    ]
    krs = [rollup(10, 1), metric(20, 2), metric(30, 3)]
    check_ins = [check_in(1, 20, AS_OF, 50), check_in(2, 30, AS_OF, 100)]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    # Without the draft: 0.5 alone, not (0.5 + 1.0) / 2 = 0.75.
    assert figures.key_results[10].score == 0.5
    assert figures.objectives[1].score == 0.5
    draft = figures.objectives[3]
    assert (draft.score, draft.expected, draft.status) == (1.0, 0.5, Status.ACHIEVED)
    assert figures.key_results[30].status is Status.ACHIEVED


def test_a_rollup_with_only_a_draft_under_it_is_zero() -> None:
    objectives = [objective(1), objective(2, parent_key_result_id=10, state=DRAFT)]
    krs = [rollup(10, 1), metric(20, 2)]
    figures = evaluate(data(objectives, krs, [check_in(1, 20, AS_OF, 80)]), AS_OF)
    assert figures.key_results[10].score == 0.0
    assert figures.objectives[2].score == 0.8


def test_a_draft_is_no_child_of_a_parent_without_key_results() -> None:
    # 1 has no key results; children 2 (metric at 40: 0.4) and draft 3 (metric at 100).
    objectives = [objective(1), objective(2, parent_id=1), objective(3, parent_id=1, state=DRAFT)]
    krs = [metric(20, 2), metric(30, 3)]
    check_ins = [check_in(1, 20, AS_OF, 40), check_in(2, 30, AS_OF, 100)]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    # 0.4 against 0.5 expected: gap 0.1, on track; with the draft it would be 0.7.
    assert figures.objectives[1].score == 0.4
    assert figures.objectives[1].status is Status.ON_TRACK
    assert figures.objectives[3].score == 1.0


def test_a_parent_whose_only_child_is_a_draft_has_no_score() -> None:
    objectives = [objective(1), objective(2, parent_id=1, state=DRAFT)]
    figures = evaluate(data(objectives, [metric(20, 2)], [check_in(1, 20, AS_OF, 60)]), AS_OF)
    assert (figures.objectives[1].score, figures.objectives[1].status) == (None, None)
    assert figures.objectives[2].score == 0.6


def test_a_draft_is_scored_from_its_own_children() -> None:
    # A draft without key results takes what is under it, like any objective.
    objectives = [objective(1, state=DRAFT), objective(2, parent_id=1)]
    figures = evaluate(data(objectives, [metric(20, 2)], [check_in(1, 20, AS_OF, 30)]), AS_OF)
    assert figures.objectives[1].score == 0.3
    assert figures.objectives[1].status is Status.AT_RISK  # gap 0.2


def test_a_draft_contributes_nothing() -> None:
    # 1 has rollup 10 with 2 (0.5) under it; 3 has no key results and child 4 (0.2); draft 5
    # (metric done) says it contributes to 1, 3 and rollup 10.
    objectives = [
        objective(1),
        objective(2, parent_key_result_id=10),
        objective(3),
        objective(4, parent_id=3),
        objective(5, state=DRAFT, contributes_to=(1, 3), contributes_to_key_results=(10,)),
    ]
    krs = [rollup(10, 1), metric(20, 2), metric(40, 4), metric(50, 5)]
    check_ins = [
        check_in(1, 20, AS_OF, 50),
        check_in(2, 40, AS_OF, 20),
        check_in(3, 50, AS_OF, 100),
    ]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    assert figures.key_results[10].score == 0.5
    assert figures.objectives[1].score == 0.5
    assert figures.objectives[3].score == 0.2
    assert figures.objectives[5].score == 1.0


# --- contributors -----------------------------------------------------------------------------


def test_a_contributor_counts_in_a_rollup_like_an_objective_aligned_under_it() -> None:
    # Rollup 10 of objective 1: 2 aligned under it (metric at 50: 0.5) and 3, of another team,
    # contributing to it (metric at 80: 0.8): (0.5 + 0.8) / 2 = 0.65.
    objectives = [
        objective(1),
        objective(2, parent_key_result_id=10),
        objective(3, contributes_to_key_results=(10,)),
    ]
    krs = [rollup(10, 1), metric(20, 2), metric(30, 3)]
    check_ins = [check_in(1, 20, AS_OF, 50), check_in(2, 30, AS_OF, 80)]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    assert figures.key_results[10].score == pytest.approx(0.65)
    assert figures.objectives[1].score == pytest.approx(0.65)
    assert figures.objectives[3].score == 0.8  # its own score is its own key result's


def test_a_rollup_with_only_contributors_is_their_mean() -> None:
    objectives = [
        objective(1),
        objective(2, contributes_to_key_results=(10,)),
        objective(3, contributes_to_key_results=(10,)),
        objective(4, contributes_to_key_results=(10,)),  # no score: skipped
    ]
    krs = [rollup(10, 1), metric(20, 2), metric(30, 3)]
    check_ins = [check_in(1, 20, AS_OF, 20), check_in(2, 30, AS_OF, 60)]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    assert figures.key_results[10].score == pytest.approx(0.4)  # (0.2 + 0.6) / 2


def test_an_objective_without_key_results_takes_the_mean_of_children_and_contributors() -> None:
    # 1 has no key results: child 2 (metric at 30: 0.3), contributor 3 (metric at 90: 0.9) and
    # contributor 4 with no score (skipped): (0.3 + 0.9) / 2 = 0.6, against 0.5 expected.
    objectives = [
        objective(1),
        objective(2, parent_id=1),
        objective(3, contributes_to=(1,)),
        objective(4, contributes_to=(1,)),
    ]
    krs = [metric(20, 2), metric(30, 3)]
    check_ins = [check_in(1, 20, AS_OF, 30), check_in(2, 30, AS_OF, 90)]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    assert figures.objectives[1].score == pytest.approx(0.6)
    assert figures.objectives[1].status is Status.ON_TRACK
    assert figures.objectives[4].score is None


def test_an_objective_with_only_contributors_is_scored_from_them() -> None:
    objectives = [objective(1), objective(2, contributes_to=(1,))]
    figures = evaluate(data(objectives, [metric(20, 2)], [check_in(1, 20, AS_OF, 70)]), AS_OF)
    assert figures.objectives[1].score == 0.7


def test_contributors_do_not_change_an_objective_with_key_results() -> None:
    objectives = [objective(1), objective(2, contributes_to=(1,))]
    krs = [metric(10, 1), metric(20, 2)]
    check_ins = [check_in(1, 10, AS_OF, 10), check_in(2, 20, AS_OF, 100)]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    assert figures.objectives[1].score == 0.1


def test_a_contributor_that_is_also_a_child_counts_once() -> None:
    # 1 has no key results: child 2 (0.2), which also says it contributes to 1, and child 3
    # (0.8): (0.2 + 0.8) / 2 = 0.5, not (0.2 + 0.2 + 0.8) / 3 = 0.4.
    objectives = [
        objective(1),
        objective(2, parent_id=1, contributes_to=(1,)),
        objective(3, parent_id=1),
    ]
    krs = [metric(20, 2), metric(30, 3)]
    check_ins = [check_in(1, 20, AS_OF, 20), check_in(2, 30, AS_OF, 80)]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    assert figures.objectives[1].score == 0.5


def test_an_objective_aligned_under_a_rollup_and_contributing_to_it_counts_once() -> None:
    objectives = [
        objective(1),
        objective(2, parent_key_result_id=10, contributes_to_key_results=(10,)),
        objective(3, contributes_to_key_results=(10, 10)),
    ]
    krs = [rollup(10, 1), metric(20, 2), metric(30, 3)]
    check_ins = [check_in(1, 20, AS_OF, 20), check_in(2, 30, AS_OF, 80)]
    figures = evaluate(data(objectives, krs, check_ins), AS_OF)
    assert figures.key_results[10].score == 0.5  # (0.2 + 0.8) / 2


def test_contributions_pass_up_through_several_levels() -> None:
    # 4 (metric at 40) is the child of 3 (no key results), which contributes to rollup 20 of 2,
    # which contributes to 1 (no key results): 1 = 2 = rollup 20 = 3 = 0.4.
    objectives = [
        objective(1),
        objective(2, contributes_to=(1,)),
        objective(3, contributes_to_key_results=(20,)),
        objective(4, parent_id=3),
    ]
    krs = [rollup(20, 2), metric(40, 4)]
    figures = evaluate(data(objectives, krs, [check_in(1, 40, AS_OF, 40)]), AS_OF)
    assert [figures.objectives[o].score for o in (1, 2, 3, 4)] == [0.4, 0.4, 0.4, 0.4]
    assert figures.key_results[20].score == 0.4


def test_a_contribution_cycle_terminates_with_no_score() -> None:
    objectives = [objective(1, contributes_to=(2,)), objective(2, contributes_to=(1,))]
    figures = evaluate(data(objectives, []), AS_OF)
    assert figures.objectives[1].score is None
    assert figures.objectives[2].score is None


def test_a_cycle_through_a_rollup_and_a_contribution_terminates_the_same_each_time() -> None:
    # 1 has rollup 10 and metric 11 (at 60); 2, with no key results, is aligned under 10 and 1
    # contributes to 2. Met first from 1, the edge back to 1 counts as no score: 2 has none,
    # rollup 10 is 0, and 1 is (0 + 0.6) / 2 = 0.3.
    objectives = [objective(1, contributes_to=(2,)), objective(2, parent_key_result_id=10)]
    krs = [rollup(10, 1), metric(11, 1)]
    rows = data(objectives, krs, [check_in(1, 11, AS_OF, 60)])
    figures = evaluate(rows, AS_OF)
    assert figures.objectives[2].score is None
    assert figures.key_results[10].score == 0.0
    assert figures.objectives[1].score == 0.3
    assert evaluate(rows, AS_OF) == figures


# --- reevaluate through contributions ---------------------------------------------------------


def test_a_check_in_below_a_contributor_recomputes_what_it_contributes_to() -> None:
    # 4 (metric 40) is the child of 3 (no key results); 3 contributes to 1 (no key results)
    # and to rollup 20 of 2; 5 stands apart, and draft 6 (metric 60) contributes to 1.
    objectives = [
        objective(1),
        objective(2),
        objective(3, contributes_to=(1,), contributes_to_key_results=(20,)),
        objective(4, parent_id=3),
        objective(5),
        objective(6, state=DRAFT, contributes_to=(1,)),
    ]
    krs = [rollup(20, 2), metric(40, 4), metric(50, 5), metric(60, 6)]
    before = evaluate(data(objectives, krs), AS_OF)
    assert before.objectives[1].score == 0.0
    now = data(objectives, krs, [check_in(1, 40, AS_OF, 30)])
    after = reevaluate(now, before, key_results={40})
    assert after == evaluate(now, AS_OF)
    assert [after.objectives[o].score for o in (1, 2, 3, 4)] == [0.3, 0.3, 0.3, 0.3]
    assert after.key_results[20].score == 0.3
    assert after.objectives[5] is before.objectives[5]
    # A check-in on the draft reaches the draft only.
    later = data(objectives, krs, [check_in(1, 40, AS_OF, 30), check_in(2, 60, AS_OF, 100)])
    again = reevaluate(later, after, key_results={60})
    assert again == evaluate(later, AS_OF)
    assert again.objectives[6].score == 1.0
    assert again.objectives[1] is after.objectives[1]


def test_an_objective_taking_its_first_key_result_moves_the_cut_in_a_cycle_below_it() -> None:
    # 1 (no key results) is served by 3, which is aligned under rollup 20 of 2, and 2
    # contributes to 3: the loop 2 -> 20 -> 3 -> 2. 2 also has metric 21 at 60. Met from 1,
    # the loop is cut at 3 -> ... -> 3: 20 is 0, 2 is (0 + 0.6) / 2 = 0.3, 3 and 1 are 0.3.
    objectives = [
        objective(1),
        objective(2, contributes_to=(3,)),
        objective(3, parent_key_result_id=20, contributes_to=(1,)),
    ]
    krs = [rollup(20, 2), metric(21, 2)]
    check_ins = [check_in(1, 21, AS_OF, 60)]
    before = evaluate(data(objectives, krs, check_ins), AS_OF)
    assert [before.objectives[o].score for o in (1, 2, 3)] == [0.3, 0.3, 0.3]
    # With a key result of its own 1 no longer leads into the loop: it is met from 2 and cut
    # at 2 -> ... -> 2, so 3 (below 1, not above the new key result) has no score.
    now = data(objectives, [*krs, metric(11, 1)], check_ins)
    after = reevaluate(now, before, key_results={11})
    assert after == evaluate(now, AS_OF)
    assert [after.objectives[o].score for o in (1, 2, 3)] == [0.0, 0.3, None]
    # And back: removing it again.
    again = reevaluate(data(objectives, krs, check_ins), after, key_results={11}, objectives={1})
    assert again == before
