"""What every page route must have, checked over the whole app so none can be forgotten."""

from __future__ import annotations

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from headway.web.ui import PAGE_ROUTERS
from headway.web.ui.auth import safe_next
from headway.web.ui.context import checked_form


def _calls(dependant: Dependant) -> set[object]:
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls(sub)
    return found


def _page_writes() -> list[APIRoute]:
    return [
        route
        for module in PAGE_ROUTERS
        for route in module.router.routes
        if isinstance(route, APIRoute) and route.methods - {"GET", "HEAD"}
    ]


def test_every_page_write_but_sign_in_checks_the_sessions_csrf_token() -> None:
    writes = _page_writes()
    assert len(writes) >= 15  # the walk found the page routes
    unchecked = [
        route.path
        for route in writes
        if route.path != "/login" and checked_form not in _calls(route.dependant)
    ]
    assert unchecked == []


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/objectives/3?as_of=2026-11-01", "/objectives/3?as_of=2026-11-01"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("kpis", "/"),
    ],
)
def test_after_sign_in_only_paths_on_this_site_are_followed(
    asked: str | None, goes_to: str
) -> None:
    assert safe_next(asked) == goes_to
