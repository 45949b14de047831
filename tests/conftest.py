"""Fixtures every test folder shares: fresh, empty databases on SQLite and on PostgreSQL.

- `database_url`: an empty database per test, once on SQLite (a new file) and once on
  PostgreSQL (a scratch database emptied for each test; that case is marked `postgres`).
  `new_database_url()` makes more of the same kind within one test; `make_database(kind)`
  makes databases of either kind, for tests that move data between them.
- `migrated_url`: the same, with the schema upgraded to head (a copy of a database the
  migrations upgraded once a session).
- `module_database_url`: one empty database of each kind for a whole test module, for tests
  that only read what a module-scoped fixture wrote once.
- `postgres_url`: one fresh PostgreSQL database for the whole session (tests that use it
  are marked `postgres` automatically).

Under pytest-xdist each worker runs its own session: its own scratch and template databases
(random names) and its own temporary folders; only the PostgreSQL server is shared.

PostgreSQL is the server at $HEADWAY_TEST_POSTGRES_URL (default: postgres on 127.0.0.1:5432,
trust auth). When it does not answer, its cases skip, saying why; with CI=true they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from database_copies import copy_sqlite
from headway.store.schema import upgrade_database

POSTGRES_SERVER_URL = os.environ.get(
    "HEADWAY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

NewDatabaseUrl = Callable[[], str]
MakeDatabase = Callable[[str], str]
MigratedCopy = Callable[[Path], str]


class PostgresServer:
    """The test server: makes throwaway databases (headway_test_<hex>) and drops them again."""

    def __init__(self, url: URL) -> None:
        self.url = url
        # One engine per database: AUTOCOMMIT for CREATE/DROP DATABASE, NullPool so that no idle
        # connection of ours keeps a database busy.
        self._engines: dict[str, sa.Engine] = {}
        self._scratch: str | None = None
        self._run(None, "SELECT 1")  # fails here when the server does not answer

    def _run(self, database: str | None, sql: str, **params: object) -> list[tuple[Any, ...]]:
        url = self.url.set(database=database) if database else self.url
        key = str(url.database)
        if key not in self._engines:
            self._engines[key] = sa.create_engine(
                url,
                isolation_level="AUTOCOMMIT",
                poolclass=sa.NullPool,
                connect_args={"connect_timeout": 3},
            )
        with self._engines[key].connect() as connection:
            result = connection.execute(sa.text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []

    def create_database(self, copy_of: str | None = None) -> str:
        """A new empty database, or a copy of the one at `copy_of`; returns its URL."""
        name = f"headway_test_{secrets.token_hex(6)}"
        # template0: nothing anyone added to template1 leaks into the test.
        template = "template0" if copy_of is None else self._end_connections(copy_of)
        self._run(None, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def scratch_database(self) -> str:
        """The session's scratch database, emptied: ~0.04 s where a new database takes ~0.2 s."""
        if self._scratch is None:
            self._scratch = self.create_database()
            return self._scratch
        name = self._end_connections(self._scratch)
        for (schema,) in self._run(
            name,
            "SELECT nspname FROM pg_namespace"
            " WHERE NOT starts_with(nspname, 'pg_') AND nspname <> 'information_schema'",
        ):
            self._run(name, f'DROP SCHEMA "{schema}" CASCADE')
        self._run(name, "CREATE SCHEMA public")
        return self._scratch

    def copy_database(self, template: str, into: str) -> None:
        """Make the database at `into` a copy of the one at `template`."""
        name, source = self._end_connections(into), self._end_connections(template)
        engine = self._engines.pop(name, None)
        if engine is not None:
            engine.dispose()
        self._run(None, f'DROP DATABASE IF EXISTS "{name}"')
        self._run(None, f'CREATE DATABASE "{name}" TEMPLATE "{source}"')

    def drop_database(self, url: str) -> None:
        """Drop the database at `url`, ending any connection a test left open."""
        name = self._end_connections(url)
        engine = self._engines.pop(name, None)
        if engine is not None:
            engine.dispose()
        self._run(None, f'DROP DATABASE IF EXISTS "{name}"')

    def close(self) -> None:
        """Drop the scratch database and let go of the server."""
        if self._scratch is not None:
            self.drop_database(self._scratch)
        for engine in self._engines.values():
            engine.dispose()

    def _end_connections(self, url: str) -> str:
        name = make_url(url).database
        assert name is not None and name.startswith("headway_test_")
        self._run(
            None,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = :name AND pid <> pg_backend_pid()",
            name=name,
        )
        return name


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server; skips (fails with CI=true) when it does not answer."""
    url = make_url(POSTGRES_SERVER_URL)
    try:
        server = PostgresServer(url)
    except sa.exc.OperationalError as exc:
        reason = (
            f"PostgreSQL does not answer at {url.render_as_string(hide_password=True)} "
            f"({str(exc.orig).strip().splitlines()[0]}); start it with `make services`"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. CI=true: the PostgreSQL tests must run", pytrace=False)
        pytest.skip(reason)
    yield server
    server.close()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """One fresh, empty PostgreSQL database for the session, dropped at its end."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def new_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDatabaseUrl]:
    """Makes fresh empty databases of this test's kind; each call gives another URL.

    SQLite: a new file in tmp_path. PostgreSQL: first the emptied scratch database, then new
    databases, dropped after the test.
    """
    server: PostgresServer | None = None
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
    made: list[str] = []

    def new() -> str:
        if server is None:
            url = f"sqlite:///{tmp_path / f'headway-{len(made)}.db'}"
        else:
            url = server.create_database() if made else server.scratch_database()
        made.append(url)
        return url

    yield new
    if server is not None:
        for url in made[1:]:
            server.drop_database(url)


@pytest.fixture
def make_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeDatabase]:
    """Makes empty databases of either kind in one test (`"sqlite"` or `"postgresql"`), for
    moving data between them; the PostgreSQL ones are dropped after the test."""
    made: list[str] = []

    def make(kind: str) -> str:
        if kind == "sqlite":
            made.append(f"sqlite:///{tmp_path / f'database-{len(made)}.db'}")
        else:
            made.append(request.getfixturevalue("postgres_server").create_database())
        return made[-1]

    yield make
    for url in made:
        if not url.startswith("sqlite"):
            request.getfixturevalue("postgres_server").drop_database(url)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database of each kind that one test module's tests share: for a module-scoped
    fixture that writes once, when the tests only read what it wrote."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('module') / 'headway.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def database_url(new_database_url: NewDatabaseUrl) -> str:
    """A fresh empty database: a file in tmp_path, or an emptied PostgreSQL database."""
    return new_database_url()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database the migrations upgraded to head, once a session (xdist: a worker's)."""
    path = tmp_path_factory.mktemp("migrated") / "headway.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_sqlite_copy(migrated_sqlite: Path) -> MigratedCopy:
    """Copies `migrated_sqlite` to a path (SQLite's backup API, ~1 ms); returns its URL."""

    return lambda target: copy_sqlite(migrated_sqlite, target)


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: PostgresServer) -> Iterator[str]:
    """A PostgreSQL database the migrations upgraded to head, once a session."""
    url = postgres_server.create_database()
    upgrade_database(url)
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def migrated_url(database_url: str, request: pytest.FixtureRequest) -> str:
    """`database_url` with the schema upgraded to head: a copy of the session's database that
    the migrations upgraded (a file copy, or CREATE DATABASE ... TEMPLATE: ~0.1 s where running
    the migrations again takes ~0.5 s). The migrations' own tests upgrade `database_url`."""
    if database_url.startswith("sqlite"):
        target = make_url(database_url).database
        assert target is not None
        request.getfixturevalue("migrated_sqlite_copy")(Path(target))
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        server.copy_database(request.getfixturevalue("migrated_postgres"), into=database_url)
    return database_url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that ask for PostgreSQL by name are `postgres` tests too (`-m "not postgres"`)."""
    for item in items:
        if {"postgres_server", "postgres_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
