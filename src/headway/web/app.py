"""`create_app(settings)`: the FastAPI application, wired and ready, connecting to nothing yet."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import headway
from headway.config import SUPERVISOR_PID, Settings, load_settings
from headway.services.reads.warm_reports import WarmReports
from headway.store.engine import make_engine
from headway.web.api import (
    audit,
    documents,
    ingest_tokens,
    insights,
    key_results,
    kpis,
    measurement_files,
    notifications,
    objectives,
    people,
    periods,
    tokens,
    units,
    webhooks,
)
from headway.web.errors import PROBLEM_RESPONSES, install_error_handlers
from headway.web.query import known_query_only, known_query_only_after_auth
from headway.web.request_body import BodyLimit
from headway.web.security_headers import SecuredApp, allow_inline_scripts
from headway.web.ui import install_ui

API_ROUTERS = (
    units,
    people,
    periods,
    objectives,
    key_results,
    measurement_files,
    kpis,
    insights,
    audit,
    documents,
    tokens,
    ingest_tokens,
    webhooks,
    notifications,
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _serve_docs_offline(app: FastAPI) -> None:
    """Interactive API docs at /api/docs, with Swagger UI 5 from fastapi-offline's wheel, not
    a CDN. The page is rendered once, so that its CSP allows exactly its inline script."""
    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/api/docs-assets", StaticFiles(directory=assets), name="docs")
    page = get_swagger_ui_html(
        openapi_url="/api/openapi.json",
        title="Headway API",
        swagger_js_url="/api/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/api/docs-assets/swagger-ui.css",
        swagger_favicon_url="/api/docs-assets/favicon.png",
    )
    html = bytes(page.body).decode()
    allow_inline_scripts(app, "/api/docs", html)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(html)


def create_app(settings: Settings, *, clock: Callable[[], datetime] = _utc_now) -> FastAPI:
    """The web app on the configured database (engines connect lazily, on first request)."""
    app = SecuredApp(
        title="Headway",
        version=headway.__version__,
        description="OKRs and KPIs in one place. Authenticate with `Authorization: Bearer`.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    _serve_docs_offline(app)
    app.state.settings = settings
    app.state.engine = make_engine(
        settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
    app.state.clock = clock
    app.state.warm_reports = WarmReports(capacity=settings.warm_reports)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, settings=settings)

    @app.get(
        "/healthz",
        tags=["health"],
        dependencies=[Depends(known_query_only)],
        responses={422: PROBLEM_RESPONSES[422]},
    )
    def healthz() -> dict[str, str]:
        """Liveness: answers without authentication."""
        return {"status": "ok"}

    api = APIRouter(
        prefix="/api/v1",
        responses=PROBLEM_RESPONSES,
        dependencies=[Depends(known_query_only_after_auth)],
    )
    for module in API_ROUTERS:
        api.include_router(module.router)
    app.include_router(api)
    install_ui(app)
    return app


def create_app_from_environment() -> FastAPI:
    """The web app on the settings of the HEADWAY_* variables: the factory each process of
    `headway serve --workers N` (or `uvicorn --factory headway.web.app:create_app_from_environment
    --workers N`) builds its own app with."""
    supervisor = os.environ.get(SUPERVISOR_PID)
    if supervisor is not None and supervisor.isdigit():
        _stop_when_orphaned(int(supervisor))
    return create_app(load_settings())


def _stop_when_orphaned(supervisor: int) -> None:
    """Stop this process (as SIGTERM does: gracefully) once the supervisor is gone, so that
    no process keeps serving when `headway serve` was killed outright (SIGKILL, a crash)."""

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="headway-supervisor-watch", daemon=True).start()
