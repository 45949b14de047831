"""The dashboard's bounded lists in Chromium, wide and narrow: ten rows, and a link to all."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from browsing import DemoSite, sign_in
from playwright.sync_api import Page, expect

from headway.config import load_settings
from headway.domain.model import KeyResult, KeyResultKind, Objective
from headway.services.access.actors import Caller
from headway.services.access.workspaces import resolve_workspace
from headway.services.okrs.key_results import create_key_result
from headway.services.okrs.objectives import create_objective
from headway.services.reads.dashboard import PAGE_SIZE, SHOWN
from headway.store.uow import make_uow

CEO = "ceo@northwind.example"


@pytest.fixture(scope="module")
def crowded(demo: DemoSite) -> str:
    """The dashboard's query for the demo's main period on its last day, once it has SHOWN
    more objectives, each with one key result never checked in: off track then (the pace is
    100%), and coached (one key result), whatever day the demo was made around."""
    period = demo.scalar(
        "SELECT period_id FROM objective GROUP BY period_id ORDER BY count(*) DESC LIMIT 1"
    )
    end = demo.scalar("SELECT end_date FROM period WHERE id = :p", p=period)
    uow = make_uow(load_settings(database_url=demo.database_url))
    workspace = resolve_workspace(uow, None)
    operator, now = Caller.operator("test"), lambda: datetime.now(UTC)
    for n in range(SHOWN):
        title = f"Crowded objective {n}"
        draft = Objective(id=0, title=title, period_id=int(str(period)), description=title)
        made = create_objective(uow, workspace, draft, caller=operator, clock=now)
        kr = KeyResult(
            id=0,
            objective_id=made.id,
            title=f"Crowded key result {n}",
            kind=KeyResultKind.METRIC,
            start_value=0,
            target_value=100,
        )
        create_key_result(uow, workspace, made.id, kr, caller=operator, clock=now)
    uow.engine.dispose()
    return f"period={period}&as_of={str(end)[:10]}"


@pytest.mark.parametrize("width", [1440, 360])
@pytest.mark.parametrize(
    ("heading", "listing"),
    [
        ("Needs attention", "Objectives and key results needing attention"),
        ("Coaching", "Coaching advice"),
    ],
)
def test_the_dashboard_shows_the_first_rows_and_its_link_lists_them_all(
    page: Page, demo: DemoSite, crowded: str, width: int, heading: str, listing: str
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, demo.base_url, CEO)
    page.goto(f"{demo.base_url}/?{crowded}")
    section = page.get_by_role("region", name=heading)
    rows = section.get_by_role("listitem")
    expect(rows).to_have_count(SHOWN)
    first = rows.first.get_by_role("link").first.inner_text()
    show_all = section.get_by_role("link", name=re.compile(r"^show all \d+$"))
    expect(show_all).to_be_visible()
    total = int(show_all.inner_text().split()[-1])
    assert total > SHOWN

    show_all.click()
    expect(page).to_have_url(re.compile(rf"\?{crowded}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    every = page.get_by_role("region", name=listing).get_by_role("listitem")
    expect(every.first.get_by_role("link").first).to_have_text(first)
    seen = 0
    while True:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        expect(every).to_have_count(min(PAGE_SIZE, total - seen))
        seen += every.count()
        following = page.get_by_role("link", name="Next page")
        if seen == total:
            expect(following).to_have_count(0)
            break
        following.click()
