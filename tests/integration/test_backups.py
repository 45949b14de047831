"""Backups hold every row of every table and restore into an empty database, across databases."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from alembic import command

from examples import SEEDS
from headway.config import load_settings
from headway.domain.errors import Conflict, ValidationFailed
from headway.domain.model import StatusThresholds
from headway.services.access.actors import Caller
from headway.services.access.people import create_token
from headway.services.access.sessions import SignInRefused, sign_in
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents import backups
from headway.services.documents.backups import (
    MAX_PROBLEMS,
    backup_database,
    read_backup,
    restore_database,
)
from headway.services.documents.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_WORKSPACE, load_demo
from headway.services.documents.exports import export_workspace
from headway.services.documents.imports import import_workspace
from headway.services.okrs.checkins import record_check_in
from headway.services.periods.periods import close_period
from headway.store import tables as t
from headway.store.engine import make_engine
from headway.store.mappers import aware
from headway.store.schema import alembic_config, head_revision, schema_revision, upgrade_database
from headway.store.uow import UnitOfWork, make_uow

NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture
def uows() -> Iterator[Callable[[str], UnitOfWork]]:
    """Units of work on given URLs, their engines disposed after the test."""
    made: list[UnitOfWork] = []

    def make(url: str) -> UnitOfWork:
        made.append(make_uow(load_settings(database_url=url)))
        return made[-1]

    yield make
    for uow in made:
        uow.engine.dispose()


def _fill(uow: UnitOfWork) -> int:
    """Two workspaces with a row in every table, links to later rows, and a deleted newest row.

    Returns the id of the deleted check-in: the largest check-in id ever handed out.
    """
    upgrade_database(uow.engine)
    load_demo(uow, clock=clock)
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="cli", clock=clock)
    seeds = resolve_workspace(uow, "Example Co")
    with uow:
        quarter = uow.conn.execute(
            sa.select(t.period.c.id).where(
                t.period.c.workspace_id == seeds.id, t.period.c.name == "2026-Q4"
            )
        ).scalar_one()
    close_period(
        uow,
        seeds,
        quarter,
        thresholds=StatusThresholds(),
        caller=Caller.operator(),
        clock=clock,
    )
    demo = resolve_workspace(uow, DEMO_WORKSPACE)
    create_token(uow, demo, email=DEMO_ADMIN, caller=Caller.operator(), clock=clock)
    sign_in(uow, DEMO_ADMIN, DEMO_PASSWORD, client="test", clock=clock)
    with pytest.raises(SignInRefused):
        sign_in(uow, DEMO_ADMIN, "not the password", client="test", clock=clock)
    with uow:
        conn = uow.conn
        # A unit whose parent, and an objective whose predecessor, come later in id order.
        first_unit, root = conn.execute(
            sa.select(t.unit.c.id, t.unit.c.parent_id)
            .where(t.unit.c.workspace_id == demo.id, t.unit.c.parent_id.is_not(None))
            .order_by(t.unit.c.id)
            .limit(1)
        ).one()
        later_unit = conn.execute(
            t.unit.insert().values(
                workspace_id=demo.id,
                name="Later",
                kind="department",
                parent_id=root,
                created_at=NOW,
                updated_at=NOW,
            )
        ).inserted_primary_key
        assert later_unit is not None
        conn.execute(
            t.unit.update().where(t.unit.c.id == first_unit).values(parent_id=later_unit[0])
        )
        ids = conn.execute(sa.select(t.objective.c.id).order_by(t.objective.c.id)).scalars().all()
        conn.execute(
            t.objective.update().where(t.objective.c.id == ids[0]).values(continued_from_id=ids[-1])
        )
        newest = conn.execute(sa.select(sa.func.max(t.check_in.c.id))).scalar_one()
        conn.execute(t.check_in.delete().where(t.check_in.c.id == newest))
    return int(newest)


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read independently of the code under test."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(aware(v).astimezone(UTC) if isinstance(v, datetime) else v for v in row)
                    for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
                ]
                for table in t.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _exports(uow: UnitOfWork) -> dict[int, dict[str, Any]]:
    with uow:
        ids = uow.conn.execute(sa.select(t.workspace.c.id)).scalars().all()
    return {workspace_id: export_workspace(uow, workspace_id) for workspace_id in ids}


def _backup_text(uow: UnitOfWork, tmp_path: Path) -> str:
    path = tmp_path / "backup.json"
    backup_database(uow, path, clock=clock)
    return path.read_text(encoding="utf-8")


MOVES = [
    ("sqlite", "sqlite"),
    pytest.param("sqlite", "postgresql", marks=pytest.mark.postgres),
    pytest.param("postgresql", "sqlite", marks=pytest.mark.postgres),
    pytest.param("postgresql", "postgresql", marks=pytest.mark.postgres),
]


@pytest.mark.parametrize(("source_kind", "target_kind"), MOVES)
def test_a_restored_database_holds_every_row_and_exports_the_same(
    source_kind: str,
    target_kind: str,
    make_database: Callable[[str], str],
    uows: Callable[[str], UnitOfWork],
    tmp_path: Path,
) -> None:
    source, target = make_database(source_kind), make_database(target_kind)
    deleted_check_in = _fill(uows(source))
    before = _rows(source)
    assert [name for name, rows in before.items() if not rows] == []  # every table is covered

    summary = backup_database(uows(source), tmp_path / "backup.json", clock=clock)
    restored = restore_database(uows(target), read_backup((tmp_path / "backup.json").read_text()))

    assert restored == summary
    assert summary.counts == {name: len(rows) for name, rows in before.items()}
    assert summary.workspaces == 2
    assert _rows(target) == before
    assert _exports(uows(target)) == _exports(uows(source))
    # Ids go on after the largest one ever handed out, even one whose row was deleted.
    target_uow = uows(target)
    demo = resolve_workspace(target_uow, DEMO_WORKSPACE)
    with target_uow:
        key_result = target_uow.conn.execute(
            sa.select(sa.func.min(t.key_result.c.id)).where(
                t.key_result.c.workspace_id == demo.id,
                t.key_result.c.kind == "metric",
                t.key_result.c.kpi_id.is_(None),
            )
        ).scalar_one()
    new_id = record_check_in(
        target_uow, demo, key_result, value=1.0, caller=Caller.operator(), clock=clock
    )
    assert new_id == deleted_check_in + 1


def test_the_backup_file_is_readable_only_by_its_owner_and_replaces_the_old_one(
    migrated_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "backup.json"
    path.write_text("an older backup")
    path.chmod(0o644)
    backup_database(uows(migrated_url), path, clock=clock)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["format"] == "headway-backup"
    assert [p.name for p in folder.iterdir()] == ["backup.json"]


def test_a_backup_that_fails_while_writing_leaves_the_previous_file(
    migrated_url: str,
    uows: Callable[[str], UnitOfWork],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uow = uows(migrated_url)
    _fill(uow)
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "backup.json"
    path.write_text("the previous backup")

    def fail(*_args: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "json_rows", fail)
    with pytest.raises(OSError, match="No space left"):
        backup_database(uow, path, clock=clock)
    assert path.read_text() == "the previous backup"
    assert [p.name for p in folder.iterdir()] == ["backup.json"]


def _add_workspace(conn: sa.Connection, name: str) -> None:
    conn.execute(
        t.workspace.insert().values(
            name=name, fiscal_year_start_month=1, timezone="UTC", created_at=NOW, updated_at=NOW
        )
    )


def test_a_backup_reads_one_snapshot_of_the_database(
    migrated_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    uow = uows(migrated_url)
    with uow:
        _add_workspace(uow.conn, "Acme")
    writer = make_engine(migrated_url)
    meanwhile: list[str] = []

    @sa.event.listens_for(uow.engine, "after_execute")
    def _commit_meanwhile(_conn: sa.Connection, statement: Any, *_: Any) -> None:
        # Once the backup has read its first table, another connection commits a row to a
        # table it reads later: a snapshot does not see it.
        if not meanwhile and "FROM sign_in_failure" in str(statement):
            meanwhile.append("committed")
            with writer.begin() as other:
                _add_workspace(other, "Committed meanwhile")

    try:
        summary = backup_database(uow, tmp_path / "backup.json", clock=clock)
    finally:
        writer.dispose()
    assert meanwhile == ["committed"]
    assert summary.workspaces == 1
    assert len(_rows(migrated_url)["workspace"]) == 2


def test_a_backup_does_not_wait_for_a_writer(
    migrated_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    uow = uows(migrated_url)
    with uow:
        _add_workspace(uow.conn, "Acme")
    writer = make_engine(migrated_url)
    try:
        with writer.connect() as open_writer:
            open_writer.begin()  # on SQLite, holds the write lock until it ends
            _add_workspace(open_writer, "Not committed")
            summary = backup_database(uow, tmp_path / "backup.json", clock=clock)
            open_writer.rollback()
    finally:
        writer.dispose()
    assert summary.workspaces == 1


@pytest.mark.parametrize("target_state", ["no schema", "an empty schema"])
def test_a_backup_of_revision_0001_restores_into_this_version(
    target_state: str,
    new_database_url: Callable[[], str],
    uows: Callable[[str], UnitOfWork],
    tmp_path: Path,
) -> None:
    old, target = new_database_url(), new_database_url()
    if target_state == "an empty schema":
        upgrade_database(target)
    command.upgrade(alembic_config(old), "0001")
    stamps = {"created_at": NOW, "updated_at": NOW}
    engine = make_engine(old)
    try:
        with engine.begin() as conn:
            conn.execute(
                t.workspace.insert().values(
                    id=1, name="Acme", fiscal_year_start_month=4, timezone="UTC", **stamps
                )
            )
            # The company's parent link points at a row with a larger id.
            conn.execute(
                t.unit.insert(),
                [
                    {"id": 1, "workspace_id": 1, "name": "Sales", "kind": "team", **stamps},
                    {"id": 2, "workspace_id": 1, "name": "Acme", "kind": "company", **stamps},
                ],
            )
            conn.execute(t.unit.update().where(t.unit.c.id == 1).values(parent_id=2))
    finally:
        engine.dispose()
    text = _backup_text(uows(old), tmp_path)
    backup = read_backup(text)
    assert backup.revision == "0001"
    assert "web_session" not in backup.tables

    restore_database(uows(target), backup)

    target_uow = uows(target)
    assert schema_revision(target_uow.engine) == head_revision()
    rows = _rows(target)
    assert rows["workspace"] == [(1, "Acme", 4, "UTC", NOW, NOW)]
    parent = t.unit.c.keys().index("parent_id")
    assert [(row[0], row[parent]) for row in rows["unit"]] == [(1, 2), (2, None)]
    assert rows["web_session"] == []
    with target_uow:
        new = target_uow.conn.execute(
            t.unit.insert().values(workspace_id=1, name="Support", kind="team", **stamps)
        ).inserted_primary_key
    assert new is not None and new[0] == 3


def test_restoring_into_a_database_with_rows_is_refused_and_changes_nothing(
    migrated_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    uow = uows(migrated_url)
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="cli", clock=clock)
    backup = read_backup(_backup_text(uow, tmp_path))
    before = _rows(migrated_url)
    with pytest.raises(Conflict, match="already holds data: restore into an empty database"):
        restore_database(uow, backup)
    assert _rows(migrated_url) == before


def test_a_backup_missing_a_table_of_its_revision_is_refused_leaving_no_schema(
    database_url: str, uows: Callable[[str], UnitOfWork], tmp_path: Path
) -> None:
    source = uows(f"sqlite:///{tmp_path / 'source.db'}")
    upgrade_database(source.engine)
    backup = read_backup(_backup_text(source, tmp_path))
    del backup.tables["web_session"]
    with pytest.raises(ValidationFailed) as refused:
        restore_database(uows(database_url), backup)
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
        "tables.person.rows[3]: 9 values: expected 10 values",
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
