"""Personal API tokens: only a SHA-256 of each is stored, and it never leaves this module."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from headway.domain.model import TokenInfo
from headway.store import tables as t
from headway.store.mappers import aware, to_token_info
from headway.store.paging import keyset_page
from headway.store.rows import insert_row, workspace_row


class LiveToken(NamedTuple):
    """A token that is not revoked, of an active person: whose it is."""

    id: int
    workspace_id: int
    email: str
    last_used_at: datetime | None


def add_token(
    conn: sa.Connection,
    workspace_id: int,
    person_id: int,
    name: str,
    token_hash: str,
    now: datetime,
) -> int:
    """Store a new token of a person by its hash; its id."""
    return insert_row(
        conn,
        t.api_token,
        now,
        workspace_id=workspace_id,
        person_id=person_id,
        name=name,
        token_hash=token_hash,
    )


def get_token(conn: sa.Connection, workspace_id: int, token_id: int) -> TokenInfo:
    """The workspace's token with this id; NotFound otherwise."""
    return to_token_info(workspace_row(conn, t.api_token, workspace_id, token_id, "token"))


def tokens_page(
    conn: sa.Connection, workspace_id: int, person_id: int, after_id: int, limit: int
) -> list[TokenInfo]:
    """Up to `limit` + 1 of a person's tokens (revoked ones too) with ids above `after_id`."""
    q = sa.select(t.api_token).where(
        t.api_token.c.workspace_id == workspace_id, t.api_token.c.person_id == person_id
    )
    rows = keyset_page(conn, q, t.api_token.c.id, after_id=after_id, limit=limit)
    return [to_token_info(r) for r in rows]


def live_token(conn: sa.Connection, token_hash: str) -> LiveToken | None:
    """The unrevoked token with this hash whose person is active; None when there is none."""
    row = conn.execute(
        sa.select(
            t.api_token.c.id,
            t.api_token.c.workspace_id,
            t.person.c.email,
            t.api_token.c.last_used_at,
        )
        .join(t.person, t.person.c.id == t.api_token.c.person_id)
        .where(
            t.api_token.c.token_hash == token_hash,
            t.api_token.c.revoked_at.is_(None),
            t.person.c.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    last_used = None if row.last_used_at is None else aware(row.last_used_at)
    return LiveToken(row.id, row.workspace_id, row.email, last_used)


def mark_token_used(
    conn: sa.Connection, token_id: int, now: datetime, *, unless_since: datetime | None = None
) -> None:
    """Note that the token was used just now; with `unless_since`, only when its stored
    last-used time is older than that (another process may have noted it meanwhile)."""
    c = t.api_token.c
    q = t.api_token.update().where(c.id == token_id)
    if unless_since is not None:
        q = q.where(sa.or_(c.last_used_at.is_(None), c.last_used_at <= unless_since))
    conn.execute(q.values(last_used_at=now))


def revoke_token(conn: sa.Connection, token_id: int, now: datetime) -> None:
    """Revoke the token as of now: it no longer acts for its person."""
    conn.execute(t.api_token.update().where(t.api_token.c.id == token_id).values(revoked_at=now))


def delete_tokens_of(conn: sa.Connection, person_ids: Sequence[int]) -> None:
    """Remove every token of these people."""
    conn.execute(t.api_token.delete().where(t.api_token.c.person_id.in_(person_ids)))
