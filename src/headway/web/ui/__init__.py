"""The web app: server-rendered pages over the same services as the API.

Pages work without JavaScript; `static/app.js` only makes forms update their part of the
page in place. Every asset is served from the package: no CDN, no external font.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy.exc as sa_exc
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from headway.domain.errors import FieldProblem
from headway.web.errors import TITLES
from headway.web.ui import (
    account,
    alignment,
    auth,
    dashboard,
    ingest_tokens,
    kpi_forms,
    kpis,
    measurement_files,
    objective_forms,
    objectives,
    people,
    periods,
    teams,
    tokens,
    webhooks,
)
from headway.web.ui.context import (
    CsrfRefused,
    SignInRequired,
    page_context,
    sign_in_url,
    templates,
)

STATIC = Path(__file__).parent / "static"
# The forms before the pages: /objectives/new is not /objectives/{id}, nor /kpis/new /kpis/{id}.
PAGE_ROUTERS = (
    auth,
    dashboard,
    objective_forms,
    objectives,
    kpi_forms,
    measurement_files,
    kpis,
    ingest_tokens,
    alignment,
    teams,
    periods,
    people,
    tokens,
    webhooks,
    account,
)


def error_page(
    request: Request, status: int, detail: str, errors: list[FieldProblem] | None
) -> Response:
    """An error as a page, in the words the API would use, with the menu when signed in."""
    context = {"title": TITLES.get(status, "Error"), "detail": detail, "errors": errors}
    try:
        page = page_context(request)
    except (SignInRequired, sa_exc.SQLAlchemyError):
        page = None  # not signed in, or the error is the database itself
    if page is not None:
        return page.render("error.html", status_code=status, **context)
    anonymous = context | {"me": None, "path": request.url.path}
    return templates.TemplateResponse(request, "error.html", anonymous, status_code=status)


def install_ui(app: FastAPI) -> None:
    """Serve the pages, their assets, and errors on page paths as pages."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGE_ROUTERS:
        app.include_router(module.router)
    app.state.page_errors = error_page

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            back = "/"
        return RedirectResponse(sign_in_url(back), status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        return error_page(request, 403, str(exc), None)
