"""Who a personal API token belongs to, and keeping its last-used time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from headway.domain.errors import NotFound
from headway.domain.model import Workspace
from headway.services.access.actors import Caller
from headway.services.access.people import hash_token
from headway.store import people as people_store
from headway.store import tokens as token_store
from headway.store import workspaces as workspace_store
from headway.store.uow import UnitOfWork


def caller_for_token(
    uow: UnitOfWork, token: str, *, clock: Callable[[], datetime]
) -> tuple[Caller, Workspace]:
    """The active person a live token acts for, and their workspace; NotFound otherwise."""
    with uow:
        conn = uow.conn
        row = token_store.live_token(conn, hash_token(token))
        if row is None:
            raise NotFound("the token is unknown, revoked, or its person is no longer active")
        person = people_store.find_person_by_email(conn, row.workspace_id, row.email)
        workspace = workspace_store.get_workspace(conn, row.workspace_id)
        token_store.mark_token_used(conn, row.id, clock())
    assert person is not None  # noqa: S101 - the join above found them
    return Caller(label=person.email, person=person, workspace_id=workspace.id), workspace
