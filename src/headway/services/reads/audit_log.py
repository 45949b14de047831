"""Reading the audit log (admins): who did what to which row, newest first."""

from __future__ import annotations

from headway.domain.model import AuditEvent, AuditFilter, Workspace
from headway.services.access.actors import Caller, admins_only, require
from headway.store import audit as audit_store
from headway.store.uow import UnitOfWork


def list_audit_events(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    caller: Caller,
    before_id: int | None,
    limit: int,
    only: AuditFilter,
) -> list[AuditEvent]:
    """Up to `limit` + 1 events of the workspace with ids below `before_id`, newest first,
    of the subject and actor `only` names.

    Events are appended in time order, so the id orders them; paging by it stays stable
    while new events arrive (they sort before the first page).
    """
    with uow.reading():
        conn = uow.conn
        require(caller, conn, workspace, "read the audit log", admins_only)
        return audit_store.audit_events_before(
            conn, workspace.id, before_id=before_id, limit=limit, only=only
        )
