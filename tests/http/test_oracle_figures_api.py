"""Every figure of the API's period report (`GET /reports/period/{id}?as_of=`) equals the
rules, computed independently by the oracle (tests/oracle.py), on a live server over SQLite
and PostgreSQL: the hand-written document and a few random ones, each loaded into the
server's database as workspace "Oracle". The pages (the dashboard and each objective's page)
show the hand-written document's figures too, as whole percentages and statuses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given

from headway.config import load_settings
from headway.services.documents.imports import import_workspace
from headway.store.uow import make_uow
from live_server import signed_in_browser
from oracle import differences, period_figures
from oracle_documents import documents, oracle_settings
from oracle_fixed_document import AS_OF, PERIOD, fixed_document

EXAMPLES = 6


def api_report(live: Any, document: dict[str, Any], period: str, as_of: date) -> dict[str, Any]:
    """Loads the document into the live server's database (replacing the Oracle workspace of
    the one before), then asks the server, as the document's admin, for the period's report as
    of the day; checks that the lists of objectives and KPIs (`GET /objectives`, `GET /kpis`,
    as of the same day) carry the same figures as the report, and returns the report."""
    uow = make_uow(load_settings(database_url=live.database_url))
    try:
        import_workspace(
            uow,
            document,
            actor_label="test",
            clock=lambda: datetime(2026, 1, 5, 9, tzinfo=UTC),
            replace=True,
        )
    finally:
        uow.engine.dispose()
    admin = next(p for p in document["people"] if p["role"] == "admin")
    live.tokens["oracle"] = live.new_token(admin["email"], workspace=document["workspace"])
    with live.client("oracle") as http:
        periods = http.get("/periods", params={"limit": 500})
        assert periods.status_code == 200, periods.text
        period_id = next(p["id"] for p in periods.json()["items"] if p["name"] == period)
        answer = http.get(f"/reports/period/{period_id}", params={"as_of": as_of.isoformat()})
        assert answer.status_code == 200, answer.text
        report: dict[str, Any] = answer.json()
        day = {"as_of": as_of.isoformat(), "limit": 500}
        objectives = http.get("/objectives", params={"period": period_id, **day})
        kpis = http.get("/kpis", params=day)
    assert report["as_of"] == as_of.isoformat()
    assert objectives.status_code == 200, objectives.text
    assert kpis.status_code == 200, kpis.text
    assert listed_figures(objectives.json()["items"], kpis.json()["items"]) == report_figures(
        report
    )
    return report


FIGURES = {
    "objective": ("score", "expected", "status"),
    "key_result": (
        "current_value",
        "progress",
        "score",
        "expected",
        "status",
        "forecast_value",
        "forecast_score",
    ),
    "kpi": ("latest_value", "health", "trend"),
}


def report_figures(report: dict[str, Any]) -> dict[tuple[str, Any], tuple[Any, ...]]:
    """Every row's figures in the report, by (kind, id)."""
    found: dict[tuple[str, Any], tuple[Any, ...]] = {}
    for o in report["objectives"]:
        found[("objective", o["id"])] = tuple(o[f] for f in FIGURES["objective"])
        for kr in o["key_results"]:
            found[("key_result", kr["id"])] = tuple(kr[f] for f in FIGURES["key_result"])
    for k in report["kpis"]:
        found[("kpi", k["id"])] = tuple(k[f] for f in FIGURES["kpi"])
    return found


def listed_figures(
    objectives: list[dict[str, Any]], kpis: list[dict[str, Any]]
) -> dict[tuple[str, Any], tuple[Any, ...]]:
    """The same figures from the lists of objectives (of the period) and of KPIs."""
    return report_figures({"objectives": objectives, "kpis": kpis})


def test_every_figure_of_the_fixed_document_follows_the_rules(live: Any) -> None:
    report = api_report(live, fixed_document(), PERIOD, AS_OF)
    assert differences(report, period_figures(fixed_document(), PERIOD, AS_OF)) == []
    assert report["overall"]["score"] == pytest.approx((0.5541666666666667 + 0.45) / 2)


@oracle_settings(EXAMPLES)
@given(case=documents())
def test_every_figure_of_a_random_document_follows_the_rules(
    live: Any, case: tuple[dict[str, Any], str, date]
) -> None:
    document, period, as_of = case
    report = api_report(live, document, period, as_of)
    assert differences(report, period_figures(document, period, as_of)) == []


PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
BIG = re.compile(
    r'<p class="big">([^ <]+) <small>expected ([^<]+)</small></p>\s*.*?chip chip-(\w+)', re.S
)
OVERALL = re.compile(r'<p class="big" id="overall">([^ <]+) <span class="chip chip-(\w+)"')


def shown(score: float | None) -> str:
    """A score as the pages show it: a whole percentage, "–" for none."""
    return "–" if score is None else f"{score * 100:.0f}%"


def test_the_pages_show_the_fixed_documents_figures(live: Any) -> None:
    """The dashboard's overall progress, each objective's score, expected and status, and each
    key result's status and score, as the pages print them (rounded to whole percentages)."""
    report = api_report(live, fixed_document(), PERIOD, AS_OF)
    figures = period_figures(fixed_document(), PERIOD, AS_OF)
    with live.client("oracle") as http:
        made = http.post(
            "/people",
            json={
                "name": "Reader",
                "email": "oracle-reader@example.com",
                "role": "viewer",
                "password": PASSWORD,
            },
        )
        assert made.status_code == 201, made.text
    day = {"period": str(report["period"]["id"]), "as_of": AS_OF.isoformat()}
    with signed_in_browser(live.base_url, "oracle-reader@example.com", PASSWORD) as browser:
        dashboard = browser.get("/", params=day)
        assert dashboard.status_code == 200, dashboard.text
        overall = OVERALL.search(dashboard.text)
        assert overall is not None
        assert overall.groups() == (
            shown(figures["overall"]["score"]),
            figures["overall"]["status"],
        )
        for objective in report["objectives"]:
            page = browser.get(
                f"/objectives/{objective['id']}", params={"as_of": AS_OF.isoformat()}
            )
            assert page.status_code == 200, page.text
            want = figures["objectives"][objective["key"]]
            big = BIG.search(page.text)
            assert big is not None, objective["key"]
            assert big.groups() == (
                shown(want["score"]),
                shown(want["expected"]),
                want["status"] or "none",
            ), objective["key"]
            for kr in objective["key_results"]:
                row = re.search(
                    rf'id="kr-{kr["id"]}".*?chip chip-(\w+).*?<span class="num">([^<]+)</span>',
                    page.text,
                    re.S,
                )
                assert row is not None, kr["key"]
                want_kr = figures["key_results"][kr["key"]]
                assert row.groups() == (want_kr["status"], shown(want_kr["score"])), kr["key"]
