"""The database schema's version: Alembic migrations shipped inside the package, no alembic.ini."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from headway.store.engine import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

SchemaState = Literal["missing", "outdated", "current"]


class SchemaOutOfDate(Exception):
    """The database schema is not the one this Headway needs; the message says what to run."""


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic config for the migrations in this package, on `database_url` if given.

    For `alembic.command` functions; `upgrade_database` passes an open connection instead
    (`config.attributes["connection"]`), which env.py prefers over the URL.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # New revisions are named 0002_add_something.py; `%%` is configparser's escape for `%`.
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if database_url is not None:
        config.attributes["database_url"] = database_url
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The revision this Headway's code expects the database to be at."""
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def schema_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at, or None when Headway's schema was never created."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_state(engine: sa.Engine) -> SchemaState:
    """`missing` (no schema yet), `current`, or `outdated` (any other revision).

    A revision this Headway does not know, written by a newer version, also counts as
    `outdated`; `ensure_current` and `upgrade_database` say which case it is.
    """
    revision = schema_revision(engine)
    if revision is None:
        return "missing"
    return "current" if revision == head_revision() else "outdated"


def ensure_current(engine: sa.Engine) -> None:
    """Return if the schema is current, else raise SchemaOutOfDate saying what to run."""
    revision = schema_revision(engine)
    head = head_revision()
    if revision == head:
        return
    if revision is None:
        raise SchemaOutOfDate("the database has no Headway schema yet: run `headway init`")
    _refuse_unknown(revision)
    raise SchemaOutOfDate(
        f"the database schema is at revision {revision} but this Headway needs {head}: "
        "run `headway db upgrade`"
    )


def upgrade_database(engine_or_url: sa.Engine | str) -> None:
    """Create the schema or bring it up to this Headway's revision; does nothing when current.

    One transaction: a failed upgrade leaves the database as it was. Concurrent upgrades wait
    for each other (SQLite's write lock, a PostgreSQL advisory lock).
    """
    if isinstance(engine_or_url, str):
        engine = make_engine(engine_or_url)
        try:
            _upgrade(engine)
        finally:
            engine.dispose()
    else:
        _upgrade(engine_or_url)


def known_revisions() -> list[str]:
    """Every revision this Headway ships, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def move_schema(connection: sa.Connection, revision: str) -> None:
    """Upgrade or downgrade the schema on `connection` to `revision`, in its open transaction.

    Only for a database without rows (a restore): with SQLite's foreign keys on, as they are
    inside a transaction, a migration that rebuilds a table would cascade-delete rows.
    """
    current = MigrationContext.configure(connection).get_current_revision()
    if current is not None:
        _refuse_unknown(current)
    if current == revision:
        return
    config = alembic_config()
    config.attributes["connection"] = connection
    older = current is not None and revision in _ancestors(current)
    (command.downgrade if older else command.upgrade)(config, revision)


def _ancestors(revision: str) -> set[str]:
    return {script.revision for script in _scripts().iterate_revisions(revision, "base")}


def _upgrade(engine: sa.Engine) -> None:
    revision = schema_revision(engine)
    if revision is not None:
        _refuse_unknown(revision)
    config = alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _refuse_unknown(revision: str) -> None:
    known = {script.revision for script in _scripts().walk_revisions()}
    if revision not in known:
        raise SchemaOutOfDate(
            f"the database schema is at revision {revision}, which this Headway does not "
            "know: a newer version of Headway upgraded it; use that version"
        )


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())
