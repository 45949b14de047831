"""Personal API tokens as their people manage them: list your own, create one, revoke one.

A token is its person's own credential, not workspace content: everyone (viewers too) may
create and revoke their own; admins may revoke any token of their workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from headway.domain import permissions
from headway.domain.errors import NotFound, PermissionDenied
from headway.domain.model import Person, Workspace
from headway.services.actors import Caller, audit, require
from headway.services.people import create_token
from headway.store import mappers
from headway.store import tables as t
from headway.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What may be shown of a token: never the token itself nor its hash."""

    id: int
    person_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _utc(value: datetime | None) -> datetime | None:
    # PostgreSQL answers in the session's time zone, SQLite with none: serve UTC always.
    return mappers.aware(value).astimezone(UTC) if value is not None else None


def _info(row: Any) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        person_id=row.person_id,
        name=row.name,
        created_at=mappers.aware(row.created_at).astimezone(UTC),
        last_used_at=_utc(row.last_used_at),
        revoked_at=_utc(row.revoked_at),
    )


_COLUMNS = (
    t.api_token.c.id,
    t.api_token.c.person_id,
    t.api_token.c.name,
    t.api_token.c.created_at,
    t.api_token.c.last_used_at,
    t.api_token.c.revoked_at,
)


def _person(caller: Caller) -> Person:
    if caller.person is None:
        raise PermissionDenied("only a person has personal tokens")
    return caller.person


def list_own_tokens(
    uow: UnitOfWork, workspace: Workspace, *, caller: Caller, after_id: int, limit: int
) -> list[TokenInfo]:
    """Up to `limit` + 1 of the caller's tokens (revoked ones too) with ids above `after_id`."""
    person = _person(caller)
    with uow.reading():
        rows = uow.conn.execute(
            sa.select(*_COLUMNS)
            .where(
                t.api_token.c.workspace_id == workspace.id,
                t.api_token.c.person_id == person.id,
                t.api_token.c.id > after_id,
            )
            .order_by(t.api_token.c.id)
            .limit(limit + 1)
        )
        return [_info(r) for r in rows]


def _token(conn: sa.Connection, workspace: Workspace, token_id: int) -> TokenInfo:
    row = conn.execute(
        sa.select(*_COLUMNS).where(
            t.api_token.c.id == token_id, t.api_token.c.workspace_id == workspace.id
        )
    ).first()
    if row is None:
        raise NotFound(f"token {token_id} does not exist")
    return _info(row)


def create_own_token(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    name: str,
    caller: Caller,
    clock: Callable[[], datetime],
) -> tuple[TokenInfo, str]:
    """A new token for the caller: its details, and the token itself (shown this once)."""
    person = _person(caller)
    new = create_token(uow, workspace, email=person.email, name=name, caller=caller, clock=clock)
    with uow:
        return _token(uow.conn, workspace, new.id), new.token


def revoke_token(
    uow: UnitOfWork,
    workspace: Workspace,
    token_id: int,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> None:
    """Revoke a token: one's own, or any of the workspace for admins. Revoking twice is a no-op."""
    now = clock()
    with uow:
        conn = uow.conn
        token = _token(conn, workspace, token_id)
        require(
            caller,
            conn,
            workspace,
            f"revoke token {token_id}",
            lambda actor, _tree: actor.person_id == token.person_id or permissions.can_admin(actor),
        )
        if token.revoked_at is not None:
            return
        conn.execute(
            t.api_token.update().where(t.api_token.c.id == token.id).values(revoked_at=now)
        )
        audit(
            conn,
            caller,
            workspace,
            "revoke",
            "api_token",
            token.id,
            now,
            before={"person_id": token.person_id, "name": token.name, "revoked_at": None},
            after={"person_id": token.person_id, "name": token.name, "revoked_at": now},
        )
