"""What e-mail each person declined, and the ledger of weekly digests sent or failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from headway.store import tables as t

SENDING = "sending"  # claimed by a run, not yet known to be sent: never taken twice
SENT = "sent"
FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class OptOuts:
    """The e-mail a person declined."""

    digest: bool
    kpi_alerts: bool


def opt_outs_of(conn: sa.Connection, workspace_id: int, person_id: int) -> OptOuts | None:
    """The person's opt-outs; None when the workspace has no such person."""
    row = conn.execute(
        sa.select(t.person.c.digest_opt_out, t.person.c.alerts_opt_out).where(
            t.person.c.workspace_id == workspace_id, t.person.c.id == person_id
        )
    ).one_or_none()
    return None if row is None else OptOuts(digest=row[0], kpi_alerts=row[1])


def set_opt_outs(
    conn: sa.Connection, workspace_id: int, person_id: int, opt_outs: OptOuts, now: datetime
) -> None:
    conn.execute(
        t.person.update()
        .where(t.person.c.workspace_id == workspace_id, t.person.c.id == person_id)
        .values(digest_opt_out=opt_outs.digest, alerts_opt_out=opt_outs.kpi_alerts, updated_at=now)
    )


def digest_declined(conn: sa.Connection, workspace_id: int) -> set[int]:
    """The people of the workspace who opted out of the weekly digest."""
    return set(
        conn.execute(
            sa.select(t.person.c.id).where(
                t.person.c.workspace_id == workspace_id, t.person.c.digest_opt_out.is_(True)
            )
        ).scalars()
    )


def digests_of_week(conn: sa.Connection, workspace_id: int, year: int, week: int) -> dict[int, str]:
    """Each person's digest status (sent, failed) for an ISO week of the workspace."""
    rows = conn.execute(
        sa.select(t.digest_delivery.c.person_id, t.digest_delivery.c.status).where(
            t.digest_delivery.c.workspace_id == workspace_id,
            t.digest_delivery.c.iso_year == year,
            t.digest_delivery.c.iso_week == week,
        )
    )
    return {int(person_id): str(status) for person_id, status in rows}


def claim_digest(
    conn: sa.Connection,
    workspace_id: int,
    person_id: int,
    year: int,
    week: int,
    *,
    key_results: int,
    now: datetime,
) -> bool:
    """Take the person's digest of the week for sending; False when it is already taken.

    The row (unique per person and week) is the claim: two runs at once cannot both take it.
    A week whose send failed is taken again (it is retried); one sent, or being sent, is not.
    Commit the claim before sending, then record the outcome with `record_digest`.
    """
    d = t.digest_delivery.c
    this_week = sa.and_(d.person_id == person_id, d.iso_year == year, d.iso_week == week)
    values = {"status": SENDING, "sent_at": now, "key_results": key_results, "error": None}
    retried = conn.execute(
        t.digest_delivery.update().where(this_week, d.status == FAILED).values(**values)
    ).rowcount
    if retried:
        return True
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    added = conn.execute(
        insert(t.digest_delivery)
        .values(
            workspace_id=workspace_id, person_id=person_id, iso_year=year, iso_week=week, **values
        )
        .on_conflict_do_nothing(index_elements=["person_id", "iso_year", "iso_week"])
        .returning(d.id)
    ).first()
    return added is not None


def record_digest(
    conn: sa.Connection, person_id: int, year: int, week: int, *, error: str | None, now: datetime
) -> None:
    """The outcome of a claimed send: sent, or failed with why (to retry on the next run)."""
    d = t.digest_delivery.c
    conn.execute(
        t.digest_delivery.update()
        .where(d.person_id == person_id, d.iso_year == year, d.iso_week == week)
        .values(status=SENT if error is None else FAILED, error=error, sent_at=now)
    )
