"""Validation rules (DOMAIN.md, Validation): every problem named by its field, nothing raised."""

from __future__ import annotations

import math
from datetime import date

import pytest
from builders import metric, objective

from headway.domain.errors import FieldProblem
from headway.domain.model import Direction, KeyResult, KeyResultKind, Objective, UnitKind
from headway.domain.validation import (
    alignment_creates_cycle,
    finite,
    normalise_email,
    validate_check_in,
    validate_confidence,
    validate_day,
    validate_email,
    validate_fiscal_month,
    validate_key_result,
    validate_kpi,
    validate_note,
    validate_period,
    validate_timezone,
    validate_title,
    validate_unit_tree,
    validate_weight,
)

TODAY = date(2026, 11, 15)
HIGHER, LOWER, IN_RANGE = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER, Direction.IN_RANGE
METRIC, MILESTONE, ROLLUP = KeyResultKind.METRIC, KeyResultKind.MILESTONE, KeyResultKind.ROLLUP


def fields(problems: list[FieldProblem]) -> list[str]:
    return [p.field for p in problems]


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -3, 2.5, 1e15, -1e15, None])
def test_finite_numbers_and_absence_pass(value: float | None) -> None:
    assert finite("value", value) == []


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused(value: float) -> None:
    assert fields(finite("value", value)) == ["value"]
    assert "finite" in finite("value", value)[0].message


@pytest.mark.parametrize("value", [True, "12", [1]])
def test_things_that_are_not_numbers_are_refused(value: object) -> None:
    assert finite("target", value) == [FieldProblem("target", "must be a number")]


@pytest.mark.parametrize("weight", [1, 0.01, 3.5])
def test_a_positive_weight_passes(weight: float) -> None:
    assert validate_weight(weight) == []


@pytest.mark.parametrize("weight", [0, -1, math.nan, math.inf, None])
def test_a_weight_of_zero_or_less_or_not_finite_is_refused(weight: float | None) -> None:
    assert fields(validate_weight(weight)) == ["weight"]


# --- texts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["x", "a" * 200, "  " + "a" * 200 + "  "])
def test_titles_of_one_to_two_hundred_characters_after_trimming_pass(text: str) -> None:
    assert validate_title("title", text) == []


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "a" * 201])
def test_empty_whitespace_only_or_overlong_titles_are_refused(text: str) -> None:
    assert fields(validate_title("name", text)) == ["name"]


def test_a_note_may_hold_ten_thousand_characters_but_not_more() -> None:
    assert validate_note("note", "n" * 10_000) == []
    assert validate_note("note", "") == []
    assert fields(validate_note("description", "n" * 10_001)) == ["description"]


# --- key results and check-ins ---------------------------------------------------------------


def test_a_metric_with_distinct_start_and_target_passes() -> None:
    assert validate_key_result(METRIC, 45, 25, 1) == []
    assert validate_key_result("metric", 0, 80000, 2) == []


def test_a_metric_needs_both_start_and_target() -> None:
    assert fields(validate_key_result(METRIC, None, None, 1)) == ["start_value", "target_value"]
    assert fields(validate_key_result(METRIC, 1, None, 1)) == ["target_value"]


def test_a_metric_whose_target_equals_its_start_is_refused() -> None:
    problems = validate_key_result(METRIC, 60, 60, 1)
    assert problems == [FieldProblem("target_value", "must differ from start")]


def test_a_metric_with_a_nan_target_is_refused_as_not_finite() -> None:
    assert fields(validate_key_result(METRIC, 1, math.nan, 1)) == ["target_value"]


@pytest.mark.parametrize("kind", [MILESTONE, ROLLUP])
def test_milestones_and_rollups_take_no_start_or_target(kind: KeyResultKind) -> None:
    assert validate_key_result(kind, None, None, 1) == []
    assert fields(validate_key_result(kind, 0, 1, 1)) == ["start_value", "target_value"]


def test_every_key_result_problem_is_reported_at_once() -> None:
    assert fields(validate_key_result(METRIC, None, 5, 0)) == ["start_value", "weight"]


@pytest.mark.parametrize("confidence", [None, 0, 7, 10])
def test_confidence_from_zero_to_ten_passes(confidence: int | None) -> None:
    assert validate_confidence(confidence) == []
    assert validate_check_in(METRIC, 5, confidence, TODAY, TODAY) == []


@pytest.mark.parametrize("confidence", [11, -1, 3.5, True, "5"])
def test_confidence_outside_zero_to_ten_or_not_whole_is_refused(confidence: object) -> None:
    problems = validate_check_in(METRIC, 5, confidence, TODAY, TODAY)  # type: ignore[arg-type]
    assert fields(problems) == ["confidence"]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_check_in_value_must_be_finite(value: float) -> None:
    assert fields(validate_check_in(METRIC, value, None, TODAY, TODAY)) == ["value"]


@pytest.mark.parametrize(
    ("value", "ok"), [(0, True), (1, True), (1.0, True), (0.5, False), (2, False)]
)
def test_a_milestone_check_in_is_zero_or_one(value: float, ok: bool) -> None:
    problems = validate_check_in(MILESTONE, value, None, TODAY, TODAY)
    assert fields(problems) == ([] if ok else ["value"])


def test_a_rollup_refuses_check_ins() -> None:
    problems = validate_check_in(ROLLUP, 1, None, TODAY, TODAY)
    assert fields(problems) == ["value"]
    assert "rollup" in problems[0].message


def test_a_kpi_linked_key_result_refuses_manual_check_ins() -> None:
    problems = validate_check_in(METRIC, 30, None, TODAY, TODAY, kpi_linked=True)
    assert fields(problems) == ["value"]
    assert "KPI" in problems[0].message


def test_a_check_in_may_be_dated_today_or_earlier_but_not_later() -> None:
    assert validate_check_in(METRIC, 1, None, date(2026, 1, 1), TODAY) == []
    problems = validate_check_in(METRIC, 1, None, date(2026, 11, 16), TODAY)
    assert fields(problems) == ["effective_date"]
    assert "2026-11-15" in problems[0].message


# --- periods and KPIs ------------------------------------------------------------------------


def test_a_period_may_be_one_day_long_but_not_end_before_it_starts() -> None:
    assert validate_period(date(2026, 10, 1), date(2026, 10, 1)) == []
    assert validate_period(date(2026, 10, 1), date(2026, 12, 31)) == []
    assert fields(validate_period(date(2026, 10, 1), date(2026, 9, 30))) == ["end_date"]


@pytest.mark.parametrize(
    ("direction", "target", "low", "high", "warning"),
    [
        (HIGHER, 70, None, None, 60),
        (HIGHER, 12000, None, None, None),
        (LOWER, 25, None, None, 35),
        ("lower_is_better", 1, None, None, 2),
        (IN_RANGE, None, 800, 1200, 100),
        (IN_RANGE, None, 5, 5, None),
    ],
)
def test_well_formed_kpi_targets_pass(
    direction: Direction,
    target: float | None,
    low: float | None,
    high: float | None,
    warning: float | None,
) -> None:
    assert validate_kpi(direction, target, low, high, warning) == []


@pytest.mark.parametrize(
    ("direction", "target", "low", "high", "warning", "bad"),
    [
        (HIGHER, None, None, None, None, ["target"]),
        (LOWER, None, None, None, 35, ["target"]),
        (HIGHER, 70, None, None, 70, ["warning"]),
        (HIGHER, 70, None, None, 80, ["warning"]),
        (LOWER, 25, None, None, 20, ["warning"]),
        (LOWER, 25, None, None, 25, ["warning"]),
        (HIGHER, 70, 60, None, None, ["target_low"]),
        (IN_RANGE, None, None, None, None, ["target_low", "target_high"]),
        (IN_RANGE, 1000, 800, 1200, None, ["target"]),
        (IN_RANGE, None, 1200, 800, None, ["target_high"]),
        (IN_RANGE, None, 800, 1200, 0, ["warning"]),
        (IN_RANGE, None, 800, 1200, -5, ["warning"]),
        (HIGHER, math.nan, None, None, None, ["target"]),
        (IN_RANGE, None, 800, math.inf, None, ["target_high"]),
        ("sideways", 1, None, None, None, ["direction"]),
    ],
)
def test_malformed_kpi_targets_are_refused(
    direction: Direction,
    target: float | None,
    low: float | None,
    high: float | None,
    warning: float | None,
    bad: list[str],
) -> None:
    assert fields(validate_kpi(direction, target, low, high, warning)) == bad


# --- people and workspaces -------------------------------------------------------------------


@pytest.mark.parametrize("email", ["ceo@example.com", " Sales-Lead@Example.CO.uk ", "a+b@x.io"])
def test_plausible_email_addresses_pass(email: str) -> None:
    assert validate_email(email) == []


@pytest.mark.parametrize(
    "email",
    [
        "",
        "   ",
        "ceo",
        "ceo@",
        "@example.com",
        "ceo@example",
        "a b@x.io",
        "a@@x.io",
        "a@x..io",
        "a@x.io.",
        "a@" + "x" * 250 + ".io",
    ],
)
def test_malformed_email_addresses_are_refused(email: str) -> None:
    assert fields(validate_email(email)) == ["email"]


def test_emails_are_stored_trimmed_and_lower_case() -> None:
    assert normalise_email("  CEO@Example.COM ") == "ceo@example.com"


@pytest.mark.parametrize("month", [1, 7, 12])
def test_a_fiscal_month_from_one_to_twelve_passes(month: int) -> None:
    assert validate_fiscal_month(month) == []


@pytest.mark.parametrize("month", [0, 13, -1, True, 1.0, "1"])
def test_a_fiscal_month_outside_one_to_twelve_is_refused(month: object) -> None:
    assert fields(validate_fiscal_month(month)) == ["fiscal_year_start_month"]


@pytest.mark.parametrize("name", ["UTC", "Europe/Oslo", "America/New_York"])
def test_known_time_zones_pass(name: str) -> None:
    assert validate_timezone(name) == []


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "Europe/../etc", " UTC", "/etc/passwd"])
def test_unknown_time_zones_are_refused(name: str) -> None:
    assert fields(validate_timezone(name)) == ["timezone"]


# --- the unit tree ---------------------------------------------------------------------------

COMPANY, DEPARTMENT, TEAM = UnitKind.COMPANY, UnitKind.DEPARTMENT, UnitKind.TEAM


def test_a_tree_with_one_company_root_passes() -> None:
    assert validate_unit_tree([(1, COMPANY, None), (2, DEPARTMENT, 1), (3, TEAM, 2)]) == []
    assert validate_unit_tree([(0, "company", None)]) == []


def test_a_tree_needs_exactly_one_company() -> None:
    assert fields(validate_unit_tree([])) == [""]
    assert fields(validate_unit_tree([(1, COMPANY, None), (2, COMPANY, None)])) == [""]


def test_the_company_has_no_parent_and_every_other_unit_has_one() -> None:
    assert fields(validate_unit_tree([(1, COMPANY, 2), (2, DEPARTMENT, None)])) == [
        "parent_id",
        "parent_id",
    ]


def test_a_parent_must_exist() -> None:
    problems = validate_unit_tree([(1, COMPANY, None), (2, TEAM, 9)])
    assert fields(problems) == ["parent_id"]
    assert "9" in problems[0].message


def test_units_in_a_cycle_are_refused() -> None:
    problems = validate_unit_tree([(1, COMPANY, None), (2, TEAM, 3), (3, TEAM, 2), (4, TEAM, 4)])
    assert sorted(p.message.split()[1] for p in problems) == ["2", "3", "4"]
    assert all("below itself" in p.message for p in problems)


# --- alignment -------------------------------------------------------------------------------


def _rows(
    objectives: list[Objective], key_results: list[KeyResult]
) -> tuple[dict[int, Objective], dict[int, KeyResult]]:
    return {o.id: o for o in objectives}, {kr.id: kr for kr in key_results}


def test_an_objective_cannot_be_its_own_parent() -> None:
    objectives, krs = _rows([objective(1)], [])
    assert alignment_creates_cycle(1, 1, None, objectives, krs)


def test_aligning_under_a_child_is_a_direct_cycle() -> None:
    objectives, krs = _rows([objective(1), objective(2, parent_id=1)], [])
    assert alignment_creates_cycle(1, 2, None, objectives, krs)


def test_aligning_under_its_own_key_result_is_a_cycle() -> None:
    objectives, krs = _rows([objective(1)], [metric(11, 1)])
    assert alignment_creates_cycle(1, None, 11, objectives, krs)


def test_a_cycle_through_a_key_result_further_up_is_found() -> None:
    # 2 sits under key result 11 of objective 1; 3 under 2: aligning 1 under 3 closes the loop.
    objectives, krs = _rows(
        [objective(1), objective(2, parent_key_result_id=11), objective(3, parent_id=2)],
        [metric(11, 1), metric(21, 2)],
    )
    assert alignment_creates_cycle(1, 3, None, objectives, krs)
    assert alignment_creates_cycle(1, None, 21, objectives, krs)


def test_aligning_under_an_unrelated_branch_is_fine() -> None:
    objectives, krs = _rows(
        [objective(1), objective(2, parent_id=1), objective(3), objective(4, parent_id=3)],
        [metric(31, 3)],
    )
    assert not alignment_creates_cycle(2, 4, None, objectives, krs)
    assert not alignment_creates_cycle(1, None, 31, objectives, krs)
    assert not alignment_creates_cycle(1, None, None, objectives, krs)


def test_moving_an_objective_ignores_its_current_parent() -> None:
    # 2 is under 1 today; moving 2 under 3 (a sibling) is fine even though 2's stored parent is 1.
    objectives, krs = _rows(
        [objective(1), objective(2, parent_id=1), objective(3, parent_id=1)], []
    )
    assert not alignment_creates_cycle(2, 3, None, objectives, krs)


def test_an_existing_cycle_elsewhere_does_not_hang_the_walk() -> None:
    objectives, krs = _rows(
        [objective(1), objective(2, parent_id=3), objective(3, parent_id=2)], []
    )
    assert not alignment_creates_cycle(1, 2, None, objectives, krs)


def test_unknown_parents_end_the_walk() -> None:
    objectives, krs = _rows([objective(1)], [])
    assert not alignment_creates_cycle(1, 99, None, objectives, krs)
    assert not alignment_creates_cycle(1, None, 99, objectives, krs)


@pytest.mark.parametrize("value", [1e15 * 1.0001, -1e16, 1e308])
def test_figures_beyond_a_quadrillion_are_refused_before_they_overflow(value: float) -> None:
    assert [p.field for p in finite("value", value)] == ["value"]


@pytest.mark.parametrize("day", [date(1899, 12, 31), date(9999, 1, 1), date(1, 1, 1)])
def test_dates_outside_1900_to_9998_are_refused(day: date) -> None:
    assert [p.field for p in validate_day("at", day)] == ["at"]


def test_only_a_metric_key_result_can_follow_a_kpi() -> None:
    assert validate_key_result("metric", 1, 2, 1, kpi_linked=True) == []
    for kind in ("milestone", "rollup"):
        problems = validate_key_result(kind, None, None, 1, kpi_linked=True)
        assert [p.field for p in problems] == ["kpi_id"]


def test_quarters_and_years_follow_the_fiscal_year() -> None:
    assert (
        validate_period(date(2026, 4, 1), date(2026, 6, 30), kind="quarter", fiscal_start_month=4)
        == []
    )
    assert (
        validate_period(date(2026, 4, 1), date(2027, 3, 31), kind="year", fiscal_start_month=4)
        == []
    )
    off = validate_period(
        date(2026, 5, 10), date(2026, 5, 20), kind="quarter", fiscal_start_month=1
    )
    assert [p.field for p in off] == ["start_date"]
    assert "2026-04-01 to 2026-06-30" in off[0].message
    assert (
        validate_period(date(2026, 5, 10), date(2026, 5, 20), kind="custom", fiscal_start_month=1)
        == []
    )
