"""/api/v1/webhooks: outgoing webhooks, for admins. A new webhook's secret is shown once, in
the answer that creates it."""

from __future__ import annotations

from fastapi import APIRouter, status

from headway.schemas.paging import Page
from headway.schemas.webhooks import NewWebhookOut, WebhookDeliveryOut, WebhookOut
from headway.services.webhooks import webhooks as service
from headway.web.deps import ApiContext
from headway.web.inputs import Body, RowId
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(tags=["webhooks"], route_class=JsonRoute)


class WebhookIn(Body):
    url: str
    events: list[str]
    secret: str | None = None


@router.get("/webhooks")
def list_webhooks(
    api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[WebhookOut]:
    """The workspace's webhooks, by id; never their secrets."""
    rows = service.list_webhooks(
        api.uow, api.workspace, caller=api.caller, after_id=decode_cursor(cursor), limit=limit
    )
    return page(rows, limit, lambda hook: hook.id, WebhookOut.of)


@router.post("/webhooks", status_code=status.HTTP_201_CREATED)
def create_webhook(body: WebhookIn, api: ApiContext) -> NewWebhookOut:
    """Add a webhook. Without `secret` one is made; either way `secret` is in this answer
    only. Every body sent carries `X-Headway-Signature: sha256=<hex HMAC-SHA256 of the body
    with the secret>`."""
    hook, secret = service.create_webhook(
        api.uow,
        api.workspace,
        url=body.url,
        events=body.events,
        secret=body.secret,
        caller=api.caller,
        clock=api.clock,
    )
    return NewWebhookOut.created(hook, secret)


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: RowId, api: ApiContext) -> None:
    """Delete a webhook and its deliveries: nothing more is sent to it."""
    service.delete_webhook(api.uow, api.workspace, webhook_id, caller=api.caller, clock=api.clock)


@router.get("/webhooks/{webhook_id}/deliveries")
def list_deliveries(
    webhook_id: RowId, api: ApiContext, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[WebhookDeliveryOut]:
    """The webhook's deliveries, oldest first: status, attempts, the last answer or error."""
    rows = service.list_deliveries(
        api.uow,
        api.workspace,
        webhook_id,
        caller=api.caller,
        after_id=decode_cursor(cursor),
        limit=limit,
    )
    return page(rows, limit, lambda d: d.id, WebhookDeliveryOut.of)
