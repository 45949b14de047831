"""Validation of the setup (docs/concepts.md): periods, KPIs, people, units, alignment."""

from __future__ import annotations

import math
from datetime import date

import pytest
from builders import metric, objective, rollup
from field_problems import fields

from headway.domain.model import Direction, KeyResult, Objective, UnitKind
from headway.domain.validation import (
    MAX_CONTRIBUTIONS,
    Contribution,
    alignment_creates_cycle,
    normalise_email,
    validate_contributions,
    validate_email,
    validate_fiscal_month,
    validate_kpi,
    validate_period,
    validate_timezone,
    validate_unit_tree,
)

HIGHER, LOWER, IN_RANGE = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER, Direction.IN_RANGE


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


# --- contributions ---------------------------------------------------------------------------


def test_a_cycle_through_contributions_is_found_whichever_links_it_mixes() -> None:
    # 2 serves 1; 3 serves 1's rollup 11; 4 sits under 2.
    objectives, krs = _rows(
        [
            objective(1),
            objective(2, contributes_to=(1,)),
            objective(3, contributes_to_key_results=(11,)),
            objective(4, parent_id=2),
        ],
        [rollup(11, 1), rollup(41, 4)],
    )
    assert alignment_creates_cycle(1, 2, None, objectives, krs)  # 1 under 2, which serves 1
    assert alignment_creates_cycle(1, 3, None, objectives, krs)  # through 3's key result link
    assert alignment_creates_cycle(1, None, 41, objectives, krs)  # 41 is 4's: 4 -> 2 -> 1
    assert not alignment_creates_cycle(3, 2, None, objectives, krs)


def test_contributions_are_judged_one_by_one_with_their_fields() -> None:
    objectives, krs = _rows(
        [
            objective(1),
            objective(2, parent_id=1),
            objective(3, period_id=2),
            objective(4, contributes_to=(2,)),
            objective(5),
        ],
        [rollup(11, 1), metric(12, 1), rollup(21, 2), rollup(31, 3)],
    )
    links = [
        Contribution("contributes_to[0]", objective_id=4),
        Contribution("contributes_to[1]", objective_id=1),
        Contribution("contributes_to[2]", objective_id=3),
        Contribution("contributes_to[3]", objective_id=5),
        Contribution("contributes_to[4]", objective_id=5),
        Contribution("contributes_to_key_results[0]", key_result_id=11),
        Contribution("contributes_to_key_results[1]", key_result_id=12),
        Contribution("contributes_to_key_results[2]", key_result_id=21),
        Contribution("contributes_to_key_results[3]", key_result_id=31),
        Contribution("contributes_to_key_results[4]", key_result_id=99),
    ]
    problems = {
        p.field: p.message for p in validate_contributions(objectives[2], links, objectives, krs)
    }
    assert problems == {
        "contributes_to[0]": "would form a cycle: the objective would be its own ancestor",
        "contributes_to[1]": "is already the objective's parent: it counts there once",
        "contributes_to[2]": "no such objective in this period",
        "contributes_to[4]": "is listed more than once",
        "contributes_to_key_results[1]": (
            "is a metric key result: only a rollup key result counts the objectives "
            "contributing to it"
        ),
        "contributes_to_key_results[2]": (
            "is one of this objective's own key results: it cannot contribute to it"
        ),
        "contributes_to_key_results[3]": "no such key result in this period",
        "contributes_to_key_results[4]": "no such key result in this period",
    }
    many = [Contribution(f"contributes_to[{i}]", objective_id=1) for i in range(51)]
    assert MAX_CONTRIBUTIONS == 50
    assert {p.field for p in validate_contributions(objectives[2], many, objectives, krs)} == {
        "contributes_to"
    }


def test_an_objective_others_serve_stays_in_their_period() -> None:
    objectives, krs = _rows(
        [objective(1), objective(2, contributes_to_key_results=(11,))],
        [rollup(11, 1)],
    )
    # 1 would move to period 2, while 2, of period 1, serves its rollup key result.
    moving = objective(1, period_id=2)
    problems = validate_contributions(moving, [], objectives, krs)
    assert [(p.field, p.message) for p in problems] == [
        (
            "period_id",
            "objectives 2 contribute to it from its period: it moves to another period only "
            "once nothing contributes to it",
        )
    ]
    assert validate_contributions(moving, [], objectives, krs, period_field=None) == []


def test_an_id_in_the_wrong_list_is_named_only_where_links_come_as_ids() -> None:
    # Objective 3 is of period 2; rollup 3 and metric 4 belong to objective 1 of period 1.
    objectives, krs = _rows(
        [objective(1), objective(2), objective(3, period_id=2), objective(5)],
        [rollup(3, 1), metric(4, 1), rollup(9, 3)],
    )
    links = [
        Contribution("contributes_to[0]", objective_id=3),  # rollup 3 is of the period
        Contribution("contributes_to[1]", objective_id=4),  # metric 4: no target anyway
        Contribution("contributes_to[2]", objective_id=9),  # rollup 9: another period
        Contribution("contributes_to_key_results[0]", key_result_id=5),  # objective 5 is
        Contribution("contributes_to_key_results[1]", key_result_id=2),  # itself: no hint
    ]
    problems = {
        p.field: p.message
        for p in validate_contributions(objectives[2], links, objectives, krs, by_id=True)
    }
    assert problems == {
        "contributes_to[0]": "no such objective in this period, but rollup key result 3 is: "
        "a key result goes in contributes_to_key_results",
        "contributes_to[1]": "no such objective in this period",
        "contributes_to[2]": "no such objective in this period",
        "contributes_to_key_results[0]": "no such key result in this period, but objective 5 "
        "is: an objective goes in contributes_to",
        "contributes_to_key_results[1]": "no such key result in this period",
    }
    # A document names its targets by key: each resolves to one kind, so no hint there.
    plain = validate_contributions(objectives[2], links, objectives, krs)
    assert {p.message for p in plain} == {
        "no such objective in this period",
        "no such key result in this period",
    }
