"""Field rules of every width: text that fits its column on every database, links, choices,
passwords, and one rule behind each text column of the schema."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from zoneinfo import available_timezones

import pytest
import sqlalchemy as sa

from headway.domain import model
from headway.domain.errors import FieldProblem
from headway.domain.validation import (
    validate_choice,
    validate_email,
    validate_initiative,
    validate_key,
    validate_key_result_text,
    validate_kpi_text,
    validate_line,
    validate_link,
    validate_note,
    validate_password,
    validate_period_name,
    validate_person,
    validate_text,
    validate_timezone,
    validate_title,
)
from headway.domain.validation.limits import EMAIL_WIDTH, MAX_CHOICE, MAX_EMAIL, MAX_TIMEZONE
from headway.store.tables import metadata


def fields(problems: list[FieldProblem]) -> list[str]:
    return [p.field for p in problems]


# --- text of any kind ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "x" * 50, "é" * 50, "😀" * 50, "\t\n\u200b" * 16])
def test_text_up_to_the_limit_in_characters_passes(text: str) -> None:
    assert validate_text("unit_label", text, 50) == []


def test_text_beyond_the_limit_is_refused_naming_the_field_and_both_lengths() -> None:
    assert validate_text("unit_label", "😀" * 51, 50) == [
        FieldProblem("unit_label", "must be at most 50 characters (got 51)")
    ]


@pytest.mark.parametrize(
    ("text", "says"), [("a\x00b", "NUL"), ("a\ud800b", "surrogate"), ("\udfff", "surrogate")]
)
def test_text_no_database_can_hold_is_refused(text: str, says: str) -> None:
    [problem] = validate_text("note", text, 100)
    assert problem.field == "note"
    assert says in problem.message


def test_titles_and_notes_refuse_what_no_database_can_hold() -> None:
    assert fields(validate_title("title", "Launch\x00")) == ["title"]
    assert fields(validate_email("ceo\x00@example.com")) == ["email"]
    assert fields(validate_kpi_text("NPS", "\ud83d", "", "")) == ["description"]


# --- the one text rule: characters, lines, visibility -----------------------------------------

CONTROLS = ["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9b"]
BIDI_CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]
ZERO_WIDTH = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u180e",
    "\u3164",
    "\u2800",
]


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_are_refused_in_titles_and_notes_naming_the_code_point(
    char: str,
) -> None:
    code = f"U+{ord(char):04X}"
    assert validate_title("title", f"Launch{char}v2") == [
        FieldProblem("title", f"must not contain control characters ({code})")
    ]
    assert validate_note("description", f"Why\n{char}") == [
        FieldProblem("description", f"must not contain control characters ({code})")
    ]
    assert fields(validate_kpi_text("NPS", "", f"Sales{char}", "")) == ["category"]
    assert fields(validate_key_result_text("Churn", f"%{char}")) == ["unit_label"]


@pytest.mark.parametrize("char", BIDI_CONTROLS)
def test_bidi_override_and_isolate_characters_are_refused_everywhere(char: str) -> None:
    message = f"must not contain bidirectional override or isolate characters (U+{ord(char):04X})"
    assert validate_title("title", f"Pay {char}evil") == [FieldProblem("title", message)]
    assert validate_note("note", f"Pay {char}evil") == [FieldProblem("note", message)]
    assert fields(validate_person(name="Ann", email=f"a{char}b@example.com")) == ["email"]
    assert fields(validate_link("link", f"https://example.com/{char}")) == ["link"]


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_direction_marks_that_reorder_nothing_are_kept_for_right_to_left_text(mark: str) -> None:
    assert validate_title("title", f"\u05e9\u05dc\u05d5\u05dd{mark} 2026") == []


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\t", "\u2028", "\u2029"])
def test_titles_and_names_are_single_line(brk: str) -> None:
    single = [FieldProblem("title", "must be a single line (no line breaks or tabs)")]
    assert validate_title("title", f"Grow{brk}# Injected heading") == single
    assert fields(validate_person(name=f"Ann{brk}Lee")) == ["name"]
    assert fields(validate_key("key", f"a{brk}b")) == ["key"]
    assert fields(validate_period_name(f"2027{brk}Q1")) == ["name"]
    assert fields(validate_kpi_text("NPS", "", "", f"pts{brk}x")) == ["unit_label"]


def test_notes_keep_line_breaks_and_tabs_but_not_a_lone_carriage_return() -> None:
    assert validate_note("note", "Line one\n\tindented\r\nline three\u2028") == []
    assert validate_note("note", "over\rwritten") == [
        FieldProblem("note", "must not contain control characters (U+000D)")
    ]


def test_a_line_break_around_a_title_is_trimmed_like_spaces() -> None:
    assert validate_title("title", "\n  Launch  \n") == []


@pytest.mark.parametrize("text", ["".join(ZERO_WIDTH), *ZERO_WIDTH, "\u200b \u3000\u200d"])
def test_a_title_of_invisible_characters_only_is_refused(text: str) -> None:
    assert validate_title("title", text) == [
        FieldProblem("title", "must hold a visible character, not only invisible ones")
    ]
    assert fields(validate_line("category", text, 100)) == ["category"]


@pytest.mark.parametrize(
    "text", ["x", "7", "?", "€", "😀", "\u200bA\u200b", "é", "\u4e2d", "\u0627"]
)
def test_one_visible_character_makes_a_title(text: str) -> None:
    assert validate_title("title", text) == []


def test_an_empty_category_or_unit_label_stays_allowed() -> None:
    assert validate_line("category", "", 100) == []
    assert validate_kpi_text("NPS", "", "", "") == []


def test_a_title_limit_counts_the_trimmed_text() -> None:
    assert validate_title("name", "  " + "q" * 100 + "  ", 100) == []
    assert fields(validate_title("name", "q" * 101, 100)) == ["name"]


@pytest.mark.parametrize(("length", "ok"), [(1, True), (100, True), (101, False)])
def test_keys_and_period_names_hold_one_to_a_hundred_characters(length: int, ok: bool) -> None:
    assert (validate_key("key", "k" * length) == []) is ok
    assert (validate_period_name("p" * length) == []) is ok
    assert validate_period_name(" ") == [FieldProblem("name", "must not be empty")]


# --- links, choices, passwords, zones ------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    ["", "http://wiki.example.com", "https://wiki.example.com/a?b=c", "HTTPS://EXAMPLE.COM"],
)
def test_empty_links_and_web_addresses_pass(link: str) -> None:
    assert validate_link("link", link) == []


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>",
        "ftp://files.example.com",
        "//example.com",
        " https://example.com",
        "wiki.example.com",
    ],
)
def test_links_that_are_not_web_addresses_are_refused(link: str) -> None:
    assert fields(validate_link("link", link)) == ["link"]


def test_a_link_holds_two_thousand_characters() -> None:
    assert validate_link("link", "https://" + "x" * 1992) == []
    assert validate_link("link", "https://" + "x" * 1993) == [
        FieldProblem("link", "must be at most 2,000 characters (got 2,001)")
    ]


def test_a_choice_names_what_is_allowed() -> None:
    assert validate_choice("role", "admin", model.Role) == []
    assert validate_choice("role", "owner", model.Role) == [
        FieldProblem("role", "must be one of admin, member, viewer")
    ]
    assert fields(validate_choice("kind", None, ["quarter"])) == ["kind"]


@pytest.mark.parametrize(
    ("password", "ok"),
    [(None, True), ("x" * 7, False), ("x" * 8, True), ("x" * 1024, True), ("x" * 1025, False)],
)
def test_passwords_hold_eight_to_1024_characters(password: str | None, ok: bool) -> None:
    assert (validate_password(password, "new_password") == []) is ok
    assert set(fields(validate_password(password, "new_password"))) <= {"new_password"}


def test_every_known_time_zone_fits_and_an_overlong_name_is_refused() -> None:
    assert max(len(zone) for zone in available_timezones()) <= MAX_TIMEZONE
    assert fields(validate_timezone("Europe/" + "O" * MAX_TIMEZONE)) == ["timezone"]


# --- entities --------------------------------------------------------------------------------


def test_a_kpi_reports_every_text_problem_at_once() -> None:
    assert validate_kpi_text("NPS", "d" * 10_000, "c" * 100, "u" * 50) == []
    problems = validate_kpi_text(" ", "d" * 10_001, "c" * 101, "u" * 51)
    assert fields(problems) == ["name", "description", "category", "unit_label"]


def test_a_key_result_title_and_unit_label() -> None:
    assert validate_key_result_text("Cut reply time", "min") == []
    assert fields(validate_key_result_text("", "m" * 51)) == ["title", "unit_label"]


def test_an_initiative_reports_its_title_link_and_due_date() -> None:
    assert validate_initiative("Train staff", "https://wiki.example.com", date(2026, 11, 30)) == []
    problems = validate_initiative(" ", "javascript:alert(1)", date(1800, 1, 1))
    assert fields(problems) == ["title", "link", "due_date"]


def test_a_person_is_checked_only_in_the_fields_given() -> None:
    assert validate_person() == []
    assert validate_person(name="Ada", email="ada@example.com", role="member") == []
    problems = validate_person(email="ada", name="", role="owner", password="short")
    assert fields(problems) == ["email", "name", "role", "password"]


# --- every text column has a rule --------------------------------------------------------------

Rule = Callable[[str], list[FieldProblem]]


def _link(length: int) -> str:
    return "https://" + "x" * (length - len("https://"))


def _email(length: int) -> str:
    return "a" * (length - len("@example.com")) + "@example.com"


def _plain(length: int) -> str:
    return "é" * length


def _title(field: str) -> Rule:
    return lambda text: validate_title(field, text)


# Each text column people fill: the rule that keeps longer text out, a maker of values of a
# given length that the rule otherwise accepts, and the longest value the rule accepts.
FILLED_BY_PEOPLE: dict[str, tuple[Rule, Callable[[int], str], int | None]] = {
    "workspace.name": (_title("name"), _plain, None),
    "workspace.timezone": (validate_timezone, _plain, 0),
    "unit.name": (_title("name"), _plain, None),
    "person.name": (_title("name"), _plain, None),
    "person.email": (validate_email, _email, MAX_EMAIL),
    "period.name": (validate_period_name, _plain, None),
    "objective.title": (_title("title"), _plain, None),
    "kpi.name": (_title("name"), _plain, None),
    "kpi.category": (lambda text: validate_kpi_text("n", "", text, ""), _plain, None),
    "kpi.unit_label": (lambda text: validate_kpi_text("n", "", "", text), _plain, None),
    "key_result.title": (lambda text: validate_key_result_text(text, ""), _plain, None),
    "key_result.unit_label": (lambda text: validate_key_result_text("t", text), _plain, None),
    "initiative.title": (lambda text: validate_initiative(text, "", None), _plain, None),
    "initiative.link": (lambda text: validate_initiative("t", text, None), _link, None),
    "api_token.name": (_title("name"), _plain, None),
    "kpi_ingest_token.name": (_title("name"), _plain, None),
    **{
        f"{table}.key": (lambda text: validate_key("key", text), _plain, None)
        for table in ("unit", "person", "objective", "kpi", "key_result")
    },
}
# Columns of a closed set of values: any other value is refused by naming the choices.
CHOICES: dict[str, type[StrEnum]] = {
    "unit.kind": model.UnitKind,
    "person.role": model.Role,
    "period.kind": model.PeriodKind,
    "period.state": model.PeriodState,
    "objective.type": model.ObjectiveType,
    "objective.state": model.ObjectiveState,
    "kpi.direction": model.Direction,
    "kpi.cadence": model.Cadence,
    "kpi.aggregation": model.Aggregation,
    "kpi.source": model.KpiSource,
    "key_result.kind": model.KeyResultKind,
    "initiative.status": model.InitiativeStatus,
    "measurement.source": model.KpiSource,
    "grade.band": model.GradeBand,
}
# Columns Headway fills itself: hashes and tokens of fixed length, audit names from the code,
# and what a failed sign-in typed (recorded cut to fit, never refused: it is a failure).
FILLED_BY_HEADWAY = {
    "person.password_hash",
    "audit_event.actor_label",
    "audit_event.action",
    "audit_event.subject_type",
    "workspace_change.subject_type",
    "api_token.token_hash",
    "kpi_ingest_token.token_hash",
    "web_session.token_hash",
    "web_session.csrf_token",
    "sign_in_failure.email",
    "sign_in_failure.client",
    "digest_delivery.status",  # sending | sent | failed, set by the reminders job
}


def _text_columns() -> dict[str, int]:
    return {
        f"{table.name}.{column.name}": column.type.length
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, sa.String) and column.type.length is not None
    }


def test_every_text_column_with_a_width_has_a_rule_or_is_filled_by_headway() -> None:
    listed = [*FILLED_BY_PEOPLE, *CHOICES, *FILLED_BY_HEADWAY]
    assert len(listed) == len(set(listed))
    assert sorted(_text_columns()) == sorted(listed)


@pytest.mark.parametrize("column", sorted(FILLED_BY_PEOPLE))
def test_each_rule_refuses_text_longer_than_its_column_naming_the_field(column: str) -> None:
    rule, make, longest = FILLED_BY_PEOPLE[column]
    width = _text_columns()[column]
    longest = width if longest is None else longest
    assert longest <= width
    if longest:
        assert rule(make(longest)) == []
    refused = rule(make(longest + 1)) + rule(make(width + 1))
    assert refused
    assert {p.field for p in refused} == {column.split(".")[1]}


@pytest.mark.parametrize("column", sorted(CHOICES))
def test_every_choice_fits_its_column(column: str) -> None:
    width = _text_columns()[column]
    assert width == MAX_CHOICE
    assert max(len(choice) for choice in CHOICES[column]) <= width


def test_addresses_the_rule_accepts_fit_every_column_that_keeps_one() -> None:
    widths = _text_columns()
    assert MAX_EMAIL <= EMAIL_WIDTH
    assert widths["person.email"] == widths["sign_in_failure.email"] == EMAIL_WIDTH
