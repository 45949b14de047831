"""What a restore refuses: a database with rows, a table missing, a spoiled file or no backup."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from backup_rows import backup_text as _backup_text
from backup_rows import every_row as _rows

from examples import SEEDS
from fixed_time import NOW, clock
from headway.config import load_settings
from headway.domain.errors import Conflict, ValidationFailed
from headway.services.documents.backups import MAX_PROBLEMS, read_backup, restore_database
from headway.services.documents.imports import import_workspace
from headway.store.engine import make_engine
from headway.store.schema import head_revision, schema_revision, upgrade_database
from headway.store.uow import UnitOfWork, make_uow


def test_restoring_into_a_database_with_rows_is_refused_and_changes_nothing(
    migrated_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    uow = uows(migrated_url)
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="cli", clock=clock)
    backup = read_backup(_backup_text(uow, tmp_path))
    before = _rows(migrated_url)
    with pytest.raises(Conflict, match="already holds data: restore into an empty database"):
        restore_database(uow, backup, clock=clock)
    assert _rows(migrated_url) == before


def test_a_backup_missing_a_table_of_its_revision_is_refused_leaving_no_schema(
    database_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    source = uows(f"sqlite:///{tmp_path / 'source.db'}")
    upgrade_database(source.engine)
    backup = read_backup(_backup_text(source, tmp_path))
    del backup.tables["web_session"]
    with pytest.raises(ValidationFailed) as refused:
        restore_database(uows(database_url), backup, clock=clock)
    assert [str(p) for p in refused.value.problems] == [
        f"tables.web_session: missing: the schema at revision {head_revision()} has this table"
    ]
    engine = make_engine(database_url)
    try:
        assert schema_revision(engine) is None
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def valid_backup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A backup of the seed workspace, as parsed JSON, to spoil in the tests below."""
    folder = tmp_path_factory.mktemp("backup")
    uow = make_uow(load_settings(database_url=f"sqlite:///{folder / 'seeds.db'}"))
    try:
        upgrade_database(uow.engine)
        import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="cli", clock=clock)
        data: dict[str, Any] = json.loads(_backup_text(uow, folder))
        return data
    finally:
        uow.engine.dispose()


def _problems(data: Any) -> list[str]:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(ValidationFailed) as refused:
        read_backup(text)
    return [str(problem) for problem in refused.value.problems]


def _cell(data: dict[str, Any], table: str, row: int, column: str, value: Any) -> None:
    entry = data["tables"][table]
    entry["rows"][row][entry["columns"].index(column)] = value


def test_a_valid_backup_reads_back_with_every_value_typed(valid_backup: dict[str, Any]) -> None:
    backup = read_backup(json.dumps(valid_backup))
    period = backup.tables["period"]
    start = period.rows[0][period.columns.index("start_date")]
    created = period.rows[0][period.columns.index("created_at")]
    assert start == date(2026, 10, 1)
    assert created == NOW


SPOILED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("unknown table", lambda d: d["tables"].update(nonsense={}), "tables.nonsense: Headway has"),
    (
        "unknown column",
        lambda d: d["tables"]["unit"]["columns"].__setitem__(3, "colour"),
        "tables.unit.columns[3]: unit has no column 'colour'",
    ),
    (
        "short row",
        lambda d: d["tables"]["person"]["rows"][3].pop(),
        "tables.person.rows[3]: 11 values: expected 12 values",
    ),
    (
        "bad date",
        lambda d: _cell(d, "period", 1, "start_date", "2026-02-30"),
        "tables.period.rows[1].start_date: '2026-02-30' is not a date (YYYY-MM-DD)",
    ),
    (
        "time without offset",
        lambda d: _cell(d, "workspace", 0, "created_at", "2026-11-16T09:30:00"),
        "tables.workspace.rows[0].created_at: '2026-11-16T09:30:00' has no UTC offset",
    ),
    (
        "null in a required column",
        lambda d: _cell(d, "person", 0, "email", None),
        "tables.person.rows[0].email: must not be null",
    ),
    (
        "text too long",
        lambda d: _cell(d, "unit", 0, "kind", "x" * 21),
        "tables.unit.rows[0].kind: must be at most 20 characters (got 21)",
    ),
    (
        "boolean where a number goes",
        lambda d: _cell(d, "check_in", 0, "value", True),
        "tables.check_in.rows[0].value: must be a number",
    ),
    (
        "repeated key",
        lambda d: d["tables"]["kpi"]["rows"].append(d["tables"]["kpi"]["rows"][0]),
        "tables.kpi.rows[8]: repeats the key of rows[0]",
    ),
    (
        "unknown revision",
        lambda d: d.update(revision="9999"),
        "revision: '9999' is not a schema revision this Headway knows",
    ),
    ("newer version", lambda d: d.update(version=2), "version: 2: this Headway reads version 1"),
]


@pytest.mark.parametrize(
    ("spoil", "expected"), [(s, e) for _, s, e in SPOILED], ids=[n for n, _, _ in SPOILED]
)
def test_a_spoiled_backup_is_refused_naming_the_place(
    valid_backup: dict[str, Any], spoil: Callable[[dict[str, Any]], None], expected: str
) -> None:
    data = json.loads(json.dumps(valid_backup))
    spoil(data)
    problems = _problems(data)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected)


def test_every_problem_in_a_backup_is_reported_up_to_a_limit(
    valid_backup: dict[str, Any],
) -> None:
    data = json.loads(json.dumps(valid_backup))
    _cell(data, "period", 0, "end_date", "soon")
    _cell(data, "person", 2, "active", "yes")
    assert _problems(data) == [
        "tables.period.rows[0].end_date: 'soon' is not a date (YYYY-MM-DD)",
        "tables.person.rows[2].active: must be true or false",
    ]
    measurements = data["tables"]["measurement"]
    width = len(measurements["columns"])
    # true fits no column of a measurement: one problem per value.
    measurements["rows"] = [[True] * width for _ in measurements["rows"]]
    problems = _problems(data)
    assert len(problems) == MAX_PROBLEMS + 1
    wrong = 2 + width * len(measurements["rows"])
    assert problems[-1] == f"and {wrong - MAX_PROBLEMS} more problems"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "headway-backup",', "not JSON: Expecting property name enclosed in double"),
        ("[]", "not a Headway backup: expected a JSON object"),
        ('{"format": "headway-export"}', "format: not a Headway backup"),
    ],
)
def test_a_file_that_is_no_backup_is_refused(text: str, expected: str) -> None:
    problems = _problems(text)
    assert len(problems) == 1
    assert problems[0].startswith(expected)
