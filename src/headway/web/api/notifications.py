"""/api/v1/me/notifications: the e-mail the caller gets (weekly digest, KPI alerts)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import StrictBool

from headway.schemas.people import NotificationsOut
from headway.services.access import notifications as service
from headway.web.deps import ApiContext
from headway.web.inputs import Body
from headway.web.json_request import JsonRoute

router = APIRouter(prefix="/me", tags=["people"], route_class=JsonRoute)


class NotificationsPatch(Body):
    digest: StrictBool | None = None
    kpi_alerts: StrictBool | None = None


@router.get("/notifications")
def get_notifications(api: ApiContext) -> NotificationsOut:
    """Whether the caller gets the weekly check-in digest and KPI alerts by e-mail."""
    return NotificationsOut.of(service.own_notifications(api.uow, api.workspace, caller=api.caller))


@router.patch("/notifications")
def update_notifications(body: NotificationsPatch, api: ApiContext) -> NotificationsOut:
    """Turn the caller's digest or KPI alerts on (true) or off (false); a field left out
    stays as it is."""
    changed = service.set_own_notifications(
        api.uow,
        api.workspace,
        digest=body.digest,
        kpi_alerts=body.kpi_alerts,
        caller=api.caller,
        clock=api.clock,
    )
    return NotificationsOut.of(changed)
