"""Signing in and out of the web app."""

from __future__ import annotations

import secrets
from typing import Annotated

import anyio
from fastapi import APIRouter, Request
from fastapi import Form as FormField
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from headway.services.access.sessions import (
    SESSION_LIFETIME,
    SignInRefused,
    TooManyAttempts,
    sign_in,
    sign_in_delay,
    sign_out,
)
from headway.web.deps import new_uow
from headway.web.ui.context import SESSION_COOKIE, CsrfRefused, Form, PageContext, templates

router = APIRouter(include_in_schema=False)

# Before sign-in there is no session to hold a CSRF token: the sign-in form carries one that
# must match this cookie (double submit), so no other site can sign a browser in.
LOGIN_CSRF_COOKIE = "headway_login_csrf"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request,
    *,
    next_path: str,
    email: str = "",
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"next": next_path, "email": email, "error": error, "login_csrf": csrf},
        status_code=status_code,
        headers=headers,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        path="/login",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:  # noqa: A002
    return _login_page(request, next_path=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    email: Annotated[str, FormField()] = "",
    password: Annotated[str, FormField()] = "",
    csrf_token: Annotated[str, FormField()] = "",
    next: Annotated[str, FormField()] = "/",  # noqa: A002
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise CsrfRefused("the sign-in form is out of date: reload the page and try again")
    target = safe_next(next)
    settings = request.app.state.settings
    # The connecting address, or the one a trusted proxy names (HEADWAY_FORWARDED_ALLOW_IPS).
    client = request.client.host if request.client else "unknown"
    limits = settings.sign_in_limits()
    clock = request.app.state.clock
    uow = new_uow(request)
    try:
        # A much-guessed account is slowed down: the wait holds no thread, and comes before the
        # password is checked, so that a right password is not answered sooner than a wrong one.
        delay = await run_in_threadpool(
            sign_in_delay, uow, email, client=client, limits=limits, clock=clock
        )
        if delay:
            await anyio.sleep(delay)
        session = await run_in_threadpool(
            sign_in, uow, email, password, client=client, limits=limits, clock=clock
        )
    except TooManyAttempts as exc:
        return _login_page(
            request,
            next_path=target,
            email=email,
            error=str(exc),
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    except SignInRefused as exc:
        return _login_page(request, next_path=target, email=email, error=str(exc), status_code=401)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(page: PageContext, _form: Form) -> Response:
    """End the session on the server and in the browser (CSRF-checked like every form)."""
    sign_out(page.uow, page.request.cookies[SESSION_COOKIE], clock=page.clock)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
