"""The dashboard's bounded lists and the pages that list every row, over real HTTP.

The seeded company gets enough objectives off track that "Needs attention" holds more than
one dashboard's worth and more than one page of `/attention`; the JSON dashboard (which lists
every row) is the oracle for what the pages must show, and in which order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from headway.services.reads.dashboard import PAGE_SIZE, SHOWN
from live_server import give_passwords, metric_key_result, signed_in_browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
OTHER_ADMIN = "ceo@other.example"
BEHIND = 26  # new objectives, each with one key result far behind: 52 rows more to attend to
_n = itertools.count()

ROW = re.compile(r'<a href="/objectives/(\d+)(?:#kr-(\d+))?">')
SHOW_ALL = re.compile(r'<a href="(/attention\?[^"]+)">show all (\d+)</a>')


@pytest.fixture(scope="module")
def behind(live: Any) -> int:
    """The period id, once the seeded company has BEHIND objectives off track."""
    period = live.ids["period:2026-Q4"]
    with live.client("admin") as admin:
        for n in range(BEHIND):
            kr = metric_key_result(admin, live.ids, f"Far behind {n}", title=f"Barely begun {n}")
            made = admin.post(f"/key-results/{kr['id']}/check-ins", json={"value": 1})
            assert made.status_code == 201, made.text
    give_passwords(live.database_url, [OTHER_ADMIN], PASSWORD, "Other Co")
    return int(period)


@pytest.fixture
def reader(live: Any, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A browser signed in as a new person of Example Co with the role `request.param`."""
    email = f"lists-{next(_n)}@example.com"
    live.new_person("Lists", email, request.param, PASSWORD)
    with signed_in_browser(live.base_url, email, PASSWORD) as browser:
        yield browser


def _expected_order(live: Any, period: int) -> list[tuple[str, int]]:
    """Every row needing attention, from the JSON dashboard, in the pages' order: off track
    first, then the lowest score, objectives before key results, then the lowest id."""
    with live.client("viewer") as api:
        board = api.get("/dashboard", params={"period": period}).json()
    rows = board["off_track"] + board["at_risk"]
    rows.sort(
        key=lambda r: (
            r["status"] != "off_track",
            -1 if r["score"] is None else r["score"],
            r["subject_type"] != "objective",
            r["id"],
        )
    )
    return [(r["subject_type"], r["id"]) for r in rows]


def _rows(html: str) -> list[tuple[str, int]]:
    """The objectives and key results linked from the page's rows, in order."""
    return [
        ("key_result", int(kr)) if kr else ("objective", int(objective))
        for objective, kr in ROW.findall(html)
    ]


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def _listing(html: str) -> str:
    start = html.index('<section class="card"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("reader", ["admin", "viewer"], indirect=True)
def test_the_dashboard_shows_the_first_rows_and_the_show_all_pages_list_every_one(
    live: Any, behind: int, reader: httpx.Client
) -> None:
    expected = _expected_order(live, behind)
    assert len(expected) > PAGE_SIZE > SHOWN

    dashboard = reader.get("/", params={"period": behind})
    assert dashboard.status_code == 200
    attention = _section(dashboard.text, "attention-h")
    assert _rows(attention) == expected[:SHOWN]
    link, total = SHOW_ALL.search(attention).groups()  # type: ignore[union-attr]
    assert int(total) == len(expected)

    listed: list[tuple[str, int]] = []
    page = reader.get(link.replace("&amp;", "&"))
    while True:
        assert page.status_code == 200
        listed += _rows(_listing(page.text))
        following = re.search(r'<a href="([^"]+)" rel="next">', page.text)
        if following is None:
            break
        page = reader.get(following.group(1).replace("&amp;", "&"))
    assert listed == expected
    assert (
        f"Page 2 of {-(-len(expected) // PAGE_SIZE)}"
        in reader.get("/attention", params={"period": behind, "page": 2}).text
    )


@pytest.mark.parametrize("reader", ["viewer"], indirect=True)
def test_the_coaching_list_counts_and_pages_every_finding(
    live: Any, behind: int, reader: httpx.Client
) -> None:
    with live.client("viewer") as api:
        findings = api.get("/lint", params={"period": behind}).json()["findings"]
    assert len(findings) > SHOWN
    coaching = _section(reader.get("/", params={"period": behind}).text, "coach-h")
    assert coaching.count('<li class="checkin">') == SHOWN
    assert f"show all {len(findings)}</a>" in coaching
    shown = 0
    for number in range(1, -(-len(findings) // PAGE_SIZE) + 1):
        page = reader.get("/coaching", params={"period": behind, "page": number})
        assert page.status_code == 200
        shown += _listing(page.text).count('<li class="checkin">')
    assert shown == len(findings)


def test_another_workspace_sees_none_of_the_lists(live: Any, behind: int) -> None:
    with signed_in_browser(live.base_url, OTHER_ADMIN, PASSWORD) as other:
        for path in ("/", "/attention", "/coaching"):
            answer = other.get(path, params={"period": behind})
            assert answer.status_code == 404, path
            assert "Far behind" not in answer.text
