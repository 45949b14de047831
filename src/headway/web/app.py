"""`create_app(settings)`: the FastAPI application, wired and ready, connecting to nothing yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI

import headway
from headway.config import Settings
from headway.store.engine import make_engine
from headway.web.api import (
    audit,
    documents,
    insights,
    key_results,
    kpis,
    objectives,
    people,
    periods,
    tokens,
    units,
)
from headway.web.errors import install_error_handlers

API_ROUTERS = (
    units,
    people,
    periods,
    objectives,
    key_results,
    kpis,
    insights,
    audit,
    documents,
    tokens,
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings, *, clock: Callable[[], datetime] = _utc_now) -> FastAPI:
    """The web app on the configured database (engines connect lazily, on first request)."""
    app = FastAPI(
        title="Headway",
        version=headway.__version__,
        description="OKRs and KPIs in one place. Authenticate with `Authorization: Bearer`.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.clock = clock
    install_error_handlers(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: answers without authentication."""
        return {"status": "ok"}

    api = APIRouter(prefix="/api/v1")
    for module in API_ROUTERS:
        api.include_router(module.router)
    app.include_router(api)
    return app
