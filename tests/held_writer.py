"""Another connection's write transaction with an insert, held open on a thread of its own,
for the tests of what readers and writers do while a writer holds the lock (SQLite: BEGIN
IMMEDIATE and an insert; PostgreSQL: every table locked IN EXCLUSIVE MODE as well)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import sqlalchemy as sa

from headway.store import tables as t
from headway.store.engine import make_engine


class HeldWriter:
    """The write transaction, held until `release()` or, at the latest, `hold_at_most`
    seconds (then `gave_up` is True). Given a URL, it makes (and disposes of) its own engine."""

    def __init__(self, engine: sa.Engine | str, hold_at_most: float) -> None:
        self.own_engine = isinstance(engine, str)
        self.engine = make_engine(engine) if isinstance(engine, str) else engine
        self.hold_at_most = hold_at_most
        self.holding = threading.Event()
        self.released = threading.Event()
        self.gave_up = False
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        try:
            with self.engine.connect() as conn:  # make_engine's connections BEGIN IMMEDIATE
                conn.begin()
                if conn.dialect.name == "postgresql":
                    names = ", ".join(f'"{table.name}"' for table in t.metadata.sorted_tables)
                    conn.exec_driver_sql(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
                now = datetime.now(UTC)
                conn.execute(
                    t.sign_in_failure.insert().values(email="held@example.com", client="x", at=now)
                )
                self.holding.set()
                self.gave_up = not self.released.wait(self.hold_at_most)
                conn.rollback()
        except BaseException as exc:  # noqa: BLE001 - reported by __enter__
            self.failure = exc
            self.holding.set()

    def __enter__(self) -> HeldWriter:
        self.thread.start()
        assert self.holding.wait(30)
        assert self.failure is None, self.failure
        return self

    def release(self) -> None:
        self.released.set()
        self.thread.join()

    def __exit__(self, *_: object) -> None:
        self.release()
        if self.own_engine:
            self.engine.dispose()
