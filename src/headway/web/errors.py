"""Every error the web layer answers, as application/problem+json, mapped in one place."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy.exc as sa_exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from headway.domain.errors import (
    Busy,
    Conflict,
    DomainError,
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from headway.schemas.problems import FieldProblemOut, Problem
from headway.services.documents.document import path_of

log = logging.getLogger("headway.web")

PROBLEM = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    411: "Length required",
    413: "Request too large",
    422: "Invalid input",
    500: "Internal error",
    503: "Service unavailable",
}
_PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
# What any API operation may answer besides its own success (README, errors); declared
# on the API's router, it replaces FastAPI's own 422 shape, which this API never answers.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": TITLES[status], "content": {PROBLEM: {"schema": _PROBLEM_SCHEMA}}}
    for status in (401, 403, 404, 409, 422, 503)
}
# Any request that sends a body may be refused for its size (web/request_body.py).
BODY_METHODS = ("post", "put", "patch")


class Unauthenticated(DomainError):
    """No valid credentials came with the request."""


# Renders an error as a web page: (request, status, detail, errors) -> response. The web UI
# installs one; without it, or for API paths, every error is problem+json.
PageErrorRenderer = Callable[[Request, int, str, list[FieldProblem] | None], Response]

API_PATHS = ("/api/", "/healthz")


def _answer(
    request: Request,
    status: int,
    detail: str,
    *,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """problem+json for the API; an error page for a person's browser on a page path."""
    renderer: PageErrorRenderer | None = getattr(request.app.state, "page_errors", None)
    if renderer is not None and not request.url.path.startswith(API_PATHS):
        page = renderer(request, status, detail, errors)
        page.headers.update(headers or {})
        return page
    return problem(status, detail, errors=errors, headers=headers)


def render_error(
    request: Request, status: int, detail: str, *, errors: list[FieldProblem] | None = None
) -> Response:
    """An error answered as the app answers it: problem+json, or a page on a page path."""
    return _answer(request, status, detail, errors=errors)


def problem(
    status: int,
    detail: str,
    *,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response (RFC 9457) with Headway's `errors` list on 422."""
    body = Problem(
        type="about:blank",
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        errors=None if errors is None else [FieldProblemOut.of(e) for e in errors],
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=PROBLEM, headers=headers
    )


def _request_problems(exc: RequestValidationError) -> list[FieldProblem]:
    problems = []
    for error in exc.errors():
        loc = [p for p in error.get("loc", ()) if p != "body"]
        # The location's first part says where the value came from (query, path, header).
        if loc and loc[0] in ("query", "path", "header", "cookie"):
            loc = loc[1:]
        kind = error.get("type", "")
        if kind == "json_invalid":
            message = "is not valid JSON"
        elif kind == "extra_forbidden":
            message = "is not a known field"
        elif kind == "missing":
            message = "is required"
        elif kind == "finite_number":
            message = "must be a finite number"
        else:
            message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
        problems.append(FieldProblem(path_of(tuple(loc)) or "body", message))
    return problems


def _describe_problems(app: FastAPI) -> None:
    """Put the Problem model in the OpenAPI document that PROBLEM_RESPONSES refer to, and the
    413 a body over its limit gets on every API operation that takes one.

    FastAPI files a response model only under the route's own media type (application/json);
    errors are application/problem+json, so the schema is added here instead.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        spec = build()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" not in schemas:
            problem_schema = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}", mode="serialization"
            )
            schemas.update(problem_schema.pop("$defs", {}))
            schemas["Problem"] = problem_schema
        too_large = {
            "description": TITLES[413],
            "content": {PROBLEM: {"schema": _PROBLEM_SCHEMA}},
        }
        for path, operations in spec.get("paths", {}).items():
            if not path.startswith(API_PATHS):
                continue
            for method in BODY_METHODS:
                if method in operations:
                    operations[method].setdefault("responses", {}).setdefault("413", too_large)
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, request validation and HTTP errors to problem+json."""
    _describe_problems(app)

    @app.exception_handler(ValidationFailed)
    async def _invalid(request: Request, exc: ValidationFailed) -> Response:
        return _answer(request, 422, str(exc), errors=exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = _request_problems(exc)
        return _answer(request, 422, "; ".join(str(p) for p in problems), errors=problems)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return _answer(request, 404, str(exc))

    @app.exception_handler(PermissionDenied)
    async def _forbidden(request: Request, exc: PermissionDenied) -> Response:
        return _answer(request, 403, str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        errors = None if exc.field is None else [FieldProblem(exc.field, str(exc))]
        return _answer(request, 409, str(exc), errors=errors)

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy) -> Response:
        # SQLite's write lock was held past the busy timeout: nothing was stored, try again.
        headers = {"Retry-After": str(exc.retry_after)}
        return _answer(request, 503, str(exc), headers=headers)

    @app.exception_handler(Unauthenticated)
    async def _unauthenticated(_: Request, exc: Unauthenticated) -> JSONResponse:
        return problem(401, str(exc), headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # Its headers too: a 405 names the methods the path allows (Allow, RFC 9110).
        headers = dict(exc.headers) if exc.headers else None
        return _answer(request, exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(OverflowError)
    @app.exception_handler(sa_exc.DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # Inputs are bounded where they are parsed; this is the net under a bound forgotten.
        log.warning("a value out of the database's range reached it: %s", exc)
        problem_ = FieldProblem("body", "a value is out of range (too large or too long)")
        return _answer(request, 422, problem_.message, errors=[problem_])

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return _answer(request, 500, "an unexpected error happened; it has been logged")
