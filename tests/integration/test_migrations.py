"""The migrations build exactly `tables.metadata`, and the schema's version is guarded."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from headway.store import schema, tables
from headway.store.engine import make_engine
from headway.store.schema import (
    SchemaOutOfDate,
    alembic_config,
    ensure_current,
    head_revision,
    schema_revision,
    schema_state,
    upgrade_database,
)
from headway.store.uow import UnitOfWork

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

InstallRevision = Callable[[str], None]

LATER = "9001"  # a revision after this Headway's head that only these tests ship

LATER_REVISION = '''"""A revision after the head that only these tests ship."""

import sqlalchemy as sa
from alembic import op

revision = "{later}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
'''

# On SQLite, altering a column makes Alembic rebuild the table: copy, drop, rename.
WIDEN_TIMEZONE = """
with op.batch_alter_table("workspace") as batch:
    batch.alter_column(
        "timezone", type_=sa.String(100), existing_type=sa.String(64), existing_nullable=False
    )
"""

FAIL_HALFWAY = """
op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True))
raise RuntimeError("revision 9001 failed halfway")
"""


@contextmanager
def _engine(url: str) -> Iterator[sa.Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _add_workspace(connection: sa.Connection, name: str = "Acme") -> int:
    values = {"fiscal_year_start_month": 1, "timezone": "UTC", "created_at": NOW, "updated_at": NOW}
    result = connection.execute(tables.workspace.insert().values(name=name, **values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _add_unit(connection: sa.Connection, workspace_id: int, name: str = "Sales") -> None:
    connection.execute(
        tables.unit.insert().values(
            workspace_id=workspace_id, name=name, kind="team", created_at=NOW, updated_at=NOW
        )
    )


def _count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _schema_of(engine: sa.Engine) -> dict[str, dict[str, Any]]:
    """What the database says about every table: names, column order, types, keys, indexes."""
    inspector = sa.inspect(engine)
    found: dict[str, dict[str, Any]] = {}
    for name in inspector.get_table_names():
        if name == "alembic_version":
            continue
        found[name] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c["default"])
                for c in inspector.get_columns(name)
            ],
            "primary key": inspector.get_pk_constraint(name),
            "foreign keys": sorted(
                (
                    fk["name"],
                    fk["constrained_columns"],
                    fk["referred_table"],
                    fk["referred_columns"],
                    sorted(fk["options"].items()),
                )
                for fk in inspector.get_foreign_keys(name)
            ),
            "unique": sorted(
                (u["name"], u["column_names"]) for u in inspector.get_unique_constraints(name)
            ),
            "indexes": sorted(
                (i["name"], i["column_names"], i["unique"]) for i in inspector.get_indexes(name)
            ),
        }
    return found


@pytest.fixture
def later_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> InstallRevision:
    """Make this Headway ship a revision after its head whose upgrade() runs the given code."""

    def install(body: str) -> None:
        folder = tmp_path / "migrations"
        shutil.copytree(schema.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
        head = head_revision()
        source = LATER_REVISION.format(
            later=LATER, head=head, body=textwrap.indent(body.strip(), "    ")
        )
        (folder / "versions" / f"{LATER}_later.py").write_text(source)
        monkeypatch.setattr(schema, "MIGRATIONS_DIR", folder)

    return install


def test_upgrade_leaves_no_difference_alembic_can_detect(migrated_url: str) -> None:
    with _engine(migrated_url) as engine, engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, tables.metadata) == []


def test_upgrade_builds_what_create_all_builds_down_to_names_and_column_order(
    migrated_url: str, new_database_url: Callable[[], str]
) -> None:
    with _engine(migrated_url) as migrated, _engine(new_database_url()) as reference:
        tables.metadata.create_all(reference)
        assert _schema_of(migrated) == _schema_of(reference)


def test_upgrading_a_current_database_changes_nothing(migrated_url: str) -> None:
    with _engine(migrated_url) as engine:
        with engine.begin() as connection:
            _add_workspace(connection)
        before = _schema_of(engine)
        upgrade_database(engine)
        assert _schema_of(engine) == before
        assert schema_revision(engine) == head_revision()
        assert _count(engine, tables.workspace) == 1


def test_an_empty_database_has_a_missing_schema_and_is_refused(database_url: str) -> None:
    with _engine(database_url) as engine:
        assert schema_revision(engine) is None
        assert schema_state(engine) == "missing"
        with pytest.raises(SchemaOutOfDate, match="run `headway init`"):
            ensure_current(engine)


def test_an_upgraded_database_is_current(database_url: str) -> None:
    with _engine(database_url) as engine:
        upgrade_database(engine)
        assert schema_state(engine) == "current"
        assert schema_revision(engine) == head_revision()
        ensure_current(engine)


def test_downgrade_to_base_removes_every_table(migrated_url: str) -> None:
    command.downgrade(alembic_config(migrated_url), "base")
    with _engine(migrated_url) as engine:
        assert schema_state(engine) == "missing"
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}


def test_an_older_schema_is_outdated_until_upgraded_and_keeps_its_rows(
    database_url: str, later_revision: InstallRevision
) -> None:
    later_revision(WIDEN_TIMEZONE)
    command.upgrade(alembic_config(database_url), "0001")
    with _engine(database_url) as engine:
        with engine.begin() as connection:
            _add_unit(connection, _add_workspace(connection))
        assert schema_state(engine) == "outdated"
        with pytest.raises(SchemaOutOfDate) as refused:
            ensure_current(engine)
        assert str(refused.value) == (
            f"the database schema is at revision 0001 but this Headway needs {LATER}: "
            "run `headway db upgrade`"
        )

        upgrade_database(engine)

        assert schema_state(engine) == "current"
        # SQLite rebuilt `workspace`; had foreign keys been on, dropping it would have
        # cascade-deleted the unit.
        assert _count(engine, tables.unit) == 1
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_failing_revision_leaves_the_schema_as_it_was(
    migrated_url: str, later_revision: InstallRevision
) -> None:
    head = head_revision()
    later_revision(FAIL_HALFWAY)
    with _engine(migrated_url) as engine:
        with pytest.raises(RuntimeError, match="failed halfway"):
            upgrade_database(engine)
        assert schema_revision(engine) == head
        assert "scratch" not in sa.inspect(engine).get_table_names()


def test_a_schema_from_a_newer_headway_is_refused_not_touched(
    database_url: str, later_revision: InstallRevision, monkeypatch: pytest.MonkeyPatch
) -> None:
    later_revision(WIDEN_TIMEZONE)
    upgrade_database(database_url)
    monkeypatch.undo()  # back to the revisions this Headway really ships
    with _engine(database_url) as engine:
        assert schema_state(engine) == "outdated"
        for check in (ensure_current, upgrade_database):
            newer = f"revision {LATER}, which this Headway does not"
            with pytest.raises(SchemaOutOfDate, match=newer):
                check(engine)
        assert schema_revision(engine) == LATER


def test_foreign_keys_are_enforced(migrated_url: str) -> None:
    with _engine(migrated_url) as engine, engine.connect() as connection:
        with pytest.raises(sa.exc.IntegrityError):
            _add_unit(connection, workspace_id=424242)


def test_a_sqlite_file_database_runs_in_wal_mode(tmp_path: Path) -> None:
    with _engine(f"sqlite:///{tmp_path / 'var' / 'headway.db'}") as engine:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_unit_of_work_rolls_back_everything_when_an_exception_escapes(
    migrated_url: str,
) -> None:
    with _engine(migrated_url) as engine:
        uow = UnitOfWork(engine)
        with uow:
            workspace_id = _add_workspace(uow.conn, "Acme")
        with pytest.raises(RuntimeError, match="boom"), uow:
            _add_unit(uow.conn, workspace_id)
            uow.conn.execute(tables.workspace.update().values(name="Renamed"))
            _add_workspace(uow.conn, "Second")
            raise RuntimeError("boom")
        with engine.connect() as connection:
            names = connection.execute(sa.select(tables.workspace.c.name)).scalars().all()
        assert names == ["Acme"]
        assert _count(engine, tables.unit) == 0


def test_a_deleted_rows_id_is_never_given_to_a_new_row(migrated_url: str) -> None:
    with _engine(migrated_url) as engine, engine.begin() as connection:
        workspace_id = _add_workspace(connection)
        newest = _add_workspace(connection, "Globex")
        connection.execute(tables.workspace.delete().where(tables.workspace.c.id == newest))
        assert _add_workspace(connection, "Initech") > newest > workspace_id


def test_upgrading_from_0001_keeps_rows_and_stops_reusing_ids(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "0001")
    with _engine(database_url) as engine:
        with engine.begin() as connection:
            workspace_id = _add_workspace(connection)
            _add_unit(connection, workspace_id, "Sales")
            _add_unit(connection, workspace_id, "Support")
        upgrade_database(engine)
        with engine.begin() as connection:
            units = tables.unit.c
            newest = connection.execute(sa.select(sa.func.max(units.id))).scalar_one()
            connection.execute(tables.unit.delete().where(units.id == newest))
            _add_unit(connection, workspace_id, "Marketing")
            ids = connection.execute(sa.select(units.id).order_by(units.id)).scalars().all()
        assert ids == [newest - 1, newest + 1]


def test_every_foreign_key_column_leads_an_index_in_the_migrated_schema(migrated_url: str) -> None:
    # PostgreSQL does not index referencing columns itself; the primary key and unique
    # constraints count, since both databases back them with an index.
    with _engine(migrated_url) as engine:
        inspector = sa.inspect(engine)
        unindexed = []
        for table in inspector.get_table_names():
            leading = {i["column_names"][0] for i in inspector.get_indexes(table)}
            leading |= {u["column_names"][0] for u in inspector.get_unique_constraints(table)}
            leading |= set(inspector.get_pk_constraint(table)["constrained_columns"][:1])
            for fk in inspector.get_foreign_keys(table):
                unindexed += [f"{table}.{c}" for c in fk["constrained_columns"] if c not in leading]
        assert inspector.get_foreign_keys("objective")  # the inspection sees foreign keys at all
    assert unindexed == []
