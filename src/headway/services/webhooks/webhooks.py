"""Webhooks, made, listed and deleted by admins. A new webhook's secret is in the answer that
creates it, and nowhere afterwards (it is kept only to sign what is sent)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime

from headway.domain.errors import ValidationFailed
from headway.domain.model import Workspace
from headway.domain.webhooks import Webhook, WebhookDelivery, validate_webhook
from headway.services.access.actors import Caller, admins_only, audit, require
from headway.store import webhooks as webhook_store
from headway.store.uow import UnitOfWork

SECRET_PREFIX = "whsec_"  # noqa: S105 - a visible prefix, not a secret


def create_webhook(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    url: str,
    events: Sequence[str],
    secret: str | None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> tuple[Webhook, str]:
    """A new webhook, and its secret (the one given, or a new one): shown this once."""
    url = url.strip()
    problems = validate_webhook(url, list(events), secret)
    now = clock()
    with uow:
        conn = uow.conn
        require(caller, conn, workspace, "manage webhooks", admins_only)
        if problems:
            raise ValidationFailed(problems)
        secret = SECRET_PREFIX + secrets.token_urlsafe(32) if secret is None else secret
        values = {"url": url, "events": list(events), "created_by": caller.person_id}
        webhook_id = webhook_store.add_webhook(
            conn,
            workspace.id,
            url=url,
            events=list(events),
            secret=secret,
            created_by=caller.person_id,
            now=now,
        )
        audit(conn, caller, workspace, "create", "webhook", webhook_id, now, after=values)
        return webhook_store.get_webhook(conn, workspace.id, webhook_id), secret


def list_webhooks(
    uow: UnitOfWork, workspace: Workspace, *, caller: Caller, after_id: int, limit: int | None
) -> list[Webhook]:
    """Up to `limit` + 1 of the workspace's webhooks with ids above `after_id`."""
    with uow.reading():
        conn = uow.conn
        require(caller, conn, workspace, "list webhooks", admins_only)
        return webhook_store.webhooks_page(conn, workspace.id, after_id, limit)


def delete_webhook(
    uow: UnitOfWork,
    workspace: Workspace,
    webhook_id: int,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> None:
    """Delete a webhook and its deliveries: nothing more is sent to it."""
    now = clock()
    with uow:
        conn = uow.conn
        require(caller, conn, workspace, "manage webhooks", admins_only)
        hook = webhook_store.get_webhook(conn, workspace.id, webhook_id, for_update=True)
        webhook_store.delete_webhook(conn, hook.id)
        before = {"url": hook.url, "events": [e.value for e in hook.events]}
        audit(conn, caller, workspace, "delete", "webhook", hook.id, now, before=before)


def list_deliveries(
    uow: UnitOfWork,
    workspace: Workspace,
    webhook_id: int,
    *,
    caller: Caller,
    after_id: int,
    limit: int,
) -> list[WebhookDelivery]:
    """Up to `limit` + 1 of the webhook's deliveries with ids above `after_id`."""
    with uow.reading():
        conn = uow.conn
        require(caller, conn, workspace, "list webhook deliveries", admins_only)
        hook = webhook_store.get_webhook(conn, workspace.id, webhook_id)
        return webhook_store.deliveries_page(conn, hook.id, after_id, limit)


def webhooks_with_recent_deliveries(
    uow: UnitOfWork, workspace: Workspace, *, caller: Caller, recent: int = 10
) -> list[tuple[Webhook, list[WebhookDelivery]]]:
    """Every webhook of the workspace, each with its latest deliveries (for the admin page)."""
    with uow.reading():
        conn = uow.conn
        require(caller, conn, workspace, "list webhooks", admins_only)
        hooks = webhook_store.webhooks_page(conn, workspace.id, 0, None)
        return [(h, webhook_store.recent_deliveries(conn, h.id, recent)) for h in hooks]
