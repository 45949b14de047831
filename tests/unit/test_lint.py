"""Coaching rules OKR001-OKR010, KPI001-KPI002 (DOMAIN.md, Coaching), on hand-built figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from builders import (
    Q4_START,
    figures,
    kpi,
    kpi_figures,
    kr_figures,
    metric,
    milestone,
    objective,
    period,
    period_data,
    person,
    rollup,
    unit,
)

from headway.domain.kpi import format_number
from headway.domain.lint import ACTIVITY_VERBS, coach, starts_with_activity_verb
from headway.domain.model import (
    Finding,
    Health,
    KeyResult,
    KeyResultFigures,
    Kpi,
    KpiFigures,
    Objective,
    ObjectiveState,
    Period,
    PeriodState,
    Person,
    Severity,
    Status,
    UnitKind,
)

AS_OF = date(2026, 11, 15)


def three_krs(objective_id: int) -> list[KeyResult]:
    base = objective_id * 10
    return [metric(base + i, objective_id, f"Metric {i} from 60 to 70") for i in range(1, 4)]


def run(
    objectives: Iterable[Objective],
    key_results: Iterable[KeyResult],
    kpis: Iterable[Kpi] = (),
    *,
    kr_figs: Iterable[KeyResultFigures] | None = None,
    kpi_figs: Iterable[KpiFigures] = (),
    as_of: date = AS_OF,
    the_period: Period | None = None,
    people: Iterable[Person] = (),
    before: Mapping[int, float | None] | None = None,
) -> list[Finding]:
    krs = list(key_results)
    if kr_figs is None:
        kr_figs = [kr_figures(kr.id, last_update=as_of) for kr in krs]
    data = period_data(
        objectives,
        krs,
        kpis,
        units=[unit(1, "Example Co", UnitKind.COMPANY), unit(2, "Support", UnitKind.DEPARTMENT, 1)],
        people=people,
    )
    figs = figures(as_of, kr_figs, kpi_figs)
    p = the_period or period()
    if before is None:
        return coach(data, p, figs, as_of)
    return coach(data, p, figs, as_of, kpi_value_before=before)


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


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


# --- OKR006 ----------------------------------------------------------------------------------


def _linked(start: float, target: float) -> list[KeyResult]:
    reply = metric(
        11, 1, "Reply time from 45 to 25 min", kpi_id=5, start_value=start, target_value=target
    )
    return [reply, metric(12, 1), metric(13, 1)]


@pytest.mark.parametrize("value", [25.0, 20.0])
def test_a_falling_target_the_kpi_already_met_is_flagged(value: float) -> None:
    findings = only(run([objective(1)], _linked(45, 25), [kpi(5)], before={5: value}), "OKR006")
    assert [(f.subject_type, f.subject_id) for f in findings] == [("key_result", 11)]
    assert "Average reply time" in findings[0].message


@pytest.mark.parametrize("value", [25.5, 45.0, None])
def test_a_falling_target_the_kpi_has_not_met_is_fine(value: float | None) -> None:
    assert only(run([objective(1)], _linked(45, 25), [kpi(5)], before={5: value}), "OKR006") == []


@pytest.mark.parametrize(("value", "flagged"), [(70.0, True), (71.0, True), (69.9, False)])
def test_a_rising_target_compares_the_other_way(value: float, flagged: bool) -> None:
    findings = only(run([objective(1)], _linked(60, 70), [kpi(5)], before={5: value}), "OKR006")
    assert bool(findings) is flagged


def test_without_values_before_the_period_okr006_stays_silent() -> None:
    assert only(run([objective(1)], _linked(45, 25), [kpi(5)]), "OKR006") == []


# --- OKR009 ----------------------------------------------------------------------------------


def _stale(last_update: date | None, **kw: Any) -> list[Finding]:
    krs = three_krs(1)
    figs = [kr_figures(11, last_update=last_update)] + [
        kr_figures(kr.id, last_update=AS_OF) for kr in krs[1:]
    ]
    return only(run([objective(1)], krs, kr_figs=figs, **kw), "OKR009")


def test_fourteen_days_without_a_check_in_is_fine() -> None:
    assert _stale(AS_OF - timedelta(days=14)) == []


def test_fifteen_days_without_a_check_in_is_flagged() -> None:
    findings = _stale(AS_OF - timedelta(days=15))
    assert [(f.subject_type, f.subject_id, f.severity) for f in findings] == [
        ("key_result", 11, Severity.WARNING)
    ]
    assert "15 days" in findings[0].message


def test_with_no_check_in_the_count_starts_at_the_period_start() -> None:
    assert _stale(None, as_of=Q4_START + timedelta(days=14)) == []
    assert len(_stale(None, as_of=Q4_START + timedelta(days=15))) == 1


def test_a_check_in_from_before_the_period_counts_from_that_check_in() -> None:
    assert _stale(date(2026, 9, 25), as_of=date(2026, 10, 9)) == []
    assert len(_stale(date(2026, 9, 25), as_of=date(2026, 10, 10))) == 1


def test_days_stop_accruing_at_the_period_end() -> None:
    def flagged(last: date) -> list[int]:
        return [f.subject_id for f in _stale(last, as_of=date(2027, 2, 1)) if f.subject_id == 11]

    assert flagged(date(2026, 12, 17)) == []
    assert flagged(date(2026, 12, 16)) == [11]


def test_before_the_period_starts_nothing_is_stale() -> None:
    assert _stale(None, as_of=Q4_START - timedelta(days=30)) == []


def test_a_closed_period_is_never_stale() -> None:
    assert _stale(None, the_period=period(state=PeriodState.CLOSED)) == []


def test_a_closed_objective_is_never_stale() -> None:
    krs = three_krs(1)
    figs = [kr_figures(kr.id) for kr in krs]
    o = objective(1, state=ObjectiveState.CLOSED)
    assert only(run([o], krs, kr_figs=figs), "OKR009") == []


def test_achieved_and_rollup_key_results_are_never_stale() -> None:
    krs = [metric(11, 1), milestone(12, 1), rollup(13, 1)]
    figs = [kr_figures(11, status=Status.ACHIEVED, score=1.0), kr_figures(12), kr_figures(13)]
    assert [f.subject_id for f in only(run([objective(1)], krs, kr_figs=figs), "OKR009")] == [12]


def test_a_kpi_linked_key_result_is_stale_without_measurements() -> None:
    krs = [metric(11, 1, kpi_id=5), metric(12, 1), metric(13, 1)]
    figs = [kr_figures(11, last_update=date(2026, 10, 20))] + [
        kr_figures(i, last_update=AS_OF) for i in (12, 13)
    ]
    findings = only(run([objective(1)], krs, [kpi(5)], kr_figs=figs), "OKR009")
    assert [f.subject_id for f in findings] == [11]
    assert "measurement of Average reply time" in findings[0].message


# --- OKR010 / KPI001 / KPI002 ----------------------------------------------------------------


def test_every_key_result_linked_to_a_kpi_is_flagged_on_the_period() -> None:
    krs = [metric(10 + i, 1, f"Metric {i}", kpi_id=5) for i in range(1, 4)]
    findings = only(run([objective(1)], krs, [kpi(5)]), "OKR010")
    assert [(f.subject_type, f.subject_id, f.subject_title) for f in findings] == [
        ("period", 1, "2026-Q4")
    ]


def test_one_unlinked_key_result_is_enough_for_okr010() -> None:
    krs = [metric(11, 1, kpi_id=5), metric(12, 1, kpi_id=5), metric(13, 1)]
    assert only(run([objective(1)], krs, [kpi(5)]), "OKR010") == []


def test_a_period_without_key_results_is_not_okr010() -> None:
    assert only(run([objective(1)], []), "OKR010") == []


def test_a_critical_kpi_no_key_result_follows_proposes_an_okr() -> None:
    figs = [kpi_figures(5, Health.CRITICAL, latest_value=45)]
    findings = only(run([objective(1)], three_krs(1), [kpi(5)], kpi_figs=figs), "KPI001")
    assert [(f.subject_type, f.subject_id, f.severity) for f in findings] == [
        ("kpi", 5, Severity.WARNING)
    ]
    assert "propose an OKR" in findings[0].message
    assert "45" in findings[0].message


def test_coaching_writes_a_number_as_a_proposal_title_does() -> None:
    figs = [kpi_figures(5, Health.CRITICAL, latest_value=12_345_678_901.5)]
    findings = only(run([objective(1)], three_krs(1), [kpi(5)], kpi_figs=figs), "KPI001")
    reading = format_number(12_345_678_901.5)
    assert reading == "12345678901.5"  # every digit typed, no exponent
    assert f"critical at {reading} against target {format_number(25.0)}" in findings[0].message


def test_a_critical_kpi_a_key_result_follows_is_fine() -> None:
    krs = [metric(11, 1, kpi_id=5), metric(12, 1), metric(13, 1)]
    figs = [kpi_figures(5, Health.CRITICAL, latest_value=45)]
    assert only(run([objective(1)], krs, [kpi(5)], kpi_figs=figs), "KPI001") == []


@pytest.mark.parametrize("health", [Health.HEALTHY, Health.WARNING, Health.NO_DATA])
def test_a_kpi_that_is_not_critical_or_stale_gets_no_advice(health: Health) -> None:
    findings = run([objective(1)], three_krs(1), [kpi(5)], kpi_figs=[kpi_figures(5, health)])
    assert findings == []


def test_a_stale_kpi_is_flagged_as_info() -> None:
    figs = [kpi_figures(5, Health.STALE, last_measured=date(2026, 3, 31))]
    findings = only(run([objective(1)], three_krs(1), [kpi(5)], kpi_figs=figs), "KPI002")
    assert [(f.subject_type, f.subject_id, f.severity) for f in findings] == [
        ("kpi", 5, Severity.INFO)
    ]
    assert "2026-03-31" in findings[0].message


# --- order -----------------------------------------------------------------------------------


def test_findings_are_sorted_by_code_then_subject_title_then_id() -> None:
    objectives = [objective(2, "Beta 2"), objective(1, "Alpha 1"), objective(3, "Alpha 1")]
    findings = run(objectives, [])
    assert [(f.code, f.subject_id) for f in findings] == [
        ("OKR005", 1), ("OKR005", 3), ("OKR005", 2),
        ("OKR008", 1), ("OKR008", 3), ("OKR008", 2),
    ]  # fmt: skip
