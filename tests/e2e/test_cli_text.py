"""The text rule at the `headway` command, in a subprocess, on SQLite and PostgreSQL: a workspace
document, a check-in note, a person's name and a date holding what the rule refuses are each
refused naming the place, and nothing is stored; what SQLite then holds moves to PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from examples import SEEDS


def _seeds() -> dict[str, Any]:
    return yaml.safe_load(SEEDS.read_text())


def _count(database_url: str, table: str) -> int:
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        count = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    engine.dispose()
    return int(count)


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def _hostile_document() -> dict[str, Any]:
    doc = _seeds()
    doc["objectives"][0]["title"] = "Improve\n# Injected heading"
    doc["objectives"][1]["key_results"][0]["title"] = "\u200b\u200b"
    doc["objectives"][0]["key_results"][0]["check_ins"][1]["note"] = "live\x00chat"
    doc["units"][1]["name"] = "Sales \u202eteam"
    doc["people"][1]["name"] = "Head\tof Sales"
    doc["kpis"][0]["category"] = "Fin\x1b[2Jance"
    doc["kpis"][1]["description"] = "Multi-line\nis fine\there"  # not an error
    return doc


EXPECTED_PATHS = [
    "objectives[0].title",
    "objectives[1].key_results[0].title",
    "objectives[0].key_results[0].check_ins[1].note",
    "units[1].name",
    "people[1].name",
    "kpis[0].category",
]


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_a_document_with_hostile_text_is_refused_naming_every_place_and_stores_nothing(
    headway: Any, database_url: str, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"hostile.{suffix}"
    doc = _hostile_document()
    # YAML writes the NUL as "\0" and JSON as "\u0000": both read back as the character.
    path.write_text(yaml.safe_dump(doc) if suffix == "yaml" else json.dumps(doc, default=str))
    result = headway("import", str(path), database=database_url)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = _errors(result.stderr)
    for place in EXPECTED_PATHS:
        assert any(e.startswith(f"error: {place}") for e in errors), (place, result.stderr)
    assert len(errors) == len(EXPECTED_PATHS), result.stderr
    assert _count(database_url, "workspace") == 0


def test_check_ins_people_and_dates_from_the_command_follow_the_rule(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds.yaml"
    seeds.write_text(SEEDS.read_text())
    assert headway("import", str(seeds), database=database_url).returncode == 0
    before = _count(database_url, "check_in")
    kr = _key_result_id(database_url, "qbrs")
    for note, says in (
        ("Clear\x1b[2J", "must not contain control characters (U+001B)"),
        ("Pay \u202eevil", "bidirectional override"),
    ):
        result = headway("checkin", str(kr), "3", "--note", note, database=database_url)
        assert result.returncode != 0
        assert says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    kept = headway("checkin", str(kr), "3", "--note", "Two\nlines", database=database_url)
    assert kept.returncode == 0, kept.stderr
    assert _count(database_url, "check_in") == before + 1
    people = _count(database_url, "person")
    added = headway(
        "user",
        "add",
        "zw@example.com",
        "--name",
        "\u200b\u3164",
        "--role",
        "viewer",
        database=database_url,
    )
    assert added.returncode != 0
    assert "visible character" in added.stderr, added.stderr
    assert _count(database_url, "person") == people
    for day in ("20261116", "0", "2026-W47-1"):
        report = headway("report", "--as-of", day, database=database_url)
        assert report.returncode != 0
        assert "is not a date (YYYY-MM-DD)" in report.stderr, report.stderr


def _key_result_id(database_url: str, key: str) -> int:
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT id FROM key_result WHERE key = :k"), {"k": key}).one()
    engine.dispose()
    return int(row[0])


@pytest.mark.postgres
def test_what_sqlite_holds_after_hostile_writes_moves_to_postgresql(
    headway: Any, make_database: Callable[[str], str], tmp_path: Path
) -> None:
    source, target = make_database("sqlite"), make_database("postgresql")
    seeds = tmp_path / "seeds.yaml"
    seeds.write_text(SEEDS.read_text())
    assert headway("import", str(seeds), database=source).returncode == 0
    # A command line cannot carry a NUL; a document can (JSON's \u0000).
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(_hostile_document() | {"workspace": "Hostile Co"}, default=str))
    assert headway("import", str(hostile), database=source).returncode != 0
    backup = tmp_path / "backup.json"
    made = headway("backup", str(backup), database=source)
    assert made.returncode == 0, made.stderr
    restored = headway("restore", str(backup), "--database", target)
    assert restored.returncode == 0, restored.stderr
    assert _count(target, "check_in") == _count(source, "check_in")
    assert _count(target, "workspace") == 1
