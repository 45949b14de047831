"""The outbox: an event is written in the transaction of the write that causes it, so it is
sent exactly when that write commits, and never for one that rolls back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from headway.domain.model import Workspace
from headway.domain.webhooks import WebhookEvent, event_body
from headway.store import webhooks as webhook_store
from headway.store.uow import Connection


def emit(
    conn: Connection,
    workspace: Workspace,
    event: WebhookEvent,
    *,
    data: dict[str, Any],
    text: str,
    now: datetime,
) -> int:
    """Queue `event` for every webhook of the workspace subscribed to it, in the open
    transaction; how many deliveries were queued. Call it inside the causing write."""
    if not webhook_store.has_subscribers(conn, workspace.id):
        return 0
    body = event_body(event, workspace.name, now, data, text)
    return webhook_store.enqueue(conn, workspace.id, event, body, now)
