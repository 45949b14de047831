"""The `headway` command as people and scripts use it, in a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from examples import SEEDS


def _seeds() -> dict[str, Any]:
    return yaml.safe_load(SEEDS.read_text())


def _write(tmp_path: Path, name: str, document: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def _scalar(database_url: str, query: str) -> Any:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(query)).scalar_one()
    finally:
        engine.dispose()


def _count(database_url: str, table: str) -> int:
    return int(_scalar(database_url, f"SELECT count(*) FROM {table}"))  # noqa: S608


def test_import_with_three_mistakes_reports_three_paths_and_stores_nothing(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    doc = _seeds()
    doc["objectives"][2]["key_results"][1]["target"] = doc["objectives"][2]["key_results"][1][
        "start"
    ]
    doc["kpis"][0]["owner_unit"] = "nowhere"
    doc["objectives"][0]["key_results"][0]["check_ins"][0]["confidence"] = 11
    result = headway("import", str(_write(tmp_path, "bad.yaml", doc)), database=database_url)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3, result.stderr
    assert any(e.startswith("error: objectives[2].key_results[1].target") for e in errors)
    assert any(e.startswith("error: kpis[0].owner_unit") for e in errors)
    assert any(
        e.startswith("error: objectives[0].key_results[0].check_ins[0].confidence") for e in errors
    )
    assert "Traceback" not in result.stderr
    assert _count(database_url, "workspace") == 0
    assert _count(database_url, "objective") == 0


def test_export_import_export_gives_the_same_document(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    assert headway("import", str(SEEDS), database=database_url).returncode == 0
    first = headway("export", database=database_url)
    assert first.returncode == 0, first.stderr
    exported = _write(tmp_path, "exported.yaml", yaml.safe_load(first.stdout))
    replaced = headway("import", "--replace", str(exported), database=database_url)
    assert replaced.returncode == 0, replaced.stderr
    second = headway("export", database=database_url)
    assert second.stdout == first.stdout
    assert yaml.safe_load(first.stdout)["objectives"][1]["parent_kr"] == "support-speed"


# What the tests that share `seeded_url` could write to if a refusal let something through.
SHARED_TABLES = ("workspace", "person", "api_token", "key_result", "check_in", "measurement")


@pytest.fixture(scope="module")
def seeded_url(module_headway: Any, module_database_url: str) -> Iterator[str]:
    """The seeds, imported once per database kind, for the tests that only read or are refused;
    at the end, every table they could have written to must hold what the import left."""
    imported = module_headway("import", str(SEEDS), database=module_database_url)
    assert imported.returncode == 0, imported.stderr
    before = {table: _count(module_database_url, table) for table in SHARED_TABLES}
    yield module_database_url
    assert {table: _count(module_database_url, table) for table in SHARED_TABLES} == before


def test_import_of_an_existing_workspace_is_refused_without_replace(
    headway: Any, seeded_url: str
) -> None:
    database_url = seeded_url
    again = headway("import", str(SEEDS), database=database_url)
    assert again.returncode != 0
    assert "already exists" in again.stderr
    assert _count(database_url, "workspace") == 1


def test_json_documents_import_and_export_too(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "seeds.json"
    path.write_text(json.dumps(_seeds(), default=str))
    assert headway("import", str(path), database=database_url).returncode == 0
    out = tmp_path / "out.json"
    assert headway("export", "-o", str(out), database=database_url).returncode == 0
    assert json.loads(out.read_text())["workspace"] == "Example Co"


def test_emails_are_stored_lower_case(headway: Any, database_url: str, tmp_path: Path) -> None:
    doc = _seeds()
    doc["people"][0]["email"] = "CEO@Example.COM"
    assert (
        headway("import", str(_write(tmp_path, "d.yaml", doc)), database=database_url).returncode
        == 0
    )
    added = headway(
        "user",
        "add",
        "New.Person@Example.com",
        "--name",
        "New Person",
        "--role",
        "member",
        "--unit",
        "sales",
        database=database_url,
    )
    assert added.returncode == 0, added.stderr
    exported = yaml.safe_load(headway("export", database=database_url).stdout)
    emails = {p["email"] for p in exported["people"]}
    assert {"ceo@example.com", "new.person@example.com"} <= emails


def test_checkin_moves_the_score_and_bad_values_are_refused(
    headway: Any, database_url: str
) -> None:
    assert headway("import", str(SEEDS), database=database_url).returncode == 0

    def qbrs() -> dict[str, Any]:
        report = json.loads(
            headway(
                "report", "--period", "2026-Q4", "--format", "json", database=database_url
            ).stdout
        )
        return next(
            kr for o in report["objectives"] for kr in o["key_results"] if kr["key"] == "qbrs"
        )

    before = qbrs()
    done = headway(
        "checkin",
        str(before["id"]),
        "10",
        "--confidence",
        "8",
        "--note",
        "on it",
        database=database_url,
    )
    assert done.returncode == 0, done.stderr
    assert qbrs()["current_value"] == 10
    for bad in (["nan"], ["inf"], ["5", "--confidence", "11"]):
        refused = headway("checkin", str(before["id"]), *bad, database=database_url)
        assert refused.returncode != 0, bad
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert "Traceback" not in refused.stderr
    missing = headway("checkin", "999999", "1", database=database_url)
    assert missing.returncode != 0
    assert "does not exist" in missing.stderr
    assert _count(database_url, "check_in") == 9 + 1  # the seeds have 9


def test_kpi_record_moves_the_latest_value(headway: Any, database_url: str) -> None:
    assert headway("import", str(SEEDS), database=database_url).returncode == 0
    report = json.loads(
        headway("report", "--period", "2026-Q4", "--format", "json", database=database_url).stdout
    )
    churn = next(k for k in report["kpis"] if k["key"] == "churn")
    recorded = headway("kpi", "record", str(churn["id"]), "3.5", database=database_url)
    assert recorded.returncode == 0, recorded.stderr
    after = json.loads(
        headway("report", "--period", "2026-Q4", "--format", "json", database=database_url).stdout
    )
    churn_after = next(k for k in after["kpis"] if k["key"] == "churn")
    assert churn_after["latest_value"] == 3.5
    assert churn_after["health"] == "critical"


def test_kpi_record_outside_the_plausible_range_is_refused_and_the_range_round_trips(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    doc = _seeds()
    doc["kpis"][1] |= {"min_value": 0, "max_value": 100}  # churn, a percentage
    imported = headway("import", str(_write(tmp_path, "d.yaml", doc)), database=database_url)
    assert imported.returncode == 0, imported.stderr
    exported = yaml.safe_load(headway("export", database=database_url).stdout)
    assert (exported["kpis"][1]["min_value"], exported["kpis"][1]["max_value"]) == (0, 100)
    churn_id = _scalar(database_url, "SELECT id FROM kpi WHERE key = 'churn'")
    refused = headway("kpi", "record", str(churn_id), "100.84", database=database_url)
    assert refused.returncode != 0
    assert refused.stderr.strip() == "error: value: must be between 0 and 100", refused.stderr
    assert _count(database_url, "measurement") == sum(len(k["measurements"]) for k in doc["kpis"])


def test_import_reports_shape_and_meaning_problems_in_one_run(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    doc = _seeds()
    doc["kpis"][3]["direction"] = "sideways"  # shape
    doc["objectives"][2]["key_results"][1]["target"] = 8  # meaning: the same as its start
    result = headway("import", str(_write(tmp_path, "bad.yaml", doc)), database=database_url)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: kpis[3].direction: must be one of 'higher_is_better', 'lower_is_better' or "
        "'in_range'",
        "error: objectives[2].key_results[1].target: must differ from start",
    ], result.stderr
    assert _count(database_url, "workspace") == 0


def test_report_as_html_is_one_page_with_the_figures_and_user_text_escaped(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    doc = _seeds()
    doc["objectives"][1]["title"] = "<script>alert(1)</script> & more"
    assert (
        headway("import", str(_write(tmp_path, "d.yaml", doc)), database=database_url).returncode
        == 0
    )
    page = headway(
        "report",
        "--period",
        "2026-Q4",
        "--as-of",
        "2026-11-15",
        "--format",
        "html",
        database=database_url,
    )
    assert page.returncode == 0, page.stderr
    assert page.stdout.startswith("<!doctype html>")
    assert "<title>Example Co — 2026-Q4</title>" in page.stdout
    assert "As of 2026-11-15: expected progress 50%." in page.stdout
    # The worked example's figures: the customer-experience objective scores 62%, on track.
    assert (
        'Improve our customer experience — 62% <span class="on_track">(on track)</span>'
        in page.stdout
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page.stdout
    assert "<script" not in page.stdout


def test_token_create_prints_a_token_that_is_stored_only_as_a_hash(
    headway: Any, database_url: str
) -> None:
    assert headway("import", str(SEEDS), database=database_url).returncode == 0
    token = json.loads(
        headway("token", "create", "CEO@example.com", "--json", database=database_url).stdout
    )["token"]
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM api_token")).scalars().all()
    engine.dispose()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored


def test_kpi_token_prints_an_ingest_token_that_is_stored_only_as_a_hash(
    headway: Any, database_url: str
) -> None:
    assert headway("import", str(SEEDS), database=database_url).returncode == 0
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        clv = conn.execute(sa.text("SELECT id FROM kpi WHERE key = 'clv'")).scalar_one()
    made = headway("kpi", "token", str(clv), "--name", "nightly", "--json", database=database_url)
    assert made.returncode == 0, made.stderr
    printed = json.loads(made.stdout)
    assert printed["kpi_id"] == clv
    assert printed["name"] == "nightly"
    assert printed["token"].startswith("hwi_")
    missing = headway("kpi", "token", "999999", database=database_url)
    assert missing.returncode == 1
    assert "999999" in missing.stderr
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT kpi_id, token_hash FROM kpi_ingest_token")).all()
    engine.dispose()
    assert [tuple(row) for row in stored] == [
        (clv, hashlib.sha256(printed["token"].encode()).hexdigest())
    ]


def test_token_create_refuses_an_overlong_name_by_the_field(headway: Any, seeded_url: str) -> None:
    database_url = seeded_url
    result = headway(
        "token", "create", "ceo@example.com", "--name", "n" * 201, database=database_url
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "error: name: must be at most 200 characters (got 201)"
    assert _count(database_url, "api_token") == 0


def test_demo_loads_once_and_reports(headway: Any, database_url: str) -> None:
    first = headway("demo", database=database_url)
    assert first.returncode == 0, first.stderr
    again = headway("demo", database=database_url)
    assert again.returncode == 0
    assert "already loaded" in again.stdout
    report = json.loads(headway("report", "--format", "json", database=database_url).stdout)
    statuses = {kr["status"] for o in report["objectives"] for kr in o["key_results"]}
    health = {k["health"] for k in report["kpis"]}
    assert {"on_track", "off_track"} <= statuses
    assert {"healthy", "critical", "stale"} <= health
    assert any(
        o["state"] == "draft" and o["title"].startswith("Improve ") for o in report["objectives"]
    )
    text = headway("report", database=database_url)
    assert text.returncode == 0
    assert "Northwind Labs" in text.stdout


def test_commands_refuse_a_database_without_schema(headway: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = headway("report", database=url)
    assert result.returncode != 0
    assert "headway init" in result.stderr
    assert headway("init", database=url).returncode == 0
    no_workspace = headway("report", database=url)
    assert no_workspace.returncode != 0
    assert "no workspace" in no_workspace.stderr


def test_bad_dates_and_unknown_periods_exit_non_zero_naming_the_problem(
    headway: Any, seeded_url: str
) -> None:
    database_url = seeded_url
    bad_date = headway("report", "--as-of", "2026-13-45", database=database_url)
    assert bad_date.returncode != 0
    assert "--as-of" in bad_date.stderr
    unknown_period = headway("report", "--period", "1999-Q1", database=database_url)
    assert unknown_period.returncode != 0
    assert unknown_period.stderr.strip() == "error: no period is named '1999-Q1'"


def test_serve_refuses_a_database_whose_schema_is_not_current(headway: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    refused = headway("serve", "--port", "1", database=url)
    assert refused.returncode != 0
    assert "headway init" in refused.stderr


def _one_error_line(result: Any) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return str(lines[0])


def test_unreadable_documents_get_one_line_each(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("workspace: Caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in _one_error_line(headway("import", str(latin), database=database_url))
    broken = tmp_path / "broken.yaml"
    broken.write_text("workspace: [unclosed\n")
    assert "line 2" in _one_error_line(headway("import", str(broken), database=database_url))
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]")
    _one_error_line(headway("import", str(listing), database=database_url))
    _one_error_line(headway("import", str(tmp_path), database=database_url))
    _one_error_line(headway("import", str(tmp_path / "missing.yaml"), database=database_url))


def test_a_byte_order_mark_is_not_part_of_the_document(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    marked = tmp_path / "bom.yaml"
    marked.write_bytes(b"\xef\xbb\xbf" + SEEDS.read_bytes())
    assert headway("import", str(marked), database=database_url).returncode == 0


def test_out_of_range_ids_dates_and_outputs_get_one_line(
    headway: Any, seeded_url: str, tmp_path: Path
) -> None:
    database_url = seeded_url
    huge = "99999999999999999999"
    for args in (["checkin", huge, "5"], ["kpi", "record", huge, "1"]):
        result = headway(*args, database=database_url)
        assert result.returncode != 0 and "Traceback" not in result.stderr, args
    far = headway("report", "--as-of", "9999-12-31", database=database_url)
    assert far.returncode != 0 and "Traceback" not in far.stderr
    assert "9998" in far.stderr
    _one_error_line(
        headway("export", "-o", str(tmp_path / "no" / "dir.yaml"), database=database_url)
    )
    _one_error_line(headway("checkin", "1", "1e400", database=database_url))


def test_a_file_that_is_not_a_database_and_a_missing_one_are_refused(
    headway: Any, tmp_path: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database, just notes\n" * 100)
    _one_error_line(headway("report", database=f"sqlite:///{text}"))
    missing = tmp_path / "typo" / "headway.db"
    assert "headway init" in _one_error_line(headway("report", database=f"sqlite:///{missing}"))
    assert not missing.parent.exists()
