"""The API docs in Chromium: Swagger UI, served by Headway itself, renders every operation
under the page's strict Content-Security-Policy (its inline script allowed by hash only)."""

from __future__ import annotations

import httpx
from browsing import DemoSite
from playwright.sync_api import Page, expect

# Recorded from the first script on: every CSP violation the page meets, however reported.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_the_api_docs_render_every_operation_without_a_csp_violation(
    demo: DemoSite, page: Page
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    operations = sum(
        len(methods)
        for path, methods in httpx.get(demo.base_url + "/api/openapi.json").json()["paths"].items()
        if path.startswith("/api/v1")
    )

    answer = page.goto(demo.base_url + "/api/docs")
    assert answer is not None and answer.status == 200
    assert "'unsafe-inline'" not in answer.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Headway")
    blocks = page.locator(".opblock")
    expect(blocks.first).to_be_visible()
    assert blocks.count() >= operations
    # An operation opens, and its parameters and answers show (the UI's scripts all ran).
    page.locator(".opblock-summary").filter(has_text="/api/v1/units").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()

    assert page.evaluate("window.__violations") == []
    assert [line for line in console if "Content Security Policy" in line] == []
