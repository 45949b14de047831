"""The KPI list a page of 100 at a time, over real HTTP on both databases.

The seeded company gets KPIS KPIs more in a category of their own, made newest name first
so that the list's order (category, then name) is not the order of their ids; the category
filter then lists exactly them, and every link of the pager keeps the filters.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from headway.web.ui.kpis import KPI_PAGE_SIZE
from live_server import signed_in_browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
CATEGORY = "Paging"
KPIS = KPI_PAGE_SIZE + 3
_n = itertools.count()

ROW = re.compile(r'<th scope="row"><a href="/kpis/\d+">([^<]+)</a></th>')
PAGER = re.compile(r'<nav class="pager" aria-label="Pages">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)" rel="(prev|next)">')


@pytest.fixture(scope="module")
def names(live: Any) -> list[str]:
    """The names of the KPIs of CATEGORY, in the list's order."""
    made = [f"Paged KPI {n:03d}" for n in reversed(range(KPIS))]
    with live.client("admin") as admin:
        for name in made:
            body = {
                "name": name,
                "owner_unit_id": live.ids["unit:support"],
                "category": CATEGORY,
                "direction": "higher_is_better",
                "target": 80,
                "cadence": "weekly",
                "aggregation": "mean",
            }
            answer = admin.post("/kpis", json=body)
            assert answer.status_code == 201, answer.text
    return sorted(made)


@pytest.fixture
def browser(live: Any) -> Iterator[httpx.Client]:
    email = f"kpi-pages-{next(_n)}@example.com"
    live.new_person("KPI pages", email, "viewer", PASSWORD)
    with signed_in_browser(live.base_url, email, PASSWORD) as signed_in:
        yield signed_in


def _page(browser: httpx.Client, url: str) -> tuple[list[str], str, dict[str, str]]:
    """The names a page of the list shows, its pager's text and its pager's links."""
    answer = browser.get(url)
    assert answer.status_code == 200, answer.text
    pager = PAGER.search(answer.text)
    text = pager.group(1) if pager else ""
    links = {rel: html.unescape(href) for href, rel in LINK.findall(text)}
    return [html.unescape(n) for n in ROW.findall(answer.text)], text, links


def test_the_list_shows_a_page_of_100_in_its_order_and_the_pager_keeps_the_filters(
    names: list[str], browser: httpx.Client
) -> None:
    first, pager, links = _page(browser, f"/kpis?category={CATEGORY}&health=no_data")
    assert first == names[:KPI_PAGE_SIZE]
    assert "Page 1 of 2" in pager
    assert links == {"next": f"/kpis?category={CATEGORY}&health=no_data&page=2"}

    second, pager, links = _page(browser, links["next"])
    assert second == names[KPI_PAGE_SIZE:]
    assert "Page 2 of 2" in pager
    assert links == {"prev": f"/kpis?category={CATEGORY}&health=no_data&page=1"}

    # A date asked for is kept too; without the health filter the same KPIs are listed.
    dated, _, links = _page(browser, f"/kpis?category={CATEGORY}&as_of=2026-11-15&page=2")
    assert dated == names[KPI_PAGE_SIZE:]
    assert links == {"prev": f"/kpis?category={CATEGORY}&as_of=2026-11-15&page=1"}


def test_a_page_past_the_end_links_back_to_the_first_and_a_short_list_has_no_pager(
    names: list[str], browser: httpx.Client
) -> None:
    answer = browser.get("/kpis", params={"category": CATEGORY, "page": 3})
    assert answer.status_code == 200
    assert ROW.findall(answer.text) == []
    assert f'href="/kpis?category={CATEGORY}">back to the first page' in answer.text
    seeded, pager, _ = _page(browser, "/kpis")
    assert len(seeded) == KPI_PAGE_SIZE and "Page 1 of 2" in pager
    nothing, pager, _ = _page(browser, "/kpis?category=nothing-like-it")
    assert (nothing, pager) == ([], "")
    assert browser.get("/kpis", params={"page": 0}).status_code == 422
