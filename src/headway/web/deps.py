"""What every API request gets: a unit of work, the caller and their workspace, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from headway.config import Settings
from headway.domain.errors import NotFound, PermissionDenied
from headway.domain.model import StatusThresholds, Workspace
from headway.domain.periods import today_in
from headway.services.access.actors import INGEST_ONLY, Caller
from headway.services.access.tokens import caller_for_token
from headway.services.kpis.ingest_tokens import caller_for_ingest_token, is_ingest_token
from headway.services.reads.warm_reports import WarmReports
from headway.store.uow import UnitOfWork
from headway.web.errors import Unauthenticated
from headway.web.inputs import Day

bearer = HTTPBearer(
    auto_error=False,
    description="A personal token (`headway token create`), or a KPI's ingest token "
    "(`headway kpi token`), which may only read and record that KPI's measurements.",
)

# The operations an ingest token may call (its KPI's measurements); every other one refuses
# it. Kept by the operations themselves (`@ingest_tokens_allowed`), so a new one refuses it.
_INGEST_ENDPOINTS: set[Callable[..., object]] = set()
F = TypeVar("F", bound=Callable[..., object])


def ingest_tokens_allowed(endpoint: F) -> F:
    """Mark an API operation as one an ingest token may call (the service still checks that
    the KPI is the token's own)."""
    _INGEST_ENDPOINTS.add(endpoint)
    return endpoint


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
    """Authenticate the request (Bearer token: a personal one, or a KPI's ingest token, which
    only the operations marked `ingest_tokens_allowed` accept: 403 everywhere else)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send `Authorization: Bearer <token>`")
    uow = new_uow(request)
    clock: Callable[[], datetime] = request.app.state.clock
    token = credentials.credentials
    authenticate = caller_for_ingest_token if is_ingest_token(token) else caller_for_token
    try:
        caller, workspace = authenticate(uow, token, clock=clock)
    except NotFound as exc:
        raise Unauthenticated(str(exc)) from None
    if caller.is_ingest_token and request.scope.get("endpoint") not in _INGEST_ENDPOINTS:
        raise PermissionDenied(
            f"{caller.label} may not {request.method} {request.url.path}: {INGEST_ONLY}"
        )
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
