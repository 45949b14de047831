"""`headway kpi import`: measurements from CSV and XLSX files, all or nothing, on both databases."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook

from examples import SEEDS
from headway.store import tables as t


def _rows(database_url: str, query: sa.Executable) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(query)]
    finally:
        engine.dispose()


def _measurements(database_url: str) -> list[tuple[Any, ...]]:
    m = t.measurement
    query = sa.select(t.kpi.c.key, m.c.at, m.c.value, m.c.source, m.c.note).join(t.kpi)
    return _rows(database_url, query.order_by(m.c.id))


def _created_measurement_events(database_url: str) -> int:
    a = t.audit_event
    query = sa.select(sa.func.count()).where(
        a.c.subject_type == "measurement", a.c.action == "create"
    )
    return int(_rows(database_url, query)[0][0])


def _kpis(headway: Any, database_url: str) -> dict[str, dict[str, Any]]:
    report = headway(
        "report", "--period", "2026-Q4", "--as-of", "2026-11-15", "--json", database=database_url
    )
    assert report.returncode == 0, report.stderr
    return {k["key"]: k for k in json.loads(report.stdout)["kpis"]}


def _seeded(headway: Any, database_url: str) -> dict[str, dict[str, Any]]:
    imported = headway("import", str(SEEDS), database=database_url)
    assert imported.returncode == 0, imported.stderr
    return _kpis(headway, database_url)


def test_a_csv_names_kpis_by_key_name_or_id_and_moves_their_figures(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    kpis = _seeded(headway, database_url)
    assert kpis["churn"]["health"] == "healthy"
    before = _measurements(database_url)
    audited_before = _created_measurement_events(database_url)
    csv = tmp_path / "monthly.csv"
    csv.write_text(
        "KPI,Date,Value,Note\n"
        "churn,2026-11-10,2.6,from billing\n"
        f'Website Traffic,2026-11-02,"31,000.5",\n'
        f"{kpis['nps-kpi']['id']},2026-11-12,71,survey\n",
        encoding="utf-8",
    )
    done = headway("kpi", "import", str(csv), "--json", database=database_url)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["created"] == 3
    assert summary["replaced"] == 0
    assert sorted(k["id"] for k in summary["kpis"]) == sorted(
        kpis[key]["id"] for key in ("churn", "traffic", "nps-kpi")
    )
    after = _kpis(headway, database_url)
    assert after["churn"]["latest_value"] == 2.6
    assert after["churn"]["health"] == "critical"  # lower is better, warning at 2
    assert after["traffic"]["latest_value"] == 31000.5  # November's sum so far
    assert after["nps-kpi"]["latest_value"] == 71
    added = _measurements(database_url)[len(before) :]
    assert added == [
        ("churn", date(2026, 11, 10), 2.6, "csv", "from billing"),
        ("traffic", date(2026, 11, 2), 31000.5, "csv", ""),
        ("nps-kpi", date(2026, 11, 12), 71.0, "csv", "survey"),
    ]
    assert _created_measurement_events(database_url) == audited_before + 3


def test_importing_the_same_file_twice_changes_nothing(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    _seeded(headway, database_url)
    # A measurement typed in by hand on a date the file covers is not the file's to replace.
    typed = headway("kpi", "record", "1", "1", "--at", "2026-11-03", database=database_url)
    assert typed.returncode == 0, typed.stderr
    csv = tmp_path / "weekly.csv"
    csv.write_text(
        "kpi;at;value\nreply-time;2026-11-03;31\nreply-time;2026-11-03;29\nchurn;2026-11-03;1.1\n",
        encoding="utf-8",
    )
    first = headway("kpi", "import", str(csv), "--json", database=database_url)
    assert first.returncode == 0, first.stderr
    once = _measurements(database_url)
    second = headway("kpi", "import", str(csv), "--json", database=database_url)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["replaced"] == 3
    twice = _measurements(database_url)
    assert twice == once
    assert sum(1 for m in twice if m[3] == "manual" and m[1] == date(2026, 11, 3)) == 1
    assert (
        "3 from an earlier import"
        in headway("kpi", "import", str(csv), database=database_url).stdout
    )


def test_an_xlsx_with_date_cells_and_numbers_imports_for_one_kpi(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    kpis = _seeded(headway, database_url)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["At", "Value", "Note"])
    sheet.append([datetime(2026, 11, 1), 4_800_000, "October close"])
    sheet.append(["2026-11-14", "5,100,000", None])
    sheet.append([None, None, None])  # a blank row in the middle is not a measurement
    sheet.append([date(2026, 11, 15), 5_200_000.25, "forecast"])
    path = tmp_path / "arr.xlsx"
    book.save(path)
    done = headway(
        "kpi", "import", str(path), "--kpi", str(kpis["arr"]["id"]), database=database_url
    )
    assert done.returncode == 0, done.stderr
    assert "Imported 3 measurements into 1 KPI from arr.xlsx." in done.stdout
    assert _kpis(headway, database_url)["arr"]["latest_value"] == 5_200_000.25
    rows = [m for m in _measurements(database_url) if m[3] == "csv"]
    assert [(m[1], m[2], m[4]) for m in rows] == [
        (date(2026, 11, 1), 4_800_000.0, "October close"),
        (date(2026, 11, 14), 5_100_000.0, ""),
        (date(2026, 11, 15), 5_200_000.25, "forecast"),
    ]


def test_a_file_with_mistakes_names_each_row_and_column_and_stores_nothing(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    _seeded(headway, database_url)
    before = _measurements(database_url)
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "kpi,at,value,colour\n"
        "churn,2026-11-10,1.5,red\n"  # fine, but the file is refused as a whole
        "nope,2026-11-10,1\n"
        "churn,10/11/2026,1\n"
        'churn,2026-11-10,"1,5"\n'
        "churn,9999-01-01,NaN\n"
        "churn,2026-11-10,1,,surplus\n",
        encoding="utf-8",
    )
    refused = headway("kpi", "import", str(csv), database=database_url)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    lines = refused.stderr.splitlines()
    assert re.fullmatch(r"error: row 6\.at: must not be after today \(\d{4}-\d\d-\d\d\)", lines[5])
    assert lines[:5] + lines[6:] == [
        "error: row 1.colour: unknown column; use kpi, at, value, note",
        "error: row 3.kpi: no KPI has the id, key or name 'nope'",
        "error: row 4.at: must be a date (YYYY-MM-DD)",
        "error: row 5.value: use a point for decimals (5.7); commas only group thousands",
        "error: row 6.value: must be a finite number (not NaN or infinity)",
        "error: row 7: has a value beyond the last column",
    ]
    assert _measurements(database_url) == before


def test_a_kpi_column_and_a_kpi_for_the_file_are_not_both_taken(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    _seeded(headway, database_url)
    both = tmp_path / "both.csv"
    both.write_text("kpi,at,value\nchurn,2026-11-10,1\n", encoding="utf-8")
    refused = headway("kpi", "import", str(both), "--kpi", "1", database=database_url)
    assert refused.stderr.strip() == (
        "error: row 1.kpi: a KPI is named for the whole file: leave out this column"
    )
    neither = tmp_path / "neither.csv"
    neither.write_text("at,value\n2026-11-10,1\n", encoding="utf-8")
    refused = headway("kpi", "import", str(neither), database=database_url)
    assert refused.stderr.strip() == (
        "error: row 1: the header has no 'kpi' column and no KPI is named for the file"
    )


def test_unreadable_files_get_one_line_each(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    _seeded(headway, database_url)
    (tmp_path / "notes.txt").write_text("at,value\n", encoding="utf-8")
    (tmp_path / "latin1.csv").write_bytes(
        "kpi,at,value,note\nchurn,2026-11-10,1,café\n".encode("latin-1")
    )
    (tmp_path / "fake.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    expected = {
        "notes.txt": "error: file: notes.txt must be a .csv or an .xlsx file",
        "latin1.csv": "error: file: latin1.csv is not UTF-8 text (save it as CSV UTF-8)",
        "fake.xlsx": "error: file: fake.xlsx is not an .xlsx workbook that can be read",
        "empty.csv": "error: file: empty.csv is empty: it needs a header row (at, value, ...)",
        "missing.csv": "error: file: cannot read missing.csv: No such file or directory",
    }
    for name, line in expected.items():
        refused = headway("kpi", "import", name, database=database_url, cwd=tmp_path)
        assert refused.returncode == 1, name
        assert refused.stderr.strip() == line
