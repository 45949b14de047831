"""Every kind of answer carries the security headers: pages, the API, the API docs and their
assets, the OpenAPI document, static files, and errors (401, 403, 404, 405, 422, 429, 500).

A real `headway serve` over a socket, on SQLite and PostgreSQL; the 500 comes from the real
app served by uvicorn in this process, with one extra route that fails.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import httpx
import pytest

from headway.config import load_settings
from headway.web.app import create_app
from live_server import served_app

SAME_EVERYWHERE = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def directives(response: httpx.Response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [sources]}."""
    policy = response.headers.get("content-security-policy")
    assert policy, f"no Content-Security-Policy on {response.request.url}"
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_secured(response: httpx.Response) -> dict[str, list[str]]:
    """The headers every answer must carry; the policy's directives, for more checks."""
    for name, value in SAME_EVERYWHERE.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    assert "permissions-policy" in response.headers
    policy = directives(response)
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("script-src", [])
    assert "'unsafe-eval'" not in policy.get("script-src", [])
    return policy


@pytest.fixture(scope="module")
def answers(live: Any) -> dict[str, httpx.Response]:
    """One answer of each kind, fetched once per database kind."""
    base = live.base_url
    token = {"Authorization": f"Bearer {live.tokens['admin']}"}
    viewer = {"Authorization": f"Bearer {live.tokens['viewer']}"}
    unit = next(row_id for key, row_id in live.ids.items() if key.startswith("unit:"))
    with httpx.Client(base_url=base, timeout=30) as http:
        got = {
            "page": http.get("/login"),
            "page redirect": http.get("/"),
            "page 404": http.get("/no-such-page"),
            "page 405": http.delete("/login"),
            "static": http.get("/static/app.js"),
            "healthz": http.get("/healthz"),
            "openapi": http.get("/api/openapi.json"),
            "docs": http.get("/api/docs"),
            "docs asset": http.get("/api/docs-assets/swagger-ui-bundle.js"),
            "api 200": http.get("/api/v1/units", headers=token),
            "api 401": http.get("/api/v1/units"),
            "api 403": http.delete(f"/api/v1/units/{unit}", headers=viewer),
            "api 404": http.get("/api/v1/no-such-thing", headers=token),
            "api 405": http.put("/api/v1/units", headers=token),
            "api 422": http.get("/api/v1/units?no_such_parameter=1", headers=token),
            "api 422 body": http.post("/api/v1/units", headers=token, content=b"{not json"),
        }
    return got


def test_every_kind_of_answer_carries_the_headers(answers: dict[str, httpx.Response]) -> None:
    expected = {
        "page": 200,
        "page redirect": 303,
        "page 404": 404,
        "page 405": 405,
        "static": 200,
        "healthz": 200,
        "openapi": 200,
        "docs": 200,
        "docs asset": 200,
        "api 200": 200,
        "api 401": 401,
        "api 403": 403,
        "api 404": 404,
        "api 405": 405,
        "api 422": 422,
        "api 422 body": 422,
    }
    assert {kind: r.status_code for kind, r in answers.items()} == expected
    for response in answers.values():
        assert_secured(response)


def test_json_answers_may_load_nothing(answers: dict[str, httpx.Response]) -> None:
    for kind in ("healthz", "openapi", "api 200", "api 401", "api 404", "api 422"):
        policy = directives(answers[kind])
        assert policy["default-src"] == ["'none'"], kind
        assert "script-src" not in policy, kind


def test_pages_run_only_this_servers_scripts_and_are_not_cached(
    answers: dict[str, httpx.Response],
) -> None:
    for kind in ("page", "page 404", "page 405"):
        policy = directives(answers[kind])
        assert policy["script-src"] == ["'self'"], kind
        assert answers[kind].headers["cache-control"] == "no-store", kind
    assert "no-store" not in answers["static"].headers.get("cache-control", "")


def test_the_api_docs_allow_exactly_their_inline_script_by_hash(
    answers: dict[str, httpx.Response],
) -> None:
    docs = answers["docs"]
    policy = directives(docs)
    assert policy["default-src"] == ["'none'"]
    inline = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert policy["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["connect-src"] == ["'self'"]


def test_an_unexpected_error_carries_the_headers_too(tmp_path: Any) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    app = create_app(settings)

    @app.get("/api/v1/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    @app.get("/broken")
    def broken_page() -> None:
        raise RuntimeError("a bug")

    with served_app(app) as base_url:
        for path in ("/api/v1/broken", "/broken"):
            response = httpx.get(base_url + path, timeout=30)
            assert response.status_code == 500
            assert "a bug" not in response.text
            assert_secured(response)


def test_https_deployments_get_strict_transport_security(tmp_path: Any) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}", secure_cookies=True
    )
    with served_app(create_app(settings)) as base_url:
        response = httpx.get(base_url + "/healthz", timeout=30)
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    assert_secured(response)
