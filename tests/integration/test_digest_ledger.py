"""The digest ledger on SQLite and PostgreSQL: a person's week is taken once, a failed send is
taken again, one being sent or sent is not."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from headway.store import notifications as ledger
from headway.store import tables as t
from headway.store.engine import make_engine

NOW = datetime(2026, 11, 16, 8, tzinfo=UTC)


def _person(conn: sa.Connection) -> tuple[int, int]:
    workspace = conn.execute(
        t.workspace.insert().values(
            name="Ledger Co",
            fiscal_year_start_month=1,
            timezone="UTC",
            created_at=NOW,
            updated_at=NOW,
        )
    ).inserted_primary_key
    assert workspace is not None
    person = conn.execute(
        t.person.insert().values(
            workspace_id=workspace[0],
            name="Ana",
            email="ana@example.com",
            role="member",
            active=True,
            created_at=NOW,
            updated_at=NOW,
        )
    ).inserted_primary_key
    assert person is not None
    return int(workspace[0]), int(person[0])


def test_a_week_is_taken_once_and_a_failed_one_again(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        with engine.begin() as conn:
            ws, ana = _person(conn)
            assert ledger.opt_outs_of(conn, ws, ana) == ledger.OptOuts(
                digest=False, kpi_alerts=False
            )

            def claim(week: int) -> bool:
                return ledger.claim_digest(conn, ws, ana, 2026, week, key_results=2, now=NOW)

            assert claim(47) is True
            assert claim(47) is False  # being sent
            assert ledger.digests_of_week(conn, ws, 2026, 47) == {ana: ledger.SENDING}
            ledger.record_digest(conn, ana, 2026, 47, error="connection refused", now=NOW)
            assert ledger.digests_of_week(conn, ws, 2026, 47) == {ana: ledger.FAILED}
            assert claim(47) is True  # retried
            ledger.record_digest(conn, ana, 2026, 47, error=None, now=NOW)
            assert claim(47) is False  # sent
            assert claim(48) is True  # next week is another digest
            rows = conn.execute(
                sa.select(
                    t.digest_delivery.c.iso_week,
                    t.digest_delivery.c.status,
                    t.digest_delivery.c.error,
                ).order_by(t.digest_delivery.c.iso_week)
            ).all()
            assert [tuple(r) for r in rows] == [(47, "sent", None), (48, "sending", None)]
    finally:
        engine.dispose()
