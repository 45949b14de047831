"""Who a personal API token belongs to, and keeping its last-used time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from headway.domain.errors import Busy, NotFound
from headway.domain.model import Workspace
from headway.services.access.actors import Caller
from headway.services.access.people import hash_token
from headway.store import people as people_store
from headway.store import tokens as token_store
from headway.store import workspaces as workspace_store
from headway.store.uow import UnitOfWork

# A token's last-used time is written at most this often: a request that uses it only reads.
USED_EVERY = timedelta(minutes=1)


def caller_for_token(
    uow: UnitOfWork, token: str, *, clock: Callable[[], datetime]
) -> tuple[Caller, Workspace]:
    """The active person a live token acts for, and their workspace; NotFound otherwise.

    Reads only, in a snapshot that waits for no writer. The token's last-used time is then
    written in a short transaction of its own when the stored one is a minute old or more,
    and skipped when another writer holds the lock (the next use writes it).
    """
    now = clock()
    with uow.reading():
        conn = uow.conn
        row = token_store.live_token(conn, hash_token(token))
        if row is None:
            raise NotFound("the token is unknown, revoked, or its person is no longer active")
        person = people_store.find_person_by_email(conn, row.workspace_id, row.email)
        workspace = workspace_store.get_workspace(conn, row.workspace_id)
    assert person is not None  # noqa: S101 - the join above found them
    if row.last_used_at is None or now - row.last_used_at >= USED_EVERY:
        _note_token_used(uow, row.id, now)
    return Caller(label=person.email, person=person, workspace_id=workspace.id), workspace


def _note_token_used(uow: UnitOfWork, token_id: int, now: datetime) -> None:
    try:
        with uow.without_waiting():
            token_store.mark_token_used(uow.conn, token_id, now, unless_since=now - USED_EVERY)
    except Busy:
        pass  # another writer holds the lock: the next use of the token notes it
