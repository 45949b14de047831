"""Dashboard, coaching and the period report over real HTTP, on the worked example."""

from __future__ import annotations

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

AS_OF = "2026-11-15"
EXPECTED = yaml.safe_load(EXPECTED_FILE.read_text())


def _report(live: Any, **params: Any) -> dict[str, Any]:
    with live.client("viewer") as http:
        response = http.get(
            f"/reports/period/{live.ids['period:2026-Q4']}", params={"as_of": AS_OF, **params}
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return dict(response.json())


def test_the_period_report_computes_the_worked_example(live: Any) -> None:
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
    assert report["overall"] == {
        "score": pytest.approx(EXPECTED["overall"]["score"]),
        "status": EXPECTED["overall"]["status"],
    }
    assert report["as_of"] == AS_OF
    assert report["period"]["name"] == EXPECTED["period"]
    assert report["expected"] == pytest.approx(EXPECTED["expected"])

    key_results = {kr["key"]: kr for o in report["objectives"] for kr in o["key_results"]}
    assert set(key_results) == set(EXPECTED["key_results"])
    for key, want in EXPECTED["key_results"].items():
        got = key_results[key]
        assert (got["score"], got["status"]) == (pytest.approx(want["score"]), want["status"]), key
        if "current" in want:
            assert got["current_value"] == pytest.approx(want["current"]), key
        if "progress" in want:
            assert got["progress"] == pytest.approx(want["progress"]), key

    objectives = {o["key"]: o for o in report["objectives"]}
    assert set(objectives) == set(EXPECTED["objectives"])
    for key, want in EXPECTED["objectives"].items():
        assert objectives[key]["score"] == pytest.approx(want["score"], abs=1e-4), key
        assert objectives[key]["status"] == want["status"], key

    # Rows other tests add through the API have no document key; the example's all have one.
    kpis = {k["key"]: k for k in report["kpis"] if k["key"]}
    assert set(kpis) == set(EXPECTED["kpis"])
    for key, want in EXPECTED["kpis"].items():
        assert kpis[key]["latest_value"] == pytest.approx(want["latest"]), key
        assert kpis[key]["health"] == want["health"], key
        if "trend" in want:
            assert kpis[key]["trend"] == want["trend"], key


def _finding_keys(report: dict[str, Any], findings: list[dict[str, Any]]) -> dict[str, set[str]]:
    keys = {("objective", o["id"]): o["key"] for o in report["objectives"]}
    keys |= {
        ("key_result", kr["id"]): kr["key"] for o in report["objectives"] for kr in o["key_results"]
    }
    keys |= {("kpi", k["id"]): k["key"] for k in report["kpis"]}
    found: dict[str, set[str]] = {}
    for finding in findings:
        assert set(finding) == {
            "code",
            "severity",
            "subject_type",
            "subject_id",
            "subject_title",
            "message",
        }
        subject = keys[(finding["subject_type"], finding["subject_id"])]
        found.setdefault(finding["code"], set()).add(subject)
    return found


def test_report_and_lint_name_exactly_the_expected_rows(live: Any) -> None:
    report = _report(live)
    want = {code: set(rows) for code, rows in EXPECTED["lint"].items()}
    assert _finding_keys(report, report["findings"]) == want
    with live.client("viewer") as http:
        lint = http.get(
            "/lint", params={"period": live.ids["period:2026-Q4"], "as_of": AS_OF}
        ).json()
    assert lint["period"]["id"] == live.ids["period:2026-Q4"]
    assert _finding_keys(report, lint["findings"]) == want


def test_the_report_in_markdown_and_html(live: Any) -> None:
    period = live.ids["period:2026-Q4"]
    with live.client("viewer") as http:
        md = http.get(f"/reports/period/{period}", params={"format": "md", "as_of": AS_OF})
        assert md.status_code == 200
        assert md.headers["content-type"].startswith("text/markdown")
        assert md.text.startswith("# Example Co — 2026-Q4\n")
        assert "| Reduce average reply time from 45 to 25 minutes | 35 |" in md.text
        page = http.get(f"/reports/period/{period}", params={"format": "html", "as_of": AS_OF})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.text.startswith("<!doctype html>")
        assert "Improve customer support performance" in page.text
        assert "src=" not in page.text and "href=" not in page.text  # standalone
        assert http.get(f"/reports/period/{period}", params={"format": "pdf"}).status_code == 422


def test_user_text_in_the_html_report_is_escaped(live: Any) -> None:
    script = "<script>alert(1)</script>"
    with live.client("admin") as http:
        made = http.post(
            "/kpis",
            json={
                "name": script,
                "category": '"><img onerror=x>',
                "owner_unit_id": live.ids["unit:support"],
                "direction": "higher_is_better",
                "target": 1,
                "cadence": "monthly",
                "aggregation": "last",
            },
        )
        assert made.status_code == 201, made.text
        try:
            period = live.ids["period:2026-Q4"]
            page = http.get(f"/reports/period/{period}", params={"format": "html"}).text
            md = http.get(f"/reports/period/{period}", params={"format": "md"}).text
        finally:
            assert http.delete(f"/kpis/{made.json()['id']}").status_code == 204
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and "<img" not in page
    assert "<script" not in md


def test_the_dashboard_summarises_the_worked_example(live: Any) -> None:
    with live.client("viewer") as http:
        # No period named: the current one as of the date, the quarter rather than the year.
        response = http.get("/dashboard", params={"as_of": AS_OF})
    assert response.status_code == 200, response.text
    board = response.json()
    assert board["period"]["id"] == live.ids["period:2026-Q4"]
    assert (board["as_of"], board["expected"]) == (AS_OF, pytest.approx(0.5))
    # Overall progress: the company's own top-level objective, cx (the departments' are not).
    assert board["overall"] == {"score": pytest.approx(0.625), "status": "on_track"}
    assert board["score"] == board["overall"]["score"]
    assert board["objectives_by_status"] == {
        "achieved": 0,
        "on_track": 2,
        "at_risk": 3,
        "off_track": 0,
        "no_score": 0,
    }
    kr_statuses = [kr["status"] for kr in EXPECTED["key_results"].values()]
    assert board["key_results_by_status"] == {
        s: kr_statuses.count(s) for s in ("achieved", "on_track", "at_risk", "off_track")
    }

    def named(items: list[dict[str, Any]]) -> set[tuple[str, int]]:
        return {(i["subject_type"], i["id"]) for i in items}

    ids = live.ids
    assert named(board["at_risk"]) == {
        ("objective", ids["objective:revenue"]),
        ("objective", ids["objective:funnel"]),
        ("objective", ids["objective:reach"]),
        ("key_result", ids["key_result:pipeline"]),
        ("key_result", ids["key_result:views"]),
    }
    assert named(board["off_track"]) == {
        ("key_result", ids[f"key_result:{k}"])
        for k in ("qbrs", "conversions", "launch", "mqls", "website")
    }
    assert {"id", "title", "status", "score"} <= set(board["at_risk"][0])

    zero = {"healthy": 0, "warning": 0, "critical": 0, "stale": 0, "no_data": 0}
    health = {k: v for k, v in board["kpi_health"].items() if any(v.values())}
    assert health["Finance"] == zero | {"healthy": 1, "warning": 1}
    assert health["Support"]["warning"] == 2
    assert health["Marketing"] == zero | {"critical": 1}
    assert health["Human Resources"] == zero | {"stale": 1}

    recent = board["recent_check_ins"]
    assert len(recent) == 9  # every check-in of the example dated up to 2026-11-15
    dates = [c["effective_date"] for c in recent]
    assert dates == sorted(dates, reverse=True)
    assert recent[0]["effective_date"] == "2026-11-14"
    nps = next(c for c in recent if c["note"] == "live chat pilot helps")
    assert nps["key_result_title"] == "Increase our NPS from 60 to 70"
    assert {f["code"] for f in board["findings"]} == set(EXPECTED["lint"])


def test_recent_check_ins_name_their_author_and_keep_to_the_latest_ten(live: Any) -> None:
    uow = make_uow(load_settings(database_url=live.database_url))
    workspace = resolve_workspace(uow, "Example Co")
    with uow:
        person = people_store.find_person_by_email(
            uow.conn, workspace.id, "marketing-lead@example.com"
        )
    caller = Caller(label="marketing-lead@example.com", person=person, workspace_id=workspace.id)
    # Dated after the worked example's "as of", so the other tests never see it.
    for day, value in ((19, 1400), (20, 1500)):
        record_check_in(
            uow,
            workspace,
            live.ids["key_result:mqls"],
            value=value,
            note="webinar <b>landed</b>",
            effective_date=date(2026, 11, day),
            caller=caller,
            clock=lambda: datetime(2026, 11, 21, 9, tzinfo=UTC),
        )
    uow.engine.dispose()
    with live.client("viewer") as http:
        board = http.get(
            "/dashboard", params={"period": live.ids["period:2026-Q4"], "as_of": "2026-11-21"}
        ).json()
    recent = board["recent_check_ins"]
    assert len(recent) == 10
    latest = recent[0]
    assert (latest["author_name"], latest["note"], latest["value"]) == (
        "Head of Marketing",
        "webinar <b>landed</b>",
        1500,
    )
    assert latest["key_result_title"] == "MQLs per month from 1000 to 2500"
    # Eleven check-ins by then: the oldest (2026-10-15) is left off.
    assert "2026-10-15" not in {c["effective_date"] for c in recent}


def test_a_period_without_objectives_has_no_score(live: Any) -> None:
    with live.client("viewer") as http:
        board = http.get(
            "/dashboard", params={"period": live.ids["period:2026"], "as_of": AS_OF}
        ).json()
    assert board["score"] is None
    assert board["overall"] == {"score": None, "status": None}
    assert set(board["objectives_by_status"].values()) == {0}
    assert board["recent_check_ins"] == []


def test_periods_of_another_workspace_do_not_exist(live: Any) -> None:
    ours = live.ids["period:2026-Q4"]
    theirs = live.ids["other_period:2026-Q4"]
    with live.client("other_admin") as http:
        assert http.get(f"/reports/period/{ours}").status_code == 404
        assert http.get("/dashboard", params={"period": ours}).status_code == 404
        assert http.get("/lint", params={"period": ours}).status_code == 404
        assert http.get(f"/reports/period/{theirs}", params={"as_of": AS_OF}).status_code == 200
    with live.client("admin") as http:
        assert http.get(f"/reports/period/{theirs}").status_code == 404
        missing = http.get("/dashboard", params={"as_of": "2030-01-01"})
        assert missing.status_code == 404
        assert "period=ID" in missing.json()["detail"]
    with live.client(None) as http:
        assert http.get("/dashboard").status_code == 401
        assert http.get(f"/reports/period/{ours}").status_code == 401
