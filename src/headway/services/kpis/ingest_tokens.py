"""Per-KPI ingest tokens: made, listed and revoked by those who may write the KPI, and the
restricted caller one authenticates as.

A token belongs to its KPI, not to the person who made it: it keeps working when they lose
their rights or leave, until someone who may write the KPI revokes it, or the KPI is deleted.
It may read and record that KPI's measurements and nothing else (`Caller.ingest_kpi_id`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from headway.domain import validation
from headway.domain.errors import Busy, NotFound, ValidationFailed
from headway.domain.model import IngestTokenInfo, Workspace
from headway.domain.validation.limits import EMAIL_WIDTH
from headway.services.access.actors import Caller, audit
from headway.services.access.people import hash_token
from headway.services.kpis.kpis import writable_kpi
from headway.store import ingest_tokens as token_store
from headway.store import workspaces as workspace_store
from headway.store.uow import UnitOfWork

# Distinct from a personal token's "hw_": the prefix says which table holds the token.
INGEST_TOKEN_PREFIX = "hwi_"  # noqa: S105 - a visible prefix, not a secret
DEFAULT_NAME = "ingest token"
# A token's last-used time is written at most this often: a request that uses it only reads.
USED_EVERY = timedelta(minutes=1)


def is_ingest_token(token: str) -> bool:
    """Whether a presented token is an ingest token (by its prefix)."""
    return token.startswith(INGEST_TOKEN_PREFIX)


def create_ingest_token(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    name: str | None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> tuple[IngestTokenInfo, str]:
    """A new ingest token of the KPI: its details, and the token itself (shown this once)."""
    name = DEFAULT_NAME if name is None else name
    problems = validation.validate_title("name", name)
    now = clock()
    with uow:
        conn = uow.conn
        kpi = writable_kpi(
            conn, workspace, kpi_id, caller, verb="make an ingest token of", for_update=False
        )
        if problems:
            raise ValidationFailed(problems)
        token = INGEST_TOKEN_PREFIX + secrets.token_urlsafe(32)
        values = {"kpi_id": kpi.id, "name": name.strip(), "created_by": caller.person_id}
        token_id = token_store.add_ingest_token(
            conn,
            workspace.id,
            kpi.id,
            name=name.strip(),
            token_hash=hash_token(token),
            created_by=caller.person_id,
            now=now,
        )
        audit(conn, caller, workspace, "create", "kpi_ingest_token", token_id, now, after=values)
        return token_store.get_ingest_token(conn, workspace.id, token_id), token


def list_ingest_tokens(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    caller: Caller,
    after_id: int,
    limit: int,
) -> list[IngestTokenInfo]:
    """Up to `limit` + 1 of the KPI's tokens (revoked ones too) with ids above `after_id`."""
    with uow.reading():
        conn = uow.conn
        kpi = writable_kpi(
            conn, workspace, kpi_id, caller, verb="list the ingest tokens of", for_update=False
        )
        return token_store.ingest_tokens_page(conn, workspace.id, kpi.id, after_id, limit)


def revoke_ingest_token(
    uow: UnitOfWork,
    workspace: Workspace,
    token_id: int,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> IngestTokenInfo:
    """Revoke a KPI's ingest token (it answers 401 afterwards); revoking twice is a no-op."""
    now = clock()
    with uow:
        conn = uow.conn
        token = token_store.get_ingest_token(conn, workspace.id, token_id, for_update=True)
        writable_kpi(
            conn,
            workspace,
            token.kpi_id,
            caller,
            verb=f"revoke ingest token {token_id} of",
            for_update=False,
        )
        if token.revoked_at is not None:
            return token
        token_store.revoke_ingest_token(conn, token.id, now)
        before = {"kpi_id": token.kpi_id, "name": token.name, "revoked_at": None}
        audit(
            conn,
            caller,
            workspace,
            "revoke",
            "kpi_ingest_token",
            token.id,
            now,
            before=before,
            after={**before, "revoked_at": now},
        )
        return token_store.get_ingest_token(conn, workspace.id, token.id)


def caller_for_ingest_token(
    uow: UnitOfWork, token: str, *, clock: Callable[[], datetime]
) -> tuple[Caller, Workspace]:
    """The restricted caller a live ingest token acts as, and its workspace; NotFound otherwise.

    Reads only; the last-used time is written as `caller_for_token` writes a personal one's.
    """
    now = clock()
    with uow.reading():
        conn = uow.conn
        row = token_store.live_ingest_token(conn, hash_token(token))
        if row is None:
            raise NotFound("the ingest token is unknown, revoked, or its KPI was deleted")
        workspace = workspace_store.get_workspace(conn, row.workspace_id)
    if row.last_used_at is None or now - row.last_used_at >= USED_EVERY:
        try:
            with uow.without_waiting():
                token_store.mark_ingest_token_used(
                    uow.conn, row.id, now, unless_since=now - USED_EVERY
                )
        except Busy:
            pass  # another writer holds the lock: the next use of the token notes it
    label = f"ingest token {row.name!r} of KPI {row.kpi_name!r}"[:EMAIL_WIDTH]
    caller = Caller(label=label, workspace_id=workspace.id, ingest_kpi_id=row.kpi_id)
    return caller, workspace
