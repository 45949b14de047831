"""Overall progress and drafts over real HTTP: the report, the dashboard API and its page.

The worked example's company owns one objective aligned under nothing, cx (0.625, on track
against 0.5 expected): that is the headline. A proposal saved as a draft from the company's
NPS KPI is top level and owned by the company, off track at 0: were it counted, the headline
would halve and every count would move.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml

from examples import EXPECTED as EXPECTED_FILE
from headway.config import load_settings
from headway.services.access.actors import Caller
from headway.services.access.workspaces import resolve_workspace
from headway.services.okrs.checkins import record_check_in
from headway.store import people as people_store
from headway.store.uow import make_uow
from live_server import signed_in_browser

AS_OF = "2026-11-15"
EXPECTED = yaml.safe_load(EXPECTED_FILE.read_text())
OVERALL = {"score": pytest.approx(EXPECTED["overall"]["score"]), "status": "on_track"}
PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
_n = itertools.count()

# What the dashboard counts and lists: none of it may move when a draft is added.
COUNTED = ("overall", "score", "objectives_by_status", "key_results_by_status")


def _report(live: Any, as_of: str = AS_OF) -> dict[str, Any]:
    with live.client("viewer") as http:
        answer = http.get(f"/reports/period/{live.ids['period:2026-Q4']}", params={"as_of": as_of})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _dashboard(live: Any) -> dict[str, Any]:
    with live.client("viewer") as http:
        answer = http.get(
            "/dashboard", params={"period": live.ids["period:2026-Q4"], "as_of": AS_OF}
        )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _rows(board: dict[str, Any]) -> set[tuple[str, int]]:
    return {(a["subject_type"], a["id"]) for a in board["at_risk"] + board["off_track"]}


@pytest.fixture(scope="module")
def before(live: Any) -> dict[str, Any]:
    """The dashboard before any draft."""
    return _dashboard(live)


@pytest.fixture(scope="module")
def draft(live: Any, before: dict[str, Any]) -> dict[str, Any]:
    """The objective the NPS KPI proposes, stored as a draft of 2026-Q4."""
    with live.client("admin") as http:
        made = http.post(
            f"/kpis/{live.ids['kpi:nps-kpi']}/propose-okr",
            params={"create": "true", "period_id": live.ids["period:2026-Q4"], "as_of": AS_OF},
        )
    assert made.status_code == 201, made.text
    objective = dict(made.json())
    assert objective["state"] == "draft"
    assert objective["owner_unit_id"] == live.ids["unit:co"]
    assert (objective["parent_id"], objective["parent_key_result_id"]) == (None, None)
    return objective


def test_the_period_report_carries_overall_progress(live: Any) -> None:
    report = _report(live)
    assert set(report) == {
        "period",
        "as_of",
        "expected",
        "overall",
        "objectives",
        "kpis",
        "findings",
    }
    assert report["overall"] == OVERALL
    # Served again from what the server kept: the same answer.
    assert _report(live) == report


def test_the_dashboard_carries_overall_progress(before: dict[str, Any]) -> None:
    assert before["overall"] == OVERALL
    assert before["score"] == before["overall"]["score"]


def test_a_draft_changes_no_figure_count_or_list_of_the_dashboard(
    live: Any, before: dict[str, Any], draft: dict[str, Any]
) -> None:
    after = _dashboard(live)
    assert {k: after[k] for k in COUNTED} == {k: before[k] for k in COUNTED}
    assert _rows(after) == _rows(before)
    # Its own figures are there, off track at 0 (the KPI reads 64 at the start, 70 wanted).
    assert (draft["score"], draft["status"]) == (0, "off_track")
    assert (
        "objective",
        draft["id"],
    ) not in _rows(after)
    report = _report(live)
    assert report["overall"] == OVERALL
    assert draft["id"] in {o["id"] for o in report["objectives"]}  # every objective is reported


def test_the_dashboard_page_heads_with_overall_progress_and_lists_the_draft(
    live: Any, draft: dict[str, Any]
) -> None:
    email = f"overall-{next(_n)}@example.com"
    live.new_person("Overall", email, "viewer", PASSWORD)
    with signed_in_browser(live.base_url, email, PASSWORD) as browser:
        page = browser.get("/", params={"period": live.ids["period:2026-Q4"], "as_of": AS_OF})
    assert page.status_code == 200
    html = page.text
    headline = re.search(r'<p class="big" id="overall">(.*?)</p>', html, flags=re.S)
    assert headline is not None
    text = re.sub(r"<[^>]+>|\s+", " ", headline.group(1))
    assert "62% ● on track expected 50%" in re.sub(r"\s+", " ", text)  # 0.625, half to even
    drafts = html[
        html.index('id="drafts-h"') : html.index("</section>", html.index('id="drafts-h"'))
    ]
    assert f'<a href="/objectives/{draft["id"]}">{draft["title"]}</a>' in drafts
    tree = html[html.index('id="tree-h"') : html.index("</section>", html.index('id="tree-h"'))]
    assert f'href="/objectives/{draft["id"]}"' not in tree


def test_a_check_in_patched_into_a_kept_report_moves_the_headline(live: Any) -> None:
    later = "2026-11-20"
    assert _report(live, later)["overall"] == OVERALL  # computed and kept
    uow = make_uow(load_settings(database_url=live.database_url))
    workspace = resolve_workspace(uow, "Example Co")
    with uow:
        person = people_store.find_person_by_email(uow.conn, workspace.id, "ceo@example.com")
    caller = Caller(label="ceo@example.com", person=person, workspace_id=workspace.id)
    # NPS reaches its target after the worked example's "as of": cx = (1 + 0.75) / 2.
    record_check_in(
        uow,
        workspace,
        live.ids["key_result:nps"],
        value=70,
        effective_date=date(2026, 11, 18),
        caller=caller,
        clock=lambda: datetime(2026, 11, 19, 9, tzinfo=UTC),
    )
    uow.engine.dispose()
    assert _report(live, later)["overall"] == {"score": 0.875, "status": "on_track"}
    assert _report(live)["overall"] == OVERALL  # as of the example's date: not yet
