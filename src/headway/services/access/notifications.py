"""A person's own e-mail choices: the weekly check-in digest and KPI alerts (on or off)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from headway.domain.errors import NotFound, PermissionDenied
from headway.domain.model import Person, Workspace
from headway.services.access.actors import Caller, audit
from headway.store import notifications as store
from headway.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class Notifications:
    """Which e-mail the person gets: True receives it (the default), False opted out."""

    digest: bool
    kpi_alerts: bool


def _person(caller: Caller) -> Person:
    if caller.person is None:
        raise PermissionDenied("only a person receives e-mail")
    return caller.person


def own_notifications(uow: UnitOfWork, workspace: Workspace, *, caller: Caller) -> Notifications:
    """The e-mail the caller gets."""
    person = _person(caller)
    with uow.reading():
        found = store.opt_outs_of(uow.conn, workspace.id, person.id)
    if found is None:
        raise NotFound(f"person {person.id} does not exist")
    return Notifications(digest=not found.digest, kpi_alerts=not found.kpi_alerts)


def set_own_notifications(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    digest: bool | None = None,
    kpi_alerts: bool | None = None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> Notifications:
    """Turn the caller's digest or KPI alerts on or off (None leaves one as it is)."""
    person = _person(caller)
    now = clock()
    with uow:
        conn = uow.conn
        found = store.opt_outs_of(conn, workspace.id, person.id)
        if found is None:
            raise NotFound(f"person {person.id} does not exist")
        before = Notifications(digest=not found.digest, kpi_alerts=not found.kpi_alerts)
        after = Notifications(
            digest=before.digest if digest is None else digest,
            kpi_alerts=before.kpi_alerts if kpi_alerts is None else kpi_alerts,
        )
        if after != before:
            opt_outs = store.OptOuts(digest=not after.digest, kpi_alerts=not after.kpi_alerts)
            store.set_opt_outs(conn, workspace.id, person.id, opt_outs, now)
            audit(
                conn,
                caller,
                workspace,
                "update",
                "person",
                person.id,
                now,
                before={
                    "notifications": {"digest": before.digest, "kpi_alerts": before.kpi_alerts}
                },
                after={"notifications": {"digest": after.digest, "kpi_alerts": after.kpi_alerts}},
            )
    return after
