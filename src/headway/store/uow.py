"""The unit of work: one connection, one transaction per use case."""

from __future__ import annotations

from types import TracebackType
from typing import TypeAlias

import sqlalchemy as sa

from headway.config import Settings
from headway.store.conflicts import as_conflict
from headway.store.engine import make_engine, snapshot_connection
from headway.store.revisions import bump_noted, forget_writes

# What services pass to the store functions: an open connection they never look inside (they
# write no SQL and import no SQLAlchemy; this name is all they know of it).
Connection: TypeAlias = sa.Connection


class UnitOfWork:
    """`with uow:` opens a transaction that commits on success and rolls back on any error.

    `with uow.reading():` opens one that only reads: a consistent snapshot that holds up no
    writer (on SQLite it does not take the write lock; on PostgreSQL it is REPEATABLE READ
    and READ ONLY, so a write by mistake is refused rather than made).
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._connection: sa.Connection | None = None
        self._read_only = False

    def reading(self) -> UnitOfWork:
        """This unit of work, to open as a read-only snapshot: `with uow.reading():`."""
        if self._connection is not None:
            raise RuntimeError("the unit of work is already open")
        self._read_only = True
        return self

    @property
    def conn(self) -> Connection:
        """The open connection; only inside `with uow:`."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use `with uow:`")
        return self._connection

    def __enter__(self) -> UnitOfWork:
        if self._connection is not None:
            raise RuntimeError("the unit of work is already open")
        read_only, self._read_only = self._read_only, False
        self._connection = snapshot_connection(self.engine) if read_only else self.engine.connect()
        forget_writes(self._connection)  # what an earlier user of this connection noted
        self._connection.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self.conn
        self._connection = None
        try:
            if exc_type is None:
                # The last statement: every workspace written to gets a new revision.
                bump_noted(connection)
                connection.commit()
            else:
                forget_writes(connection)
                connection.rollback()
        except Exception as failed:
            # A commit the database refused (a constraint checked at the end, a
            # serialization failure): a conflict when it is one of those.
            conflict = as_conflict(failed)
            if conflict is None:
                raise
            raise conflict from failed
        finally:
            connection.close()
        # What the database refused while writers met is a conflict (409), not a crash.
        conflict = as_conflict(exc) if exc is not None else None
        if conflict is not None:
            raise conflict from exc


def make_uow(settings: Settings) -> UnitOfWork:
    """A unit of work on the configured database (connects lazily, on first use)."""
    return UnitOfWork(make_engine(settings.database_url))
