"""Personal API tokens as their people manage them: list your own, create one, revoke one.

A token is its person's own credential, not workspace content: everyone (viewers too) may
create and revoke their own; admins may revoke any token of their workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from headway.domain import permissions
from headway.domain.errors import PermissionDenied
from headway.domain.model import Person, TokenInfo, Workspace
from headway.services.access.actors import Caller, audit, require
from headway.services.access.people import create_token
from headway.store import tokens as token_store
from headway.store.uow import UnitOfWork


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
        return token_store.tokens_page(uow.conn, workspace.id, person.id, after_id, limit)


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
        return token_store.get_token(uow.conn, workspace.id, new.id), new.token


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
        token = token_store.get_token(conn, workspace.id, token_id)
        require(
            caller,
            conn,
            workspace,
            f"revoke token {token_id}",
            lambda actor, _tree: actor.person_id == token.person_id or permissions.can_admin(actor),
            units=(),
        )
        if token.revoked_at is not None:
            return
        token_store.revoke_token(conn, token.id, now)
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
