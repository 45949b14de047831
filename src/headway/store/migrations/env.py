"""Alembic's environment for Headway: runs the migrations on what `headway.store.schema` passes.

`alembic_config()` puts either an open connection (`config.attributes["connection"]`) or a
database URL (`config.attributes["database_url"]`) in the config; nothing is read from an ini
file. The whole upgrade is one transaction, on SQLite too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import context

from headway.store import tables
from headway.store.engine import make_engine

# Any constant: concurrent upgrades of one PostgreSQL database wait for each other on it.
_UPGRADE_LOCK_ID = 0x4845_4144  # "HEAD"

config = context.config
target_metadata = tables.metadata


def _database_url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: build the config with headway.store.schema.alembic_config")
    return str(url)


@contextmanager
def _foreign_keys_off(connection: sa.Connection) -> Iterator[None]:
    """Turn SQLite's foreign keys off while tables are rebuilt, and back on afterwards.

    A batch migration drops and recreates a table; with foreign keys on, dropping `workspace`
    would cascade-delete every row that belongs to a workspace. The pragma has no effect inside
    a transaction, so it goes to the driver before Alembic begins one.
    """
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        yield
        return
    cursor = connection.connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys")
        row = cursor.fetchone()
        was_on = row is not None and row[0] == 1
        cursor.execute("PRAGMA foreign_keys=OFF")
        try:
            yield
        finally:
            if was_on:
                cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _check_foreign_keys(connection: sa.Connection) -> None:
    """Refuse to commit an SQLite upgrade that left a reference pointing nowhere."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        shown = ", ".join(f"{row[0]} row {row[1]} -> {row[2]}" for row in broken[:5])
        raise RuntimeError(f"the upgrade broke {len(broken)} foreign key(s): {shown}")


def _run_on(connection: sa.Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters most things by copying the table; autogenerate should write that.
        render_as_batch=sqlite,
        compare_server_default=True,
        # Our SQLite engines issue BEGIN themselves, so DDL is transactional there too and a
        # failed upgrade leaves the schema as it was.
        transactional_ddl=True,
    )
    with _foreign_keys_off(connection), context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _UPGRADE_LOCK_ID}
            )
        context.run_migrations()
        if sqlite:
            _check_foreign_keys(connection)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = make_engine(_database_url())
    try:
        with engine.connect() as fresh:
            _run_on(fresh)
    finally:
        engine.dispose()


def run_migrations_offline() -> None:
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        render_as_batch=url.startswith("sqlite"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
