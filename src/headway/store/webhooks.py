"""Webhooks and their outbox. A webhook's secret leaves this module only to sign a body."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

from headway.domain.webhooks import Webhook, WebhookDelivery, WebhookEvent
from headway.store import tables as t
from headway.store.mappers import aware
from headway.store.paging import keyset_page
from headway.store.rows import insert_row, workspace_row


class DueDelivery(NamedTuple):
    """A delivery due now, with what sending it needs."""

    id: int
    url: str
    secret: str
    body: str
    attempts: int


def _webhook(r: Any) -> Webhook:
    return Webhook(
        id=r.id,
        url=r.url,
        events=tuple(WebhookEvent(e) for e in json.loads(r.events)),
        created_by=r.created_by,
        created_at=aware(r.created_at),
        active=bool(r.active),
    )


def _delivery(r: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=r.id,
        webhook_id=r.webhook_id,
        event=r.event,
        created_at=aware(r.created_at),
        attempts=r.attempts,
        next_attempt_at=None if r.next_attempt_at is None else aware(r.next_attempt_at),
        last_status=r.last_status,
        last_error=r.last_error,
        delivered_at=None if r.delivered_at is None else aware(r.delivered_at),
    )


def add_webhook(
    conn: sa.Connection,
    workspace_id: int,
    *,
    url: str,
    events: list[str],
    secret: str,
    created_by: int | None,
    now: datetime,
) -> int:
    """Store a new, active webhook; its id."""
    return insert_row(
        conn,
        t.webhook,
        now,
        workspace_id=workspace_id,
        url=url,
        events=json.dumps(events),
        secret=secret,
        created_by=created_by,
        active=True,
    )


def get_webhook(
    conn: sa.Connection, workspace_id: int, webhook_id: int, *, for_update: bool = False
) -> Webhook:
    """The workspace's webhook with this id; NotFound otherwise."""
    row = workspace_row(conn, t.webhook, workspace_id, webhook_id, "webhook", for_update=for_update)
    return _webhook(row)


def webhooks_page(
    conn: sa.Connection, workspace_id: int, after_id: int, limit: int | None
) -> list[Webhook]:
    """Up to `limit` + 1 of the workspace's webhooks with ids above `after_id`."""
    q = sa.select(t.webhook).where(t.webhook.c.workspace_id == workspace_id)
    return [
        _webhook(r) for r in keyset_page(conn, q, t.webhook.c.id, after_id=after_id, limit=limit)
    ]


def delete_webhook(conn: sa.Connection, webhook_id: int) -> None:
    """Delete a webhook and (by cascade) its deliveries."""
    conn.execute(t.webhook.delete().where(t.webhook.c.id == webhook_id))


def deliveries_page(
    conn: sa.Connection, webhook_id: int, after_id: int, limit: int
) -> list[WebhookDelivery]:
    """Up to `limit` + 1 of a webhook's deliveries with ids above `after_id`."""
    c = t.webhook_delivery.c
    q = sa.select(t.webhook_delivery).where(c.webhook_id == webhook_id)
    return [_delivery(r) for r in keyset_page(conn, q, c.id, after_id=after_id, limit=limit)]


def recent_deliveries(conn: sa.Connection, webhook_id: int, limit: int) -> list[WebhookDelivery]:
    """A webhook's latest `limit` deliveries, newest first."""
    c = t.webhook_delivery.c
    q = sa.select(t.webhook_delivery).where(c.webhook_id == webhook_id)
    return [_delivery(r) for r in conn.execute(q.order_by(c.id.desc()).limit(limit))]


def enqueue(
    conn: sa.Connection, workspace_id: int, event: WebhookEvent, body: str, now: datetime
) -> int:
    """Write a delivery of `body` for each active webhook of the workspace subscribed to
    `event`, due now, in the open transaction; how many."""
    c = t.webhook.c
    rows = conn.execute(
        sa.select(c.id, c.events).where(c.workspace_id == workspace_id, c.active.is_(True))
    ).all()
    targets = [r.id for r in rows if event.value in json.loads(r.events)]
    if targets:
        conn.execute(
            t.webhook_delivery.insert(),
            [
                {
                    "webhook_id": webhook_id,
                    "event": event.value,
                    "body": body,
                    "created_at": now,
                    "attempts": 0,
                    "next_attempt_at": now,
                }
                for webhook_id in targets
            ],
        )
    return len(targets)


def has_subscribers(conn: sa.Connection, workspace_id: int) -> bool:
    """Whether the workspace has any active webhook (so events are worth composing)."""
    c = t.webhook.c
    q = sa.select(c.id).where(c.workspace_id == workspace_id, c.active.is_(True)).limit(1)
    return conn.execute(q).first() is not None


def due_deliveries(conn: sa.Connection, now: datetime) -> list[DueDelivery]:
    """Every delivery whose next attempt is due at `now`, oldest first."""
    d, w = t.webhook_delivery.c, t.webhook.c
    q = (
        sa.select(d.id, w.url, w.secret, d.body, d.attempts)
        .join(t.webhook, w.id == d.webhook_id)
        .where(d.next_attempt_at.is_not(None), d.next_attempt_at <= now, w.active.is_(True))
        .order_by(d.id)
    )
    return [DueDelivery(r.id, r.url, r.secret, r.body, r.attempts) for r in conn.execute(q)]


def record_attempt(
    conn: sa.Connection,
    delivery_id: int,
    *,
    attempts: int,
    status: int | None,
    error: str | None,
    delivered_at: datetime | None,
    next_attempt_at: datetime | None,
) -> None:
    """Note how an attempt went, and when the next one is due (None: no more)."""
    conn.execute(
        t.webhook_delivery.update()
        .where(t.webhook_delivery.c.id == delivery_id)
        .values(
            attempts=attempts,
            last_status=status,
            last_error=error,
            delivered_at=delivered_at,
            next_attempt_at=next_attempt_at,
        )
    )
