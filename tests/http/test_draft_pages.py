"""Drafts look like drafts on every page but their own, over real HTTP: a "draft, not counted"
tag in the alignment tree, on the team page and the period page; the objective page lists draft
children and draft contributors apart, as proposed; a closed period grades no draft."""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx
from objective_rows import new_metric as _metric
from objective_rows import new_objective as _objective

from live_server import signed_in_browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
TAG = '<span class="tag tag-draft">draft, not counted</span>'
_n = itertools.count()


def _browser(live: Any) -> Any:
    email = f"drafts-{next(_n)}@example.com"
    live.new_person("Drafts", email, "admin", PASSWORD)
    return signed_in_browser(live.base_url, email, PASSWORD)


def _section(page: httpx.Response, heading_id: str) -> str:
    assert page.status_code == 200, page.text
    found = re.search(rf'<h2 id="{heading_id}">(.*?)</section>', page.text, re.S)
    assert found is not None, heading_id
    return found.group(1)


def _row(text: str, objective_id: int) -> str:
    """The list item or tree row that links to the objective (up to the end of its line)."""
    found = re.search(rf'<a href="/objectives/{objective_id}">[^\n]*', text)
    assert found is not None, objective_id
    return found.group(0)


def test_the_objective_page_lists_drafts_apart_as_proposed(live: Any) -> None:
    with live.client("admin") as http:
        parent = _objective(live, http, title="Parent of drafts")
        _metric(http, parent["id"])
        adopted = _objective(live, http, title="Adopted child", parent_id=parent["id"])
        proposed = _objective(
            live, http, title="Proposed child", parent_id=parent["id"], state="draft"
        )
        marketing = live.ids["unit:marketing"]
        helper = _objective(
            live,
            http,
            title="Active helper",
            owner_unit_id=marketing,
            contributes_to=[parent["id"]],
        )
        idea = _objective(
            live,
            http,
            title="Draft helper",
            owner_unit_id=marketing,
            contributes_to=[parent["id"]],
            state="draft",
        )
    with _browser(live) as browser:
        body = _section(browser.get(f"/objectives/{parent['id']}"), "contributions-h")
        contributors = re.search(r"<strong>Contributors:</strong>(.*?)</p>", body, re.S)
        assert contributors is not None
        assert f'href="/objectives/{helper["id"]}"' in contributors.group(1)
        assert f'href="/objectives/{idea["id"]}"' not in contributors.group(1)

        aligned = _section(browser.get(f"/objectives/{parent['id']}"), "aligned-h")
        counted, _, apart = aligned.partition("Proposed (draft, not counted)")
        assert f'href="/objectives/{adopted["id"]}"' in counted
        assert TAG not in counted
        for draft in (proposed, idea):
            assert f'href="/objectives/{draft["id"]}"' not in counted
            assert TAG in _row(apart, draft["id"])
        assert f'href="/objectives/{helper["id"]}"' not in apart

        # A page with no draft around it has no such list.
        assert (
            "Proposed (draft, not counted)" not in browser.get(f"/objectives/{adopted['id']}").text
        )

        # A draft's own page says what it would contribute to, once active.
        own = _section(browser.get(f"/objectives/{idea['id']}"), "contributions-h")
        assert "<strong>Would contribute to (once active):</strong>" in own
        assert "<strong>Contributes to:</strong>" in _section(
            browser.get(f"/objectives/{helper['id']}"), "contributions-h"
        )

        # In the tree, a draft's further links read as what it would serve once active.
        tree = browser.get("/alignment", params={"period": live.ids["period:2026-Q4"]}).text
        for objective, words in (
            (idea, "Would also serve (once active):"),
            (helper, "Also serves:"),
        ):
            after = tree.split(f'<a href="/objectives/{objective["id"]}">', 1)[1]
            serves = re.search(r'<p class="also-serves"><span class="muted">(.*?)</span>', after)
            assert serves is not None and serves.group(1) == words


def test_the_tree_and_the_team_page_tag_drafts_only(live: Any) -> None:
    with live.client("admin") as http:
        active = _objective(live, http, title="Counted team objective")
        draft = _objective(live, http, title="Proposed team objective", state="draft")
    q4 = {"period": live.ids["period:2026-Q4"]}
    with _browser(live) as browser:
        tree = browser.get("/alignment", params=q4)
        assert tree.status_code == 200
        assert TAG in _row(tree.text, draft["id"])
        assert TAG not in _row(tree.text, active["id"])
        team = _section(browser.get(f"/units/{live.ids['unit:sales']}", params=q4), "team-okr-h")
        assert TAG in _row(team, draft["id"])
        assert TAG not in _row(team, active["id"])


def test_a_closed_period_grades_no_draft_and_the_close_form_says_so(live: Any) -> None:
    with live.client("admin") as http:
        made = http.post(
            "/periods",
            json={
                "name": "Drafts trial",
                "kind": "custom",
                "start_date": "2024-01-01",
                "end_date": "2024-03-31",
                "state": "active",
            },
        )
        assert made.status_code == 201, made.text
        period = made.json()["id"]
        graded = _objective(live, http, title="Graded objective", period_id=period)
        draft = _objective(live, http, title="Ungraded draft", period_id=period, state="draft")
        _metric(http, graded["id"])
        _metric(http, draft["id"])
    with _browser(live) as browser:
        open_page = browser.get(f"/periods/{period}")
        assert "except drafts (proposals get no grade)" in open_page.text
        standing = _section(open_page, "now-h")
        assert TAG in _row(standing, draft["id"])
        assert TAG not in _row(standing, graded["id"])
        with live.client("admin") as http:
            assert http.post(f"/periods/{period}/close").status_code == 200
        grades = _section(browser.get(f"/periods/{period}"), "grades-h")
        assert f'href="/objectives/{graded["id"]}"' in grades
        assert f'href="/objectives/{draft["id"]}"' not in grades
        assert "Drafts get no grade" in grades
