"""Every main page passes axe-core's accessibility rules (labels, contrast, names, landmarks).

axe-core comes inside the axe-playwright-python wheel and runs in the page through Playwright;
nothing is fetched.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from browsing import DemoSite, sign_in
from playwright.sync_api import Page

PAGES = [
    "/",
    "/objectives/new",
    "/kpis/new",
    "/account",
    "/kpis",
    "/alignment",
    "/units",
    "/periods",
    "/people",
    "/tokens",
    "/attention",
    "/coaching",
]


def _violations(page: Page) -> list[tuple[str, str, list[Any]]]:
    found = Axe().run(page).response["violations"]
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in found]


def test_the_sign_in_page_passes_axe(page: Page, demo: DemoSite) -> None:
    page.goto(demo.base_url + "/login")
    assert _violations(page) == []


@pytest.mark.parametrize("width", [1440, 360])
def test_every_main_page_passes_axe(page: Page, demo: DemoSite, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, demo.base_url, "ceo@northwind.example")
    objective = demo.scalar("SELECT min(id) FROM objective")
    kpi = demo.scalar("SELECT min(id) FROM kpi")
    unit = demo.scalar("SELECT min(id) FROM unit")
    period = demo.scalar("SELECT min(id) FROM period")
    details = [f"/objectives/{objective}", f"/kpis/{kpi}", f"/units/{unit}", f"/periods/{period}"]
    failing = {}
    for path in PAGES + details:
        page.goto(demo.base_url + path)
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
        violations = _violations(page)
        if violations:
            failing[path] = violations
    assert failing == {}
