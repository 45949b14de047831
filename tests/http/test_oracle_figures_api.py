"""Every figure of the API's period report (`GET /reports/period/{id}?as_of=`) equals the
rules, computed independently by the oracle (tests/oracle.py), on a live server over SQLite
and PostgreSQL: the hand-written document and a few random ones, each loaded into the
server's database as workspace "Oracle"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from headway.config import load_settings
from headway.services.documents.imports import import_workspace
from headway.store.uow import make_uow
from oracle import differences, period_figures
from oracle_documents import documents
from oracle_fixed_document import AS_OF, PERIOD, fixed_document

EXAMPLES = 10


def api_report(live: Any, document: dict[str, Any], period: str, as_of: date) -> dict[str, Any]:
    """Loads the document into the live server's database (replacing the Oracle workspace of
    the one before), then asks the server for the period's report as of the day, as the
    document's admin."""
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
    assert report["as_of"] == as_of.isoformat()
    return report


def test_every_figure_of_the_fixed_document_follows_the_rules(live: Any) -> None:
    report = api_report(live, fixed_document(), PERIOD, AS_OF)
    assert differences(report, period_figures(fixed_document(), PERIOD, AS_OF)) == []
    assert report["overall"]["score"] == pytest.approx((0.5541666666666667 + 0.45) / 2)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=documents())
def test_every_figure_of_a_random_document_follows_the_rules(
    live: Any, case: tuple[dict[str, Any], str, date]
) -> None:
    document, period, as_of = case
    report = api_report(live, document, period, as_of)
    assert differences(report, period_figures(document, period, as_of)) == []
