"""Engines for SQLite (WAL, foreign keys, busy timeout) and PostgreSQL, made on demand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 5000
_SNAPSHOT = "headway_snapshot"  # execution option: begin a read-only snapshot


def make_engine(database_url: str) -> sa.Engine:
    """An engine for the URL; SQLite files get their folder created and safe pragmas."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite opens its own transactions lazily; let SQLAlchemy issue BEGIN itself so
        # a unit of work is one real transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if url.database and url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        # A snapshot reader (a backup) must not hold the write lock for as long as it reads:
        # in WAL mode a deferred transaction already reads one consistent snapshot.
        reading = connection.get_execution_options().get(_SNAPSHOT, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if reading else "BEGIN IMMEDIATE")

    return engine


def snapshot_connection(engine: sa.Engine) -> sa.Connection:
    """A connection whose transactions each read one consistent snapshot and block no writer."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        return connection.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    return connection.execution_options(**{_SNAPSHOT: True})
