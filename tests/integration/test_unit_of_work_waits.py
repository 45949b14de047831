"""The unit of work's reads and short writes against a writer holding the lock, on SQLite and
PostgreSQL: a read-only unit of work reads at once (and refuses to write on PostgreSQL), a
no-wait write gives up at once with `Busy`, and a write on SQLite that cannot get the lock
within the busy timeout raises `Busy` (answered 503), never a raw database error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from headway.config import load_settings
from headway.domain.errors import Busy
from headway.store import tables as t
from headway.store.uow import UnitOfWork, make_uow
from held_writer import HeldWriter

# The writer lets go by itself after this long at the latest: well within the busy timeout
# of the waiting kind of write below, so that a write that waited would get through.
HOLD_AT_MOST = 8.0


@pytest.fixture
def uow(migrated_url: str) -> Iterator[UnitOfWork]:
    # A long busy timeout: a write that waited would outlast the writer and get through.
    unit_of_work = make_uow(load_settings(database_url=migrated_url, sqlite_busy_timeout_ms=60_000))
    yield unit_of_work
    unit_of_work.engine.dispose()


def _failures(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(t.sign_in_failure)).scalar_one())


def test_a_read_only_unit_of_work_reads_while_a_writer_holds_the_lock(
    uow: UnitOfWork, migrated_url: str
) -> None:
    reader = UnitOfWork(uow.engine, read_only=True)
    with HeldWriter(migrated_url, HOLD_AT_MOST) as writer:
        with reader:
            seen = _failures(reader.conn)
        writer.release()
        assert not writer.gave_up
    assert seen == 0  # the writer's row is not seen: it never committed


# SQLite has no read-only transactions (GET handlers there only read).
@pytest.mark.parametrize(
    "new_database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_read_only_unit_of_work_refuses_a_write_on_postgresql(uow: UnitOfWork) -> None:
    reader = UnitOfWork(uow.engine, read_only=True)
    with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"), reader:
        reader.conn.execute(
            t.sign_in_failure.insert().values(email="a@b.c", client="x", at=datetime.now(UTC))
        )


def test_a_no_wait_write_gives_up_at_once_while_a_writer_holds_the_lock(
    uow: UnitOfWork, migrated_url: str
) -> None:
    with HeldWriter(migrated_url, HOLD_AT_MOST) as writer:
        with pytest.raises(Busy), uow.without_waiting():
            uow.conn.execute(
                t.sign_in_failure.insert().values(email="a@b.c", client="x", at=datetime.now(UTC))
            )
        writer.release()
        assert not writer.gave_up, "the no-wait write waited for the writer"
    with uow.without_waiting():  # the lock free, it writes
        uow.conn.execute(
            t.sign_in_failure.insert().values(email="a@b.c", client="x", at=datetime.now(UTC))
        )
    with uow:
        assert _failures(uow.conn) == 1


@pytest.mark.parametrize("new_database_url", ["sqlite"], indirect=True)
def test_a_write_past_sqlites_busy_timeout_is_busy(migrated_url: str) -> None:
    uow = make_uow(load_settings(database_url=migrated_url, sqlite_busy_timeout_ms=100))
    try:
        with HeldWriter(migrated_url, HOLD_AT_MOST) as writer:
            with pytest.raises(Busy, match="busy"), uow:
                uow.conn.execute(
                    t.sign_in_failure.insert().values(
                        email="a@b.c", client="x", at=datetime.now(UTC)
                    )
                )
            writer.release()
            assert not writer.gave_up
        with uow:
            assert _failures(uow.conn) == 0
    finally:
        uow.engine.dispose()
