"""The security headers of every answer, set in this one place.

Pages, the API, `/api/docs`, `/api/openapi.json`, static files and every error (404, 405, 422
and the 500 of an unexpected exception) leave through `SecurityHeaders`, which wraps the whole
application, outside Starlette's own error middleware:

- a Content-Security-Policy: pages load only this server's scripts and styles; JSON answers
  may load nothing; `/api/docs` may run only its own inline script, allowed by its SHA-256
  (computed from the HTML served), never by 'unsafe-inline';
- framing refused twice (`X-Frame-Options: DENY` and `frame-ancestors 'none'`), no MIME
  sniffing, the referrer kept on this site, no cross-origin window or resource sharing, the
  browser features Headway never uses turned off, and HSTS when Headway is served over HTTPS
  (`HEADWAY_SECURE_COOKIES`);
- `Cache-Control: no-store` on pages (they show a workspace's data to one person).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from headway.web.errors import API_PATHS  # answered as JSON (problem+json when refused)

STATIC_PATHS = ("/static/", "/api/docs-assets/")


def _policy(*directives: str) -> str:
    return "; ".join(directives)


_NEVER = ("frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'")

# Pages load only what this server serves. Charts are SVG images (data: URLs); the bars'
# widths are style attributes, hence 'unsafe-inline' for styles and never for scripts.
PAGE_POLICY = _policy(
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    *_NEVER,
)
# JSON is never a document that runs or loads anything.
API_POLICY = _policy("default-src 'none'", "form-action 'none'", *_NEVER)

COMMON_HEADERS: Mapping[str, str] = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
HSTS = "max-age=31536000"

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)


def inline_script_hashes(html: str) -> list[str]:
    """The CSP source of each inline script of a page: `'sha256-…'` of its exact text."""
    hashes = []
    for script in _INLINE_SCRIPT.findall(html):
        digest = hashlib.sha256(script.encode()).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return hashes


def docs_policy(html: str) -> str:
    """The policy of the API docs page: its own assets, and its inline scripts by hash."""
    return _policy(
        "default-src 'none'",
        " ".join(("script-src 'self'", *inline_script_hashes(html))),
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'none'",
        *_NEVER,
    )


def allow_inline_scripts(app: FastAPI, path: str, html: str) -> None:
    """Serve the page at `path` (always exactly `html`) with its inline scripts allowed."""
    app.state.page_policies = {**getattr(app.state, "page_policies", {}), path: docs_policy(html)}


def headers_for(path: str, *, policies: Mapping[str, str], https: bool) -> dict[str, str]:
    """Every security header of an answer on `path` (Cache-Control is set only if absent)."""
    if path in policies:
        policy = policies[path]
    elif path.startswith(API_PATHS):
        policy = API_POLICY
    else:
        policy = PAGE_POLICY
    headers = {"Content-Security-Policy": policy, **COMMON_HEADERS}
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP answer, whatever produced it."""

    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        state = self.owner.state
        settings = getattr(state, "settings", None)
        headers = headers_for(
            path,
            policies=getattr(state, "page_policies", {}),
            https=bool(settings is not None and settings.secure_cookies),
        )
        is_page = not path.startswith(API_PATHS) and not path.startswith(STATIC_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer = MutableHeaders(scope=message)
                for name, value in headers.items():
                    answer[name] = value
                if is_page and "cache-control" not in answer:
                    answer["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SecuredApp(FastAPI):
    """FastAPI whose every answer, even the 500 of Starlette's outermost error middleware,
    carries the security headers."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), self)
