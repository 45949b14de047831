"""`headway backup` and `headway restore` as operators use them, in a subprocess."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from headway.store.engine import make_engine
from headway.store.schema import alembic_config, head_revision

DEMO = "Northwind Labs"


def _query(url: str, sql: str) -> Any:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def _tables(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _succeeds(headway: Any, *args: str, database: str) -> str:
    result = headway(*args, database=database)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return str(result.stdout)


def _errors(result: Any) -> list[str]:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if line]


@pytest.fixture
def demo_backup(headway: Any, tmp_path: Path) -> Path:
    """A backup of the demo company on SQLite."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    _succeeds(headway, "demo", database=url)
    path = tmp_path / "demo-backup.json"
    _succeeds(headway, "backup", str(path), database=url)
    return path


@pytest.mark.parametrize(
    ("source_kind", "target_kind"),
    [
        pytest.param("sqlite", "postgresql", marks=pytest.mark.postgres),
        pytest.param("postgresql", "sqlite", marks=pytest.mark.postgres),
    ],
)
def test_backup_and_restore_move_an_install_to_another_database(
    headway: Any,
    make_database: Callable[[str], str],
    tmp_path: Path,
    source_kind: str,
    target_kind: str,
) -> None:
    source, target = make_database(source_kind), make_database(target_kind)
    _succeeds(headway, "demo", database=source)
    path = tmp_path / "headway-backup.json"

    counts = json.loads(_succeeds(headway, "backup", str(path), "--json", database=source))
    restored = _succeeds(headway, "restore", str(path), database=target)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert counts["revision"] == head_revision()
    rows = sum(counts["counts"].values())
    count = "SELECT count(*) FROM {}"
    assert rows == sum(_query(source, count.format(table)) for table in counts["counts"])
    assert restored == (
        f"Restored {rows} rows of 1 workspace from {path} into {_safe(target)} "
        f"(schema {head_revision()}).\n"
    )
    export = _succeeds(headway, "export", database=source)
    assert _succeeds(headway, "export", database=target) == export
    key_result = _query(
        target,
        "SELECT min(kr.id) FROM key_result kr JOIN objective o ON o.id = kr.objective_id"
        " JOIN period p ON p.id = o.period_id"
        " WHERE p.state = 'active' AND kr.kind = 'metric' AND kr.kpi_id IS NULL",
    )
    checked_in = _succeeds(headway, "checkin", str(key_result), "12", "--json", database=target)
    newest = _query(source, "SELECT max(id) FROM check_in")
    assert json.loads(checked_in) == {"id": newest + 1}


def test_a_backup_prints_what_it_holds(
    headway: Any, migrated_url: str, demo_backup: Path, tmp_path: Path
) -> None:
    restored = json.loads(
        _succeeds(headway, "restore", str(demo_backup), "--json", database=migrated_url)
    )
    path = tmp_path / "again.json"
    said = _succeeds(headway, "backup", str(path), database=migrated_url)
    rows = sum(restored["counts"].values())
    assert said == f"Backed up {rows} rows of 1 workspace to {path}.\n"
    assert restored["revision"] == head_revision()


def test_restoring_into_a_database_with_data_is_refused_and_changes_nothing(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    _succeeds(headway, "demo", database=database_url)
    path = tmp_path / "backup.json"
    _succeeds(headway, "backup", str(path), database=database_url)
    export = _succeeds(headway, "export", database=database_url)

    refused = headway("restore", str(path), database=database_url)

    assert _errors(refused) == [
        f"error: the database at {_safe(database_url)} already holds data: "
        "restore into an empty database"
    ]
    assert _succeeds(headway, "export", database=database_url) == export


def test_a_spoiled_backup_is_refused_naming_each_place_and_the_target_stays_empty(
    headway: Any, database_url: str, demo_backup: Path
) -> None:
    data = json.loads(demo_backup.read_text())
    data["tables"]["nonsense"] = {"columns": ["id"], "rows": [[1]]}
    data["tables"]["person"]["rows"][3].pop()
    period = data["tables"]["period"]
    period["rows"][0][period["columns"].index("end_date")] = "2026-04-31"
    demo_backup.write_text(json.dumps(data))

    errors = _errors(headway("restore", str(demo_backup), database=database_url))

    width = len(data["tables"]["person"]["columns"])
    assert errors == [
        "error: tables.period.rows[0].end_date: '2026-04-31' is not a date (YYYY-MM-DD)",
        f"error: tables.person.rows[3]: {width - 1} values: expected {width} values",
        "error: tables.nonsense: Headway has no such table",
    ]
    assert _tables(database_url) == []


def test_a_backup_that_is_not_json_is_refused_and_the_target_stays_empty(
    headway: Any, database_url: str, demo_backup: Path
) -> None:
    text = demo_backup.read_text()
    demo_backup.write_text(text[: len(text) // 2])

    errors = _errors(headway("restore", str(demo_backup), database=database_url))

    assert len(errors) == 1
    assert errors[0].startswith("error: not JSON: ")
    assert errors[0].endswith(")") and "line " in errors[0]
    assert _tables(database_url) == []


def test_files_that_cannot_be_read_or_written_are_named(
    headway: Any, migrated_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "backup.json"
    written = headway("backup", str(missing), database=migrated_url)
    assert _errors(written) == [f"error: cannot write {missing}: No such file or directory"]
    read = headway("restore", str(missing), database=migrated_url)
    assert _errors(read) == [f"error: cannot read {missing}: No such file or directory"]
    binary = tmp_path / "backup.bin"
    binary.write_bytes(b"\xff\xfe\x00")
    assert _errors(headway("restore", str(binary), database=migrated_url)) == [
        f"error: {binary} is not UTF-8 text"
    ]


def test_a_backup_of_an_out_of_date_schema_is_refused(
    headway: Any, database_url: str, tmp_path: Path
) -> None:
    command.upgrade(alembic_config(database_url), "0001")
    path = tmp_path / "backup.json"
    errors = _errors(headway("backup", str(path), database=database_url))
    assert len(errors) == 1
    assert errors[0].endswith("run `headway db upgrade`")
    assert not path.exists()


def test_a_backup_edited_to_mean_what_headway_never_writes_is_refused_and_the_target_stays_empty(
    headway: Any, database_url: str, demo_backup: Path
) -> None:
    data = json.loads(demo_backup.read_text())

    def records(table: str) -> list[dict[str, Any]]:
        entry = data["tables"][table]
        return [dict(zip(entry["columns"], row, strict=True)) for row in entry["rows"]]

    def edit(table: str, row: int, column: str, value: Any) -> int:
        entry = data["tables"][table]
        entry["rows"][row][entry["columns"].index(column)] = value
        return int(entry["rows"][row][entry["columns"].index("id")])

    person = edit("person", 0, "role", "superadmin")
    check_in = edit("check_in", 0, "effective_date", "2999-01-01")
    top = [
        n
        for n, r in enumerate(records("objective"))
        if r["parent_id"] is None and r["parent_key_result_id"] is None
    ]
    one = records("objective")[top[0]]["id"]
    other = edit("objective", top[1], "parent_id", one)
    edit("objective", top[0], "parent_id", other)
    demo_backup.write_text(json.dumps(data))

    errors = _errors(headway("restore", str(demo_backup), database=database_url))

    cycle = "alignment forms a cycle: the objective would be its own ancestor"
    assert (
        errors[0] == f"error: tables.person[id={person}].role: must be one of admin, member, viewer"
    )
    assert errors[1].startswith(
        f"error: tables.check_in[id={check_in}].effective_date: must not be after today ("
    )
    assert sorted(errors[2:]) == sorted(
        [
            f"error: tables.objective[id={one}].parent_id: {cycle}",
            f"error: tables.objective[id={other}].parent_id: {cycle}",
        ]
    )
    assert _tables(database_url) == []
