"""Workspace documents: every structural and semantic problem, each with its document path."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from examples import SEEDS as SEEDS_FILE
from headway.domain.errors import FieldProblem, ValidationFailed
from headway.services.documents.document import parse_document, unknown_fields
from headway.services.documents.imports import check_document, checked_document

SEEDS = yaml.safe_load(SEEDS_FILE.read_text())
TODAY = date(2026, 11, 15)


def _problems(doc: dict[str, Any]) -> dict[str, str]:
    try:
        parsed = parse_document(doc)
    except ValidationFailed as exc:
        return {p.field: p.message for p in exc.problems}
    return {p.field: p.message for p in check_document(parsed, TODAY)}


def _seeds() -> dict[str, Any]:
    return copy.deepcopy(SEEDS)


def test_the_worked_example_has_no_problems() -> None:
    assert _problems(_seeds()) == {}


def test_an_unquoted_comma_in_a_flow_mapping_is_a_warning_not_an_error() -> None:
    # The example quotes this title; unquoted, YAML reads "000 unique page views" as a field.
    quoted = 'title: "Drive 10,000 unique page views"'
    text = SEEDS_FILE.read_text()
    assert quoted in text
    doc = yaml.safe_load(text.replace(quoted, "title: Drive 10,000 unique page views"))
    warnings = unknown_fields(parse_document(doc))
    assert [w.field for w in warnings] == ["objectives[4].key_results[1].000 unique page views"]
    assert _problems(doc) == {}


def test_structural_problems_name_their_paths() -> None:
    doc = _seeds()
    doc["units"][0].pop("name")
    doc["kpis"][1]["direction"] = "up"
    doc["kpis"][0]["measurements"][0]["at"] = 12
    doc["objectives"][2]["key_results"][0]["target"] = float("nan")
    doc["objectives"][2]["key_results"][1]["start"] = "8"
    doc["objectives"][0]["key_results"][0]["check_ins"][0]["confidence"] = 3.5
    doc["objectives"][0]["key_results"][0]["check_ins"][1]["value"] = True
    assert _problems(doc) == {
        "units[0].name": "is required",
        "kpis[1].direction": "must be one of 'higher_is_better', 'lower_is_better' or 'in_range'",
        "kpis[0].measurements[0].at": "must be an ISO 8601 date (YYYY-MM-DD)",
        "objectives[2].key_results[0].target": "must be a finite number",
        "objectives[2].key_results[1].start": "must be a number",
        "objectives[0].key_results[0].check_ins[0].confidence": "must be a whole number",
        "objectives[0].key_results[0].check_ins[1].value": "must be a number",
    }


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), 1e309])
def test_infinite_numbers_are_refused(value: float) -> None:
    doc = _seeds()
    doc["kpis"][0]["target"] = value
    assert set(_problems(doc)) == {"kpis[0].target"}


def test_semantic_problems_name_their_paths() -> None:
    doc = _seeds()
    doc["objectives"][2]["key_results"][1]["target"] = 8  # same as start
    doc["kpis"][0]["owner_unit"] = "nowhere"
    doc["objectives"][0]["key_results"][0]["check_ins"][0]["confidence"] = 11
    doc["objectives"][1]["period"] = "1999-Q1"
    doc["people"][1]["email"] = "CEO@example.com"  # the CEO's, in other letters
    doc["units"][5]["parent"] = "ghost"
    doc["objectives"][0]["key_results"][1]["check_ins"] = [{"date": "2026-11-01", "value": 1}]
    problems = _problems(doc)
    assert set(problems) == {
        "objectives[2].key_results[1].target",
        "kpis[0].owner_unit",
        "objectives[0].key_results[0].check_ins[0].confidence",
        "objectives[1].period",
        "people[0].email",
        "people[1].email",
        "units[5].parent",
        "objectives[0].key_results[1].check_ins[0].value",
    }


def test_duplicate_keys_and_a_second_company_are_refused() -> None:
    doc = _seeds()
    doc["units"][2]["key"] = "sales"
    doc["units"][3]["kind"] = "company"
    doc["units"][3].pop("parent")
    doc["objectives"][3]["key_results"][0]["key"] = "nps"
    problems = _problems(doc)
    assert {"units[1].key", "units[2].key", "units"} <= set(problems)
    assert {"objectives[0].key_results[0].key", "objectives[3].key_results[0].key"} <= set(problems)


def test_alignment_cycles_are_refused_through_objectives_and_key_results() -> None:
    doc = _seeds()
    doc["objectives"][0]["parent"] = "support"  # cx -> support -> (support-speed KR of cx)
    problems = _problems(doc)
    assert "objectives[0].parent" in problems
    assert "cycle" in problems["objectives[0].parent"]


def test_check_ins_in_the_future_and_on_kpi_linked_key_results_are_refused() -> None:
    doc = _seeds()
    doc["objectives"][0]["key_results"][0]["check_ins"][0]["date"] = "2026-11-16"
    doc["objectives"][1]["key_results"][0]["check_ins"] = [{"date": "2026-11-01", "value": 30}]
    assert set(_problems(doc)) == {
        "objectives[0].key_results[0].check_ins[0].date",
        "objectives[1].key_results[0].check_ins[0].value",
    }


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.sampled_from(["units", "people", "kpis", "objectives"]),
        min_size=1,
        max_size=3,
        unique=True,
    )
)
def test_every_bad_section_is_reported_at_once(sections: list[str]) -> None:
    doc = _seeds()
    for section in sections:
        doc[section][0]["key"] = ""
    reported = {field.split("[")[0] for field in _problems(doc)}
    assert set(sections) <= reported


def _every_problem(doc: dict[str, Any]) -> list[FieldProblem]:
    try:
        checked_document(doc, datetime(2026, 11, 15, 12, tzinfo=UTC))
    except ValidationFailed as exc:
        return exc.problems
    return []


def test_shape_and_meaning_problems_are_reported_in_one_run() -> None:
    doc = _seeds()
    doc["kpis"][3]["direction"] = "sideways"  # shape: reply-time cannot be checked
    doc["kpis"][1]["measurements"][0]["at"] = 12  # shape: this measurement is left out
    doc["kpis"][1] |= {"min_value": 0, "max_value": 0.5}  # meaning: 0.9 of measurements[1]
    doc["objectives"][2]["key_results"][1]["target"] = 8  # meaning: same as start
    problems = {p.field: p.message for p in _every_problem(doc)}
    assert problems == {
        "kpis[3].direction": "must be one of 'higher_is_better', 'lower_is_better' or 'in_range'",
        "kpis[1].measurements[0].at": "must be an ISO 8601 date (YYYY-MM-DD)",
        "kpis[1].measurements[1].value": "must be between 0 and 0.5",
        "objectives[2].key_results[1].target": "must differ from start",
    }  # and objectives[1].key_results[0].kpi, which names the broken KPI, is not reported


def test_a_broken_list_leaves_references_to_it_unchecked() -> None:
    doc = _seeds()
    doc["units"] = "everyone"
    doc["objectives"][1]["period"] = "1999-Q1"
    problems = {p.field: p.message for p in _every_problem(doc)}
    assert problems == {
        "units": "must be a list",
        "objectives[1].period": "no period is named '1999-Q1'",
    }


def test_a_broken_company_unit_is_not_also_reported_missing() -> None:
    doc = _seeds()
    doc["units"][0]["kind"] = "empire"
    assert {p.field for p in _every_problem(doc)} == {"units[0].kind"}


def test_five_hundred_problems_report_the_first_hundred_and_count_the_rest() -> None:
    doc = _seeds()
    doc["kpis"][0]["max_value"] = 10
    broken = {"at": "2026-01-01", "value": "x"}  # shape
    too_big = {"at": "2026-01-01", "value": 11}  # meaning
    doc["kpis"][0]["measurements"] = [broken, too_big] * 250
    problems = _every_problem(doc)
    assert len(problems) == 101
    assert problems[0] == FieldProblem("kpis[0].measurements[0].value", "must be a number")
    assert (problems[-1].field, problems[-1].message) == ("", "and 400 more problems not listed")


def test_a_measurement_outside_its_kpis_plausible_range_names_the_range() -> None:
    doc = _seeds()
    doc["kpis"][2] |= {"min_value": 0, "max_value": 62}  # NPS 60, 64
    doc["kpis"][5]["min_value"] = 20000  # CLV 12500
    doc["kpis"][6] |= {"min_value": 5, "max_value": 1}
    assert {p.field: p.message for p in _every_problem(doc)} == {
        "kpis[2].measurements[1].value": "must be between 0 and 62",
        "kpis[5].measurements[0].value": "must be at least 20000",
        "kpis[6].max_value": "must not be below min_value (5)",
    }


def test_a_due_date_outside_its_objectives_period_or_not_a_date_names_its_path() -> None:
    doc = _seeds()
    assert doc["objectives"][0]["period"] == "2026-Q4"
    doc["objectives"][0]["key_results"][0]["due"] = "2026-11-30"  # inside: fine
    doc["objectives"][0]["key_results"][1]["due"] = "2027-01-15"
    doc["objectives"][1]["key_results"][0]["due"] = date(2026, 9, 30)
    assert _problems(doc) == {
        "objectives[0].key_results[1].due": "must lie inside its period (2026-10-01 to 2026-12-31)",
        "objectives[1].key_results[0].due": "must lie inside its period (2026-10-01 to 2026-12-31)",
    }
    doc["objectives"][1]["key_results"][0]["due"] = "30 Nov"
    assert list(_problems(doc)) == ["objectives[1].key_results[0].due"]


def test_contributions_name_objectives_or_rollup_key_results_of_the_same_period() -> None:
    doc = _seeds()
    doc["periods"].append(
        {"name": "2027-Q1", "kind": "quarter", "start": "2027-01-01", "end": "2027-03-31"}
    )
    doc["objectives"].append(
        {"key": "later", "title": "Next quarter", "period": "2027-Q1", "owner_unit": "co"}
    )
    # funnel (2026-Q4) serves revenue and cx's rollup: both fine.
    doc["objectives"][3]["contributes_to"] = [
        "revenue",
        "support-speed",
        "funnel",
        "revenue",
        "later",
        "deals",
        "nowhere",
    ]
    # support sits under support-speed already.
    doc["objectives"][1]["contributes_to"] = ["support-speed", "faq"]
    assert _problems(doc) == {
        "objectives[3].contributes_to[2]": (
            "is the objective itself: it cannot contribute to itself"
        ),
        "objectives[3].contributes_to[3]": "is listed more than once",
        "objectives[3].contributes_to[4]": "no such objective in this period",
        "objectives[3].contributes_to[5]": (
            "is a metric key result: only a rollup key result counts the objectives "
            "contributing to it"
        ),
        "objectives[3].contributes_to[6]": "no objective or key result has the key 'nowhere'",
        "objectives[1].contributes_to[0]": (
            "is already the objective's parent key result: it counts there once"
        ),
        "objectives[1].contributes_to[1]": (
            "is one of this objective's own key results: it cannot contribute to it"
        ),
    }


def test_a_contribution_closing_a_cycle_is_refused_and_an_ambiguous_key_too() -> None:
    doc = _seeds()
    # cx serves revenue; revenue serves support, which sits under cx's rollup: a cycle, and
    # each of its links is named.
    doc["objectives"][0]["contributes_to"] = ["revenue"]
    doc["objectives"][2]["contributes_to"] = ["support"]
    problems = _problems(doc)
    cycle = "would form a cycle: the objective would be its own ancestor"
    assert problems == {
        "objectives[0].contributes_to[0]": cycle,
        "objectives[1].parent_kr": "alignment would form a cycle",
        "objectives[2].contributes_to[0]": cycle,
    }
    doc = _seeds()
    doc["objectives"][4]["key_results"][0]["key"] = "funnel"  # a key result keyed as an objective
    doc["objectives"][4]["contributes_to"] = ["funnel"]
    assert _problems(doc) == {
        "objectives[4].contributes_to[0]": "'funnel' is the key of an objective and of a key "
        "result: give them different keys"
    }
