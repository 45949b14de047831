"""Fixtures every test folder shares: fresh, empty databases on SQLite and on PostgreSQL.

- `database_url`: a fresh empty database per test, once on SQLite and once on PostgreSQL
  (that case is marked `postgres`); `new_database_url()` makes more of the same kind.
- `migrated_url`: the same, with the schema upgraded to head.
- `postgres_url`: one fresh PostgreSQL database for the whole session.

PostgreSQL is the server at $HEADWAY_TEST_POSTGRES_URL (default: postgres on 127.0.0.1:5432,
trust auth). When it does not answer, its cases skip, saying why; with CI=true they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from headway.store.schema import upgrade_database

POSTGRES_SERVER_URL = os.environ.get(
    "HEADWAY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

NewDatabaseUrl = Callable[[], str]


class PostgresServer:
    """The test server: makes throwaway databases (headway_test_<hex>) and drops them again."""

    def __init__(self, url: URL, engine: sa.Engine) -> None:
        self.url = url
        self.engine = engine  # AUTOCOMMIT, on the maintenance database
        with engine.connect():
            pass  # fails here when the server does not answer

    def _run(self, sql: str, **params: object) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text(sql), params)

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"headway_test_{secrets.token_hex(6)}"
        # template0: nothing anyone added to template1 leaks into the test.
        self._run(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        """Drop the database at `url`, ending any connection a test left open."""
        name = make_url(url).database
        assert name is not None and name.startswith("headway_test_")
        self._run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = :name AND pid <> pg_backend_pid()",
            name=name,
        )
        self._run(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server; skips (fails with CI=true) when it does not answer."""
    url = make_url(POSTGRES_SERVER_URL)
    engine = sa.create_engine(
        url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        server = PostgresServer(url, engine)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = (
            f"PostgreSQL does not answer at {url.render_as_string(hide_password=True)} "
            f"({str(exc.orig).strip().splitlines()[0]}); start it with `make services`"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. CI=true: the PostgreSQL tests must run", pytrace=False)
        pytest.skip(reason)
    yield server
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """One fresh, empty PostgreSQL database for the session, dropped at its end."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def new_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDatabaseUrl]:
    """Makes fresh empty databases of this test's kind; each call gives another URL."""
    made: list[str] = []
    server: PostgresServer | None = None
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")

    def new() -> str:
        if server is None:
            url = f"sqlite:///{tmp_path / f'headway-{len(made)}.db'}"
        else:
            url = server.create_database()
        made.append(url)
        return url

    yield new
    if server is not None:
        for url in made:
            server.drop_database(url)


@pytest.fixture
def database_url(new_database_url: NewDatabaseUrl) -> str:
    """A fresh empty database: a file in tmp_path, or a new PostgreSQL database."""
    return new_database_url()


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """`database_url` with the schema upgraded to head."""
    upgrade_database(database_url)
    return database_url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that ask for PostgreSQL by name are `postgres` tests too (`-m "not postgres"`)."""
    for item in items:
        if {"postgres_server", "postgres_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
