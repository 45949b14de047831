"""A form's closed choices are read by the domain's choice rule, whatever page posts them."""

from __future__ import annotations

from headway.domain.errors import FieldProblem
from headway.web.ui.forms import FormReader


def test_a_choice_outside_the_allowed_values_is_a_problem_of_its_field() -> None:
    read = FormReader({"role": "owner", "kind": "  quarter "})
    assert read.choice("role", ["admin", "member"]) == "owner"
    assert read.choice("kind", ["quarter", "custom"]) == "quarter"
    assert read.problems == [FieldProblem("role", "must be one of admin, member")]


def test_an_empty_choice_takes_its_default_and_is_checked_like_any_other() -> None:
    read = FormReader({})
    assert read.choice("status", ["planned", "done"], default="planned") == "planned"
    assert read.choice("kind", ["quarter"]) == ""
    assert read.problems == [FieldProblem("kind", "must be one of quarter")]
