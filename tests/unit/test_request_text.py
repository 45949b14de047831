"""Text as a request brings it: JSON bodies read within bounds, dates in one written form."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.domain.json_text import (
    MAX_DEPTH,
    MAX_INTEGER_DIGITS,
    nesting_depth,
    outside_strings,
    read_json,
)
from headway.domain.typed_text import parse_day


def _refusal(raw: bytes | str) -> list[FieldProblem]:
    with pytest.raises(ValidationFailed) as refused:
        read_json(raw)
    return refused.value.problems


# --- JSON ------------------------------------------------------------------------------------


def test_ordinary_json_reads_as_json_does() -> None:
    raw = '{"title": "Grow \\ud83d\\ude00 [x]", "n": [1, 2.5, -3, null, true], "nested": {}}'
    assert read_json(raw.encode()) == json.loads(raw)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 10_000, 100_000])
def test_nesting_deeper_than_the_bound_is_refused_before_parsing(depth: int) -> None:
    for opening, closing in (("[", "]"), ('{"a":', "}")):
        raw = (opening * depth + "1" + closing * depth).encode()
        assert _refusal(raw) == [
            FieldProblem("body", f"nests arrays and objects deeper than {MAX_DEPTH} levels")
        ]


def test_nesting_up_to_the_bound_is_read() -> None:
    assert read_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"title": "[[[{{{" * 50 + '\\"]]]' * 50})
    assert nesting_depth(text) == 1
    assert read_json(text) == json.loads(text)


@given(st.text(alphabet='"\\a[,'))
def test_every_quote_starts_a_string_whatever_the_text(text: str) -> None:
    # A string token that failed to match at some quote would be tried again at the next one,
    # and the scan of escaped quotes after it (`"\\"\\"...\\`) would take quadratic time.
    assert '"' not in outside_strings(text)


def test_a_string_runs_to_the_end_of_a_text_that_leaves_it_open() -> None:
    assert outside_strings('[1, "a\\"\\"\\') == "[1, "
    assert outside_strings('{"a": "x,]"}') == "{: }"


@pytest.mark.parametrize("digits", [MAX_INTEGER_DIGITS + 1, 4301, 5000, 100_000])
def test_an_integer_longer_than_the_bound_is_refused(digits: int) -> None:
    for sign in ("", "-"):
        raw = f'{{"target_value": {sign}{"9" * digits}}}'
        assert _refusal(raw) == [
            FieldProblem("body", f"holds an integer of more than {MAX_INTEGER_DIGITS} digits")
        ]


def test_an_integer_at_the_bound_is_read() -> None:
    assert read_json("9" * MAX_INTEGER_DIGITS) == int("9" * MAX_INTEGER_DIGITS)


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ('"a\\ud800b"', "body"),
        ('{"title": "a\\ud800b"}', "title"),
        ('{"title": "\\udfff"}', "title"),
        ('{"items": [{"note": "ok"}, {"note": "\\ude00\\ud83d"}]}', "items[1].note"),
        ('{"a\\ud800": 1}', "body"),
        ('{"x": {"a\\ud800": 1}}', "x"),
    ],
)
def test_a_lone_surrogate_is_refused_at_its_path(raw: str, path: str) -> None:
    assert _refusal(raw) == [FieldProblem(path, "must be Unicode text (it holds a lone surrogate)")]


def test_an_escaped_backslash_before_u_d800_is_plain_text() -> None:
    assert read_json('{"t": "\\\\ud800"}') == {"t": "\\ud800"}


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b'{"title": ', "is not valid JSON: Expecting value (line 1, column 11)"),
        (b"\xff\xfe{}", "is not UTF-8 text (byte 0)"),
        (b'{"t": "\xed\xa0\x80"}', "is not UTF-8 text (byte 7)"),  # a surrogate in UTF-8
        ('"' + '\\"' * 10_000, "is not valid JSON: Unterminated string"),
    ],
)
def test_what_is_not_json_is_refused_saying_why(raw: bytes | str, says: str) -> None:
    [problem] = _refusal(raw)
    assert problem.field == "body"
    assert problem.message.startswith(says)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_whatever_json_dumps_of_unicode_the_reader_reads_back(value: object) -> None:
    text = json.dumps(value)
    if nesting_depth(text) <= MAX_DEPTH:
        assert read_json(text.encode()) == value


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-11-16", " 2026-11-16 ", "1900-01-01", "2026-02-28"])
def test_a_date_is_read_from_its_iso_form(text: str) -> None:
    assert isinstance(parse_day("as_of", text), date)


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "20261116",
        "2026-W47-1",
        "2026W471",
        "2026-320",
        "2026-11-16T00:00",
        "16/11/2026",
        "2026-11-31",
        "",
        "２０２６-１１-１６",
    ],
)
def test_no_other_form_of_a_date_is_read(text: str) -> None:
    assert parse_day("as_of", text) == FieldProblem("as_of", "must be a date (YYYY-MM-DD)")
