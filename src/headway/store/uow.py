"""The unit of work: one connection, one transaction per use case."""

from __future__ import annotations

from types import TracebackType
from typing import TypeAlias

import sqlalchemy as sa

from headway.config import Settings
from headway.store.conflicts import as_busy, as_conflict
from headway.store.engine import after_begin, make_engine, no_wait_connection, snapshot_connection
from headway.store.revisions import bump_noted, forget_writes

# What services pass to the store functions: an open connection they never look inside (they
# write no SQL and import no SQLAlchemy; this name is all they know of it).
Connection: TypeAlias = sa.Connection


class UnitOfWork:
    """`with uow:` opens a transaction that commits on success and rolls back on any error.

    `with uow.reading():` opens one that only reads: a consistent snapshot that holds up no
    writer (on SQLite it does not take the write lock; on PostgreSQL it is REPEATABLE READ
    and READ ONLY, so a write by mistake is refused rather than made).

    A unit of work made `read_only` (the web app's, for GET and HEAD requests) opens every
    `with uow:` as such a snapshot, so that no read waits for a writer or holds one up.

    `with uow.without_waiting():` opens a short write that gives up at once when another
    writer holds the lock: `Busy` is raised, for the caller to skip what can wait (a
    last-used time).

    A write that could not get the lock in time (SQLite's busy timeout) raises `Busy`, which
    the web app answers 503 with Retry-After; nothing was stored.
    """

    def __init__(self, engine: sa.Engine, *, read_only: bool = False) -> None:
        self.engine = engine
        self.read_only = read_only
        self._connection: sa.Connection | None = None
        self._read_only = False
        self._no_wait = False

    def reading(self) -> UnitOfWork:
        """This unit of work, to open as a read-only snapshot: `with uow.reading():`."""
        if self._connection is not None:
            raise RuntimeError("the unit of work is already open")
        self._read_only = True
        return self

    def without_waiting(self) -> UnitOfWork:
        """This unit of work, to open as a short write that never waits for another writer's
        lock (`Busy` at once instead): `with uow.without_waiting():`. Allowed on a read-only
        unit of work too: it is for what a read notes on the side (a last-used time)."""
        if self._connection is not None:
            raise RuntimeError("the unit of work is already open")
        self._no_wait = True
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
        no_wait, self._no_wait = self._no_wait, False
        if no_wait:
            connection = no_wait_connection(self.engine)
        elif read_only or self.read_only:
            connection = snapshot_connection(self.engine)
        else:
            connection = self.engine.connect()
        forget_writes(connection)  # what an earlier user of this connection noted
        try:
            connection.begin()
            after_begin(connection)
        except Exception as failed:
            connection.close()
            busy = as_busy(failed)
            if busy is None:
                raise
            raise busy from failed
        self._connection = connection
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
            # serialization failure, a lock not had in time): a conflict or busy.
            refused = as_conflict(failed) or as_busy(failed)
            if refused is None:
                raise
            raise refused from failed
        finally:
            connection.close()
        # What the database refused while writers met is a conflict (409), a lock it could
        # not get in time is busy (503); neither is a crash.
        refused = (as_conflict(exc) or as_busy(exc)) if exc is not None else None
        if refused is not None:
            raise refused from exc


def make_uow(settings: Settings) -> UnitOfWork:
    """A unit of work on the configured database (connects lazily, on first use)."""
    return UnitOfWork(
        make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    )
