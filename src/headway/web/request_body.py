"""Every request body is bounded while it streams in, before any route or sign-in code runs.

`BodyLimit` is a pure ASGI middleware. A body whose Content-Length is over the route's limit
is answered 413 at once, unread; a body without one (chunked) is counted as it arrives and
refused the moment it passes the limit. Which limit applies depends on the path: spreadsheets
of measurements (`max_upload_bytes`), workspace documents (`max_document_bytes`), everything
else, JSON and forms (`max_body_bytes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from headway.config import Settings, size_text
from headway.web.errors import render_error

# The routes that take a spreadsheet (API and pages) and the one that takes a document.
_UPLOAD_PATHS = re.compile(r"(?:/api/v1)?/kpis/(?:[^/]+/measurements/)?import/?")
_DOCUMENT_PATHS = re.compile(r"/api/v1/import/?")


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `size` bytes of what `what` names ("a file", "a document", "a request body")."""

    size: int
    what: str

    @property
    def message(self) -> str:
        return f"{self.what} may be at most {size_text(self.size)}"


def limit_for(path: str, settings: Settings) -> Limit:
    """The body limit of a request to `path`."""
    if _UPLOAD_PATHS.fullmatch(path):
        return Limit(settings.max_upload_bytes, "a file")
    if _DOCUMENT_PATHS.fullmatch(path):
        return Limit(settings.max_document_bytes, "a document")
    return Limit(settings.max_body_bytes, "a request body")


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes its limit: the app's error handler
    answers it like any 413 (problem+json, or an error page on a page path)."""

    def __init__(self, limit: Limit) -> None:
        super().__init__(413, limit.message)


class BodyLimit:
    """ASGI middleware: 413 for a body over its route's limit, without reading past it."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.settings)
        length = _content_length(scope)
        if length is not None and length > limit.size:
            await self._refuse(scope, receive, send, limit)
            return
        await self.app(scope, _counting(receive, limit), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: Limit) -> None:
        """Answer 413 the way the app answers any error, without calling any route."""
        response = render_error(Request(scope, receive), 413, limit.message)
        # No "Connection: close": closing a socket with unread data resets it, and the client
        # may lose this answer. The server drops the rest of the body as it arrives instead.
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) < 20 else 2**63
    return None


def _counting(receive: Receive, limit: Limit) -> Receive:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit.size:
                raise BodyTooLarge(limit)
        return message

    return counted


async def body_within(request: Request) -> bytes:
    """The request body; BodyLimit has already bounded it by its route's limit."""
    return await request.body()
