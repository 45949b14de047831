"""Warm period reports are never stale, over real HTTP on both databases.

Two servers run in this process on the seeded database: one keeps reports warm, the other
keeps none (`HEADWAY_WARM_REPORTS=0`) and so computes every answer from all its rows. Writes
go through a third, `live` (another process), so the warm server learns of them only from
the database. After each write the warm server's dashboard and period report equal the cold
server's at once, and its cache's statistics say how it got there: a check-in, a batch of
measurements, a key result's or a KPI's edit are patched; an objective's edit is computed
afresh; an initiative changes no figure, so the kept report is served as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from headway.schemas.insights import PeriodReportOut
from headway.services.reads.reports import PeriodReport
from headway.services.reads.warm_reports import CacheStats, WarmReports
from headway.web.api import insights
from live_server import metric_key_result, served_here


class Servers:
    def __init__(self, live: Any, warm: str, cold: str, reports: WarmReports) -> None:
        self.live = live
        self.warm, self.cold, self.reports = warm, cold, reports
        self.period = live.ids["period:2026-Q4"]
        self.changed = False  # whether the last write changed the warm server's figures

    def get(self, base_url: str, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.live.tokens['admin']}"}
        with httpx.Client(base_url=base_url + "/api/v1", headers=headers, timeout=60) as http:
            answer = http.get(path)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def answers(self, base_url: str, formats: list[str]) -> list[tuple[str, bytes]]:
        """The period report in each format as sent: content type and body."""
        headers = {"Authorization": f"Bearer {self.live.tokens['admin']}"}
        path = f"/reports/period/{self.period}"
        with httpx.Client(base_url=base_url + "/api/v1", headers=headers, timeout=60) as http:
            replies = [http.get(path, params={"format": f}) for f in formats]
        assert all(r.status_code == 200 for r in replies)
        return [(r.headers["content-type"], r.content) for r in replies]

    def figures(self, base_url: str) -> tuple[Any, Any]:
        return (
            self.get(base_url, f"/dashboard?period={self.period}"),
            self.get(base_url, f"/reports/period/{self.period}"),
        )

    def after(self, write: Callable[[httpx.Client], httpx.Response]) -> CacheStats:
        """Write through `live`; check the warm server's figures equal the cold server's at
        once; what the warm server's cache did to answer."""
        before = self.figures(self.warm)
        with self.live.client("admin") as http:
            answer = write(http)
        assert answer.status_code < 300, answer.text
        stats = self.reports.stats
        warm = self.figures(self.warm)
        did = self.reports.stats.since(stats)
        assert warm == self.figures(self.cold)
        # Served twice (dashboard, report): once brought up to date, then warm.
        assert did.requested == 2
        assert did.served_warm >= 1
        self.changed = warm != before
        return did


@pytest.fixture(scope="module")
def servers(live: Any) -> Iterator[Servers]:
    with (
        served_here(live.database_url) as (warm, app),
        served_here(live.database_url, warm_reports=0) as (cold, _),
    ):
        yield Servers(live, warm, cold, app.state.warm_reports)


def test_a_check_in_is_patched_in_and_shown_at_once(servers: Servers) -> None:
    deals = servers.live.ids["key_result:deals"]
    check_in = {"value": 9}
    did = servers.after(lambda http: http.post(f"/key-results/{deals}/check-ins", json=check_in))
    assert did == CacheStats(patched=1, served_warm=1)
    assert servers.changed


def test_a_batch_of_measurements_is_patched_in(servers: Servers) -> None:
    reply = servers.live.ids["kpi:reply-time"]
    batch = [{"value": 21.0, "at": f"2026-11-{day:02}"} for day in (9, 10, 11)]
    did = servers.after(lambda http: http.post(f"/kpis/{reply}/measurements", json=batch))
    assert did == CacheStats(patched=1, served_warm=1)
    assert servers.changed


def test_a_key_result_and_a_kpi_edit_are_patched_in(servers: Servers) -> None:
    deals = servers.live.ids["key_result:deals"]
    did = servers.after(lambda http: http.patch(f"/key-results/{deals}", json={"target_value": 7}))
    assert did == CacheStats(patched=1, served_warm=1)
    assert servers.changed
    reply = servers.live.ids["kpi:reply-time"]
    did = servers.after(lambda http: http.patch(f"/kpis/{reply}", json={"target": 22}))
    assert did == CacheStats(patched=1, served_warm=1)


def test_a_key_result_added_and_deleted_is_patched_in_and_out(servers: Servers) -> None:
    made: dict[str, Any] = {}

    def add(http: httpx.Client) -> httpx.Response:
        made.update(metric_key_result(http, servers.live.ids, "Warm objective"))
        return http.post(f"/key-results/{made['id']}/check-ins", json={"value": 40})

    # The objective is new: computed afresh.
    assert servers.after(add) == CacheStats(computed=1, coached=1, served_warm=1)
    objective = made["objective_id"]

    def another(http: httpx.Client) -> httpx.Response:
        return http.post(
            f"/objectives/{objective}/key-results",
            json={"title": "Second", "kind": "metric", "start_value": 0, "target_value": 10},
        )

    assert servers.after(another) == CacheStats(patched=1, served_warm=1)
    did = servers.after(lambda http: http.delete(f"/key-results/{made['id']}"))
    assert did == CacheStats(patched=1, served_warm=1)
    assert servers.changed


def test_an_objective_edit_and_delete_are_computed_afresh(servers: Servers) -> None:
    revenue = servers.live.ids["objective:revenue"]
    did = servers.after(
        lambda http: http.patch(f"/objectives/{revenue}", json={"title": "Revenue, warm"})
    )
    assert did == CacheStats(computed=1, coached=1, served_warm=1)
    reach = servers.live.ids["objective:reach"]
    did = servers.after(lambda http: http.delete(f"/objectives/{reach}"))
    assert did == CacheStats(computed=1, coached=1, served_warm=1)
    assert servers.changed


def test_an_initiative_changes_no_figure_and_the_kept_report_is_served(servers: Servers) -> None:
    deals = servers.live.ids["key_result:deals"]
    did = servers.after(
        lambda http: http.post(f"/key-results/{deals}/initiatives", json={"title": "Call more"})
    )
    assert did == CacheStats(served_warm=2)
    assert not servers.changed


def test_a_kept_report_s_answers_are_encoded_once_and_sent_as_they_are(
    servers: Servers, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded: list[str] = []  # the formats encoded, by either server (both run here)
    for fmt, encode in list(insights._ENCODERS.items()):
        monkeypatch.setitem(insights._ENCODERS, fmt, _counted(encode, fmt.value, encoded))
    formats = ["json", "md", "html"]
    first = servers.answers(servers.warm, formats)
    types = [t.split(";")[0] for t, _ in first]
    assert types == ["application/json", "text/markdown", "text/html"]
    PeriodReportOut.model_validate_json(first[0][1])  # the declared model, and nothing else
    encoded.clear()
    assert servers.answers(servers.warm, formats) == first
    assert encoded == []  # sent as they were encoded
    assert servers.answers(servers.cold, formats) == first
    assert encoded == formats  # the server keeping no report encodes every answer
    encoded.clear()
    deals = servers.live.ids["key_result:deals"]
    with servers.live.client("admin") as http:
        assert http.post(f"/key-results/{deals}/check-ins", json={"value": 11}).status_code < 300
    after = servers.answers(servers.warm, formats)
    assert servers.answers(servers.warm, formats) == after != first
    # The patched report is a kept report of its own: its answers are encoded afresh, once.
    assert encoded == formats
    assert after == servers.answers(servers.cold, formats)


def _counted(
    encode: Callable[[PeriodReport], bytes], name: str, encoded: list[str]
) -> Callable[[PeriodReport], bytes]:
    def counted(report: PeriodReport) -> bytes:
        encoded.append(name)
        return encode(report)

    return counted
