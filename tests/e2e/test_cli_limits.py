"""The `headway` command's imports are bounded like the server's: by bytes, by the shape of a
spreadsheet, by the number of values in a document; problems listed up to a hundred."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

import hostile_files
from examples import SEEDS
from headway.store import tables as t


def _measurement_count(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.measurement)).scalar())
    finally:
        engine.dispose()


def _seeded(headway: Any, database_url: str) -> int:
    imported = headway("import", str(SEEDS), database=database_url)
    assert imported.returncode == 0, imported.stderr
    return _measurement_count(database_url)


def _errors(result: Any) -> list[str]:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


def test_hostile_spreadsheets_are_refused_naming_the_limit(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    before = _seeded(headway, database_url)
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(hostile_files.shared_strings_bomb())
    assert _errors(headway("kpi", "import", str(bomb), database=database_url)) == [
        "error: file: bomb.xlsx is too large to import: it inflates to more than 100 MB"
    ]
    cells = tmp_path / "cells.xlsx"
    cells.write_bytes(hostile_files.empty_cells())
    [cells_error] = _errors(headway("kpi", "import", str(cells), database=database_url))
    assert "cells.xlsx is too large to import" in cells_error
    wide = tmp_path / "wide.csv"
    wide.write_bytes(hostile_files.wide_csv())
    assert _errors(headway("kpi", "import", str(wide), database=database_url)) == [
        "error: file: wide.csv line 1 is longer than 100000 characters"
    ]
    big = tmp_path / "big.csv"
    big.write_bytes(b"kpi,at,value\n" + b"churn,2026-11-02,1\n" * 600_000)
    assert _errors(headway("kpi", "import", str(big), database=database_url)) == [
        "error: file: big.csv is larger than 10 MB: split it"
    ]
    assert _measurement_count(database_url) == before


def test_a_file_of_many_mistakes_lists_a_hundred_and_counts_the_rest(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    before = _seeded(headway, database_url)
    bad = tmp_path / "bad.csv"
    bad.write_text("kpi,at,value\n" + "churn,someday,lots\n" * 20_000, encoding="utf-8")
    errors = _errors(headway("kpi", "import", str(bad), database=database_url))
    assert len(errors) == 101
    assert errors[0].startswith("error: row 2.")
    assert errors[-1] == "error: and 39900 more problems not listed"
    assert _measurement_count(database_url) == before


def test_documents_are_bounded_by_bytes_and_by_values(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"workspace: Big\nunits:\n" + b"  - {key: u, name: U, kind: team}\n" * 300_000)
    assert _errors(headway("import", str(big), database=database_url)) == [
        f"error: {big} is larger than 8 MB"
    ]
    many = tmp_path / "many.json"
    many.write_text('{"workspace": "Many", "units": [' + ",".join(["0"] * 600_000) + "]}")
    assert _errors(headway("import", str(many), database=database_url)) == [
        "error: many.json holds more than 500000 values (lists, mappings, keys and values)"
    ]
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text("a: &a [x, x]\nb: &b [*a, *a]\nworkspace: [*b, *b]\n", encoding="utf-8")
    [laughing] = _errors(headway("import", str(laughs), database=database_url))
    assert "anchors and aliases (*name) are not accepted" in laughing
