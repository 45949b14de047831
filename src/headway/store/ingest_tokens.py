"""KPI ingest tokens: only a SHA-256 of each is stored, and it never leaves this module."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from headway.domain.model import IngestTokenInfo
from headway.store import tables as t
from headway.store.mappers import aware, to_ingest_token_info
from headway.store.paging import keyset_page
from headway.store.rows import insert_row, workspace_row


class LiveIngestToken(NamedTuple):
    """An ingest token that is not revoked: which KPI it serves."""

    id: int
    workspace_id: int
    kpi_id: int
    kpi_name: str
    name: str
    last_used_at: datetime | None


def add_ingest_token(
    conn: sa.Connection,
    workspace_id: int,
    kpi_id: int,
    *,
    name: str,
    token_hash: str,
    created_by: int | None,
    now: datetime,
) -> int:
    """Store a new token of a KPI by its hash; its id."""
    return insert_row(
        conn,
        t.kpi_ingest_token,
        now,
        workspace_id=workspace_id,
        kpi_id=kpi_id,
        name=name,
        token_hash=token_hash,
        created_by=created_by,
    )


def get_ingest_token(
    conn: sa.Connection, workspace_id: int, token_id: int, *, for_update: bool = False
) -> IngestTokenInfo:
    """The workspace's ingest token with this id; NotFound otherwise."""
    row = workspace_row(
        conn, t.kpi_ingest_token, workspace_id, token_id, "ingest token", for_update=for_update
    )
    return to_ingest_token_info(row)


def ingest_tokens_page(
    conn: sa.Connection, workspace_id: int, kpi_id: int, after_id: int, limit: int
) -> list[IngestTokenInfo]:
    """Up to `limit` + 1 of a KPI's tokens (revoked ones too) with ids above `after_id`."""
    c = t.kpi_ingest_token.c
    q = sa.select(t.kpi_ingest_token).where(c.workspace_id == workspace_id, c.kpi_id == kpi_id)
    rows = keyset_page(conn, q, c.id, after_id=after_id, limit=limit)
    return [to_ingest_token_info(r) for r in rows]


def live_ingest_token(conn: sa.Connection, token_hash: str) -> LiveIngestToken | None:
    """The unrevoked ingest token with this hash, and its KPI; None when there is none."""
    c = t.kpi_ingest_token.c
    row = conn.execute(
        sa.select(
            c.id, c.workspace_id, c.kpi_id, t.kpi.c.name.label("kpi_name"), c.name, c.last_used_at
        )
        .join(t.kpi, t.kpi.c.id == c.kpi_id)
        .where(c.token_hash == token_hash, c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    last_used = None if row.last_used_at is None else aware(row.last_used_at)
    return LiveIngestToken(row.id, row.workspace_id, row.kpi_id, row.kpi_name, row.name, last_used)


def mark_ingest_token_used(
    conn: sa.Connection, token_id: int, now: datetime, *, unless_since: datetime
) -> None:
    """Note that the token was used just now, unless its stored last-used time is newer
    than `unless_since` (another process may have noted it meanwhile)."""
    c = t.kpi_ingest_token.c
    conn.execute(
        t.kpi_ingest_token.update()
        .where(c.id == token_id)
        .where(sa.or_(c.last_used_at.is_(None), c.last_used_at <= unless_since))
        .values(last_used_at=now)
    )


def revoke_ingest_token(conn: sa.Connection, token_id: int, now: datetime) -> None:
    """Revoke the token as of now: it no longer authenticates."""
    c = t.kpi_ingest_token.c
    conn.execute(t.kpi_ingest_token.update().where(c.id == token_id).values(revoked_at=now))
