"""Engines for SQLite (WAL, foreign keys, busy timeout) and PostgreSQL, made on demand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 5000
_SNAPSHOT = "headway_snapshot"  # execution option: begin a read-only snapshot
_NO_WAIT = "headway_no_wait"  # execution option: a write that gives up at once when locked
# PostgreSQL: how long a no-wait write waits for a lock (0 would mean "for ever").
_NO_WAIT_LOCK_TIMEOUT = "10ms"


def make_engine(database_url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> sa.Engine:
    """An engine for the URL; SQLite files get their folder created and safe pragmas.

    `busy_timeout_ms`: how long a SQLite writer waits for another's write lock before it
    gives up ("database is locked", answered 503 by the web app).
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite opens its own transactions lazily; let SQLAlchemy issue BEGIN itself so
        # a unit of work is one real transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if url.database and url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        # A snapshot reader (a backup) must not hold the write lock for as long as it reads:
        # in WAL mode a deferred transaction already reads one consistent snapshot.
        options = connection.get_execution_options()
        if options.get(_SNAPSHOT, False):
            connection.exec_driver_sql("BEGIN DEFERRED")
        elif options.get(_NO_WAIT, False):
            # A write that may be skipped (a last-used time): it does not queue for the lock.
            connection.exec_driver_sql("PRAGMA busy_timeout=0")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def snapshot_connection(engine: sa.Engine) -> sa.Connection:
    """A connection whose transactions each read one consistent snapshot and block no writer."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        return connection.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    return connection.execution_options(**{_SNAPSHOT: True})


def no_wait_connection(engine: sa.Engine) -> sa.Connection:
    """A connection for a short write that gives up at once, rather than wait, when another
    writer holds the lock (the error it raises then is `conflicts.as_busy`'s)."""
    return engine.connect().execution_options(**{_NO_WAIT: True})


def after_begin(connection: sa.Connection) -> None:
    """What a transaction just begun on a connection from `no_wait_connection` needs on
    PostgreSQL (SQLite's is done by BEGIN itself): lock waits cut short."""
    if connection.dialect.name == "postgresql" and connection.get_execution_options().get(
        _NO_WAIT, False
    ):
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{_NO_WAIT_LOCK_TIMEOUT}'")
