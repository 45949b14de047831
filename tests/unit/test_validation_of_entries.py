"""Validation of entries (docs/concepts.md): numbers, texts, key results and check-ins."""

from __future__ import annotations

import math
from datetime import date

import pytest
from field_problems import fields

from headway.domain.errors import FieldProblem
from headway.domain.model import KeyResultKind
from headway.domain.validation import (
    finite,
    validate_check_in,
    validate_confidence,
    validate_day,
    validate_key_result,
    validate_note,
    validate_title,
    validate_weight,
)

TODAY = date(2026, 11, 15)
METRIC, MILESTONE, ROLLUP = KeyResultKind.METRIC, KeyResultKind.MILESTONE, KeyResultKind.ROLLUP


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
