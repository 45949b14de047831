"""The KPI list's sparklines in Chromium: inline SVG lines (no image, nothing fetched) with an
accessible name saying the trend in words, one point per recent bucket, and neither the list
nor a KPI page meets a Content-Security-Policy violation."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from browsing import CEO, DemoSite, sign_in
from playwright.sync_api import Page, expect

from headway.config import load_settings
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.demo import DEMO_WORKSPACE
from headway.services.kpis.kpis import list_kpis
from headway.store.uow import make_uow
from headway.web.ui.kpis import SPARKLINE_POINTS

# Recorded from the first script on: every CSP violation the page meets, however reported.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
LABEL = re.compile(
    r"^Trend of .+ over its last (\d+) values: "
    r"(up from \S+ to \S+|down from \S+ to \S+|level at \S+)$"
)


def _expected_points(demo: DemoSite, as_of: date) -> dict[str, int]:
    """Each KPI's number of sparkline points, from the KPI service itself, asked as the page
    asks it: its last SPARKLINE_POINTS bucket values, none drawn below two."""
    uow = make_uow(load_settings(database_url=demo.database_url))
    try:
        workspace = resolve_workspace(uow, DEMO_WORKSPACE)
        reading = list_kpis(
            uow,
            workspace,
            as_of=as_of,
            after_id=0,
            limit=1000,
            series_buckets=SPARKLINE_POINTS,
            clock=lambda: datetime.now(UTC),
        )
    finally:
        uow.engine.dispose()
    series = reading.figures.kpis
    counts = {k.name: min(len(series[k.id].series), SPARKLINE_POINTS) for k in reading.kpis}
    return {name: n for name, n in counts.items() if n >= 2}


def test_the_kpi_list_draws_inline_svg_sparklines_with_a_trend_in_words(
    page: Page, demo: DemoSite
) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    as_of = date.today()  # the demo's data lies around the day it was made; named explicitly
    expected = _expected_points(demo, as_of)
    assert expected  # the demo's KPIs have values to draw
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/kpis?as_of={as_of.isoformat()}")

    rows = page.locator("table.kpis tbody tr")
    expect(rows.first).to_be_visible()
    assert page.locator("table.kpis img").count() == 0  # no image: the lines are inline
    drawn = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        name = row.locator("th a").inner_text()
        spark = row.locator("svg.spark")
        if spark.count() == 0:
            continue
        expect(spark).to_be_visible()
        label = spark.get_attribute("aria-label") or ""
        found = LABEL.match(label)
        assert found, label
        assert label.startswith(f"Trend of {name} ")
        # The accessible name the browser computes is the label (role img), and the SVG's own
        # title says the same for a pointer's tooltip.
        expect(row.get_by_role("img", name=label, exact=True)).to_be_visible()
        assert spark.locator("title").text_content() == label
        assert spark.get_attribute("style") is None
        points = (spark.locator("polyline").get_attribute("points") or "").split()
        assert len(points) == int(found.group(1))
        for point in points:
            x, y = map(float, point.split(","))
            assert 0 <= x <= 120 and 0 <= y <= 28
        # The stroke comes from the stylesheet: the line is drawn, and not filled.
        stroke = spark.locator("polyline").evaluate("p => getComputedStyle(p).stroke")
        assert stroke not in ("", "none")
        assert spark.locator("polyline").evaluate("p => getComputedStyle(p).fill") == "none"
        box = spark.bounding_box()
        assert box is not None and box["width"] == 120 and box["height"] == 28
        drawn[name] = len(points)
    assert drawn == expected

    page.locator("table.kpis tbody th a").first.click()
    expect(page.locator("#kpi-chart")).to_be_visible()

    assert page.evaluate("window.__violations") == []
    assert [line for line in console if "Content Security Policy" in line] == []
