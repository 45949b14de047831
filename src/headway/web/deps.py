"""What every API request gets: a unit of work, the caller and their workspace, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from headway.config import Settings
from headway.domain.errors import NotFound
from headway.domain.model import StatusThresholds, Workspace
from headway.domain.periods import today_in
from headway.services.access.actors import Caller
from headway.services.access.tokens import caller_for_token
from headway.services.reads.warm_reports import WarmReports
from headway.store.uow import UnitOfWork
from headway.web.errors import Unauthenticated
from headway.web.inputs import Day

bearer = HTTPBearer(auto_error=False, description="A personal token: `headway token create`.")


@dataclass(slots=True)
class Api:
    """The request's context: services take these, routes pass them on."""

    uow: UnitOfWork
    caller: Caller
    workspace: Workspace
    clock: Callable[[], datetime]
    settings: Settings
    warm: WarmReports  # the server's period reports, kept warm

    @property
    def thresholds(self) -> StatusThresholds:
        return self.settings.thresholds()

    def today(self) -> date:
        return today_in(self.workspace, self.clock)


# Requests that only read: their unit of work opens read-only snapshots, which never wait
# for a writer (nor hold one up); on PostgreSQL a write by mistake is refused.
READING_METHODS = frozenset({"GET", "HEAD"})


def new_uow(request: Request) -> UnitOfWork:
    """The request's unit of work: read-only for GET and HEAD."""
    return UnitOfWork(request.app.state.engine, read_only=request.method in READING_METHODS)


def api_context(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Api:
    """Authenticate the request (Bearer token; the web UI's session comes later)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send `Authorization: Bearer <token>`")
    uow = new_uow(request)
    clock: Callable[[], datetime] = request.app.state.clock
    try:
        caller, workspace = caller_for_token(uow, credentials.credentials, clock=clock)
    except NotFound as exc:
        raise Unauthenticated(str(exc)) from None
    return Api(
        uow=uow,
        caller=caller,
        workspace=workspace,
        clock=clock,
        settings=request.app.state.settings,
        warm=request.app.state.warm_reports,
    )


ApiContext = Annotated[Api, Depends(api_context)]

# Dates in a query are ISO strings only: `as_of=0` is refused, not read as a Unix time.
AsOfQuery = Annotated[
    Day | None,
    Query(description="Compute figures as of this date (default: today in the workspace)."),
]
