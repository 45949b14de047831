"""Coaching on KPIs and check-ins (docs/coaching.md): OKR006, OKR009, OKR010, KPI001-KPI002."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from builders import (
    Q4_START,
    kpi,
    kpi_figures,
    kr_figures,
    metric,
    milestone,
    objective,
    period,
    rollup,
)
from coaching import AS_OF, only, run, three_krs

from headway.domain.kpi import format_number
from headway.domain.model import (
    Finding,
    Health,
    KeyResult,
    ObjectiveState,
    PeriodState,
    Severity,
    Status,
)

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


def test_a_drafts_key_results_are_never_stale() -> None:
    # No check-in in the 45 days since 2026-10-01, and the KPI-linked one no measurement.
    krs = [metric(11, 1), metric(12, 1, kpi_id=5), metric(21, 2)]
    figs = [kr_figures(kr.id) for kr in krs]
    objectives = [objective(1, state=ObjectiveState.DRAFT), objective(2)]
    findings = only(run(objectives, krs, [kpi(5)], kr_figs=figs), "OKR009")
    assert [f.subject_id for f in findings] == [21]
    assert "in the 45 days since 2026-Q4 began" in findings[0].message


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


def test_a_drafts_key_result_following_a_critical_kpi_answers_kpi001() -> None:
    # The proposal made from the KPI is a draft: the KPI is being worked on.
    proposal = objective(2, "Improve Average reply time", state=ObjectiveState.DRAFT)
    krs = [*three_krs(1), metric(21, 2, "Average reply time from 45 to 25", kpi_id=5)]
    figs = [kpi_figures(5, Health.CRITICAL, latest_value=45)]
    assert only(run([objective(1), proposal], krs, [kpi(5)], kpi_figs=figs), "KPI001") == []


def test_a_drafts_key_results_are_not_the_periods_for_okr010() -> None:
    # Only the draft's key result is linked, and the adopted objective's are not: no OKR010.
    proposal = objective(2, "Improve Average reply time", state=ObjectiveState.DRAFT)
    krs = [*three_krs(1), metric(21, 2, kpi_id=5)]
    assert only(run([objective(1), proposal], krs, [kpi(5)]), "OKR010") == []
    # A period of drafts alone has no key results of its own: no OKR010 either.
    assert only(run([proposal], [metric(21, 2, kpi_id=5)], [kpi(5)]), "OKR010") == []
    # Every adopted key result linked, the draft's not: OKR010.
    linked = [metric(10 + i, 1, f"Metric {i}", kpi_id=5) for i in range(1, 4)]
    assert (
        len(only(run([objective(1), proposal], [*linked, metric(21, 2)], [kpi(5)]), "OKR010")) == 1
    )
