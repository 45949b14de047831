"""Webhooks and their deliveries as the API answers them: never a webhook's secret, except in
the answer that creates it."""

from __future__ import annotations

from headway.domain.webhooks import Webhook, WebhookDelivery
from headway.schemas.answer import Answer, Timestamp


class WebhookOut(Answer):
    """A webhook: where it posts and which events; never its secret."""

    id: int
    url: str
    events: list[str]
    created_by: int | None
    created_at: Timestamp
    active: bool

    @classmethod
    def of(cls, hook: Webhook) -> WebhookOut:
        return cls.read(hook, events=[e.value for e in hook.events])


class NewWebhookOut(WebhookOut):
    """A webhook just created: the only answer that carries its secret."""

    secret: str

    @classmethod
    def created(cls, hook: Webhook, secret: str) -> NewWebhookOut:
        return cls.read(hook, events=[e.value for e in hook.events], secret=secret)


class WebhookDeliveryOut(Answer):
    """One event sent (or being sent) to a webhook: `pending`, `delivered` or `failed`."""

    id: int
    webhook_id: int
    event: str
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: Timestamp
    next_attempt_at: Timestamp | None
    delivered_at: Timestamp | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> WebhookDeliveryOut:
        return cls.read(delivery, status=delivery.status.value)
