"""Every input is bounded while it is read: spreadsheets, documents, problem lists, bodies."""

from __future__ import annotations

from datetime import date
from zipfile import ZIP_STORED

import pytest

import hostile_files
from headway.config import load_settings, size_text
from headway.connectors.sheets import MAX_LINE_CHARS, sheet_from_bytes
from headway.connectors.xlsx_parts import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_SHARED_STRINGS
from headway.domain.errors import MAX_PROBLEM_CHARS, FieldProblem, ProblemList, ValidationFailed
from headway.services.documents.bounded_text import (
    TooDeep,
    TooManyValues,
    json_values,
    load_json,
    load_yaml,
)
from headway.web.request_body import limit_for


def _refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationFailed) as caught:
        sheet_from_bytes(name, data)
    [problem] = caught.value.problems
    assert problem.field == "file"
    return problem.message


# --- problem lists ------------------------------------------------------------------------


def test_a_problem_list_keeps_the_first_hundred_and_counts_the_rest() -> None:
    problems = [FieldProblem(f"row {n}.x", "unknown column") for n in range(250)]
    refused = ValidationFailed(problems)
    assert len(refused.problems) == 101
    assert refused.problems[:100] == problems[:100]
    last = refused.problems[-1]
    assert (last.field, last.message) == ("", "and 150 more problems not listed")
    # Re-raised with more problems, the count carries over instead of being listed.
    again = ValidationFailed([FieldProblem("a", "b"), *refused.problems])
    assert again.problems[-1].message == "and 151 more problems not listed"


def test_a_long_message_or_field_is_shortened() -> None:
    echo = "x" * 5_000_000
    [problem] = ValidationFailed([FieldProblem(f"row 1.{echo}", f"unknown: {echo}")]).problems
    assert len(problem.field) == len(problem.message) == MAX_PROBLEM_CHARS
    assert problem.message.endswith("\u2026")


def test_a_problem_list_costs_nothing_for_the_problems_it_drops() -> None:
    problems = ProblemList(FieldProblem("f", "m") for _ in range(3_000_000))
    assert len(problems) == 3_000_000
    assert len(problems.kept) == 100
    assert not ProblemList()


# --- spreadsheets -------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_the_zip_directory() -> None:
    bomb = hostile_files.shared_strings_bomb()
    assert len(bomb) < 600_000
    assert "inflates to more than 100 MB" in _refusal("bomb.xlsx", bomb)


def test_a_zip_directory_that_lies_about_sizes_gains_nothing() -> None:
    # zipfile stops inflating at the declared size and then finds the checksum wrong.
    message = _refusal("liar.xlsx", hostile_files.lying_bomb())
    assert message == "liar.xlsx is not an .xlsx workbook that can be read"


def test_ten_million_empty_cells_are_refused() -> None:
    assert "inflates more than 100 times" in _refusal("cells.xlsx", hostile_files.empty_cells())


def test_an_uncompressed_sheet_is_still_counted() -> None:
    row = "<row>" + "<c/>" * (MAX_COLUMNS + 1) + "</row>"
    assert f"a row has more than {MAX_COLUMNS} cells" in _refusal(
        "wide.xlsx", hostile_files.stored_sheet(row)
    )
    rows = "<row/>" * (MAX_ROWS + 2)
    assert f"more than {MAX_ROWS} rows" in _refusal("long.xlsx", hostile_files.stored_sheet(rows))
    full = ("<row>" + "<c/>" * 100 + "</row>") * (MAX_CELLS // 100 + 1)
    assert f"more than {MAX_CELLS} cells" in _refusal("full.xlsx", hostile_files.stored_sheet(full))
    prefixed = "<x:row>" + "<x:c/>" * (MAX_COLUMNS + 1) + "</x:row>"
    assert "more than" in _refusal("prefixed.xlsx", hostile_files.stored_sheet(prefixed))


def test_too_many_shared_strings_are_refused() -> None:
    strings = "<si><t>a</t></si>" * (MAX_SHARED_STRINGS + 1)
    sst = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    data = hostile_files.workbook([b"<worksheet/>"], [sst.encode()], compression=ZIP_STORED)
    assert f"more than {MAX_SHARED_STRINGS} different texts" in _refusal("many.xlsx", data)


def test_a_cell_far_to_the_right_is_refused_not_padded_to() -> None:
    row = '<row r="1"><c r="XFD1"><v>1</v></c></row>'
    data = hostile_files.stored_sheet(row).replace(b"<sheetData>", b"<sheetData>", 1)
    assert f"more than {MAX_COLUMNS} columns" in _refusal("far.xlsx", data)


def test_a_sound_workbook_within_the_limits_is_read() -> None:
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>at</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>value</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>2026-11-02</t></is></c>'
        '<c r="B2"><v>7</v></c></row>'
    )
    sheet = sheet_from_bytes("ok.xlsx", hostile_files.stored_sheet(rows))
    assert sheet.header == ["at", "value"]
    assert sheet.rows == [(2, ["2026-11-02", 7])]


def test_not_a_zip_is_unreadable() -> None:
    assert "not an .xlsx workbook that can be read" in _refusal(
        "junk.xlsx", b"PK\x03\x04 not really"
    )


def test_a_csv_with_millions_of_columns_is_refused_by_its_line_length() -> None:
    message = _refusal("wide.csv", hostile_files.wide_csv())
    assert message == f"wide.csv line 1 is longer than {MAX_LINE_CHARS} characters"


def test_a_csv_is_bounded_in_columns_rows_and_cells() -> None:
    wide = ("at,value" + ",x" * MAX_COLUMNS + "\n").encode()
    assert f"row 1 has more than {MAX_COLUMNS} columns" in _refusal("wide.csv", wide)
    long = b"at,value\n" + b"2026-11-02,1\n" * (MAX_ROWS + 1)
    assert f"more than {MAX_ROWS} rows" in _refusal("long.csv", long)
    full = (",".join(["x"] * 90) + "\n").encode() * (MAX_CELLS // 90 + 1)
    assert f"more than {MAX_CELLS} cells" in _refusal("full.csv", full)


# --- documents ----------------------------------------------------------------------------


def test_yaml_is_parsed_with_a_value_cap() -> None:
    text = "units:\n" + "".join(f"  - {{key: u{n}}}\n" for n in range(10))
    assert load_yaml(text, max_values=100) == {"units": [{"key": f"u{n}"} for n in range(10)]}
    with pytest.raises(TooManyValues, match="more than 30 values"):
        load_yaml(text, max_values=30)


def test_yaml_aliases_are_refused() -> None:
    laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(Exception, match="anchors and aliases"):
        load_yaml(laughs, max_values=1000)


def test_yaml_dates_and_numbers_load_as_before() -> None:
    loaded = load_yaml("at: 2026-11-02\nvalue: 1.5\nn: 3\nok: true\n", max_values=100)
    assert loaded == {
        "at": date(2026, 11, 2),
        "value": 1.5,
        "n": 3,
        "ok": True,
    }


def test_json_values_are_counted_before_parsing() -> None:
    assert json_values('{"a": [1, 2, {"b": "x,y:[{"}]}') == 8
    assert load_json("[1, 2, 3]", max_values=4) == [1, 2, 3]
    with pytest.raises(TooManyValues):
        load_json("[" + ",".join(["0"] * 1000) + "]", max_values=500)


def test_deep_nesting_is_refused_not_crashed_on() -> None:
    with pytest.raises(TooDeep):
        load_json("[" * 200_000 + "]" * 200_000, max_values=10**6)
    with pytest.raises((TooDeep, TooManyValues)):
        load_yaml("[" * 200_000 + "]" * 200_000, max_values=10**6)


# --- request bodies -----------------------------------------------------------------------


def test_each_route_has_its_body_limit() -> None:
    settings = load_settings()
    assert limit_for("/api/v1/kpis/7/measurements/import", settings).size == 10 * 2**20
    assert limit_for("/kpis/import", settings).message == "a file may be at most 10 MB"
    assert limit_for("/api/v1/import", settings).message == "a document may be at most 8 MB"
    assert limit_for("/api/v1/objectives", settings).message == "a request body may be at most 1 MB"
    assert limit_for("/login", settings).size == 2**20
    assert size_text(512 * 1024) == "512 KB"
    assert size_text(1000) == "1000 bytes"
