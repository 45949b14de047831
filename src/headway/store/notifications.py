"""What e-mail each person declined, and the ledger of weekly digests sent or failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from headway.store import tables as t

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
    """Mark the person's digest of the week as being sent; False when it already went out.

    The row (its unique person and week) is what keeps two runs from both sending: the
    second waits for the first's transaction, then finds the week taken. A failed send of
    the week is taken over (it is retried).
    """
    values = {
        "status": SENT,
        "sent_at": now,
        "key_results": key_results,
        "error": None,
    }
    retried = conn.execute(
        t.digest_delivery.update()
        .where(
            t.digest_delivery.c.person_id == person_id,
            t.digest_delivery.c.iso_year == year,
            t.digest_delivery.c.iso_week == week,
            t.digest_delivery.c.status == FAILED,
        )
        .values(**values)
    ).rowcount
    if retried:
        return True
    inserted = conn.execute(
        sa.select(t.digest_delivery.c.id).where(
            t.digest_delivery.c.person_id == person_id,
            t.digest_delivery.c.iso_year == year,
            t.digest_delivery.c.iso_week == week,
        )
    ).first()
    if inserted is not None:
        return False
    conn.execute(
        t.digest_delivery.insert().values(
            workspace_id=workspace_id, person_id=person_id, iso_year=year, iso_week=week, **values
        )
    )
    return True


def record_failure(
    conn: sa.Connection, person_id: int, year: int, week: int, *, error: str, now: datetime
) -> None:
    """The digest of the week could not be sent: keep why, to retry on the next run."""
    conn.execute(
        t.digest_delivery.update()
        .where(
            t.digest_delivery.c.person_id == person_id,
            t.digest_delivery.c.iso_year == year,
            t.digest_delivery.c.iso_week == week,
        )
        .values(status=FAILED, error=error, sent_at=now)
    )
