"""Per-KPI ingest tokens over real HTTP: made, listed and revoked by those who may write the
KPI; a token may read and record its own KPI's measurements and nothing else."""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx
from fastapi.routing import APIRoute

from headway.web.api.kpis import list_measurements, record_measurements
from headway.web.app import API_ROUTERS
from live_server import signed_in_browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
TOKEN_FIELDS = {"id", "kpi_id", "name", "created_by", "created_at", "last_used_at", "revoked_at"}
PROBLEM = "application/problem+json"

_n = itertools.count()


def _as(live: Any, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=live.base_url + "/api/v1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _new(live: Any, kpi: str, actor: str = "sales_member", **body: Any) -> dict[str, Any]:
    with live.client(actor) as http:
        made = http.post(f"/kpis/{live.ids[kpi]}/ingest-tokens", json=body or None)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _refused(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, (response.request.url, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    return str(response.json()["detail"])


def test_a_token_is_made_shown_once_listed_and_revoked(live: Any) -> None:
    clv = live.ids["kpi:clv"]
    made = _new(live, "kpi:clv", name="  nightly export  ")
    assert set(made) == TOKEN_FIELDS | {"token"}
    assert made["token"].startswith("hwi_")  # not a personal token's "hw_"
    assert made["kpi_id"] == clv
    assert made["name"] == "nightly export"
    assert made["created_by"] == live.ids["person:head-sales"]
    assert made["last_used_at"] is None
    assert made["revoked_at"] is None
    unnamed = _new(live, "kpi:clv")
    assert unnamed["name"] == "ingest token"

    with live.client("sales_member") as http:
        listed = http.get(f"/kpis/{clv}/ingest-tokens")
        assert listed.status_code == 200, listed.text
        by_id = {t["id"]: t for t in listed.json()["items"]}
        assert by_id[made["id"]] == {k: v for k, v in made.items() if k != "token"}
        assert made["token"] not in listed.text
        assert unnamed["id"] in by_id

        with _as(live, made["token"]) as ingest:
            assert ingest.get(f"/kpis/{clv}/measurements").status_code == 200
        used = {t["id"]: t for t in http.get(f"/kpis/{clv}/ingest-tokens").json()["items"]}
        assert used[made["id"]]["last_used_at"] is not None

        assert http.delete(f"/ingest-tokens/{made['id']}").status_code == 204
        with _as(live, made["token"]) as ingest:
            _refused(ingest.get(f"/kpis/{clv}/measurements"), 401)
            _refused(ingest.post(f"/kpis/{clv}/measurements", json={"value": 1}), 401)
        revoked = {t["id"]: t for t in http.get(f"/kpis/{clv}/ingest-tokens").json()["items"]}
        assert revoked[made["id"]]["revoked_at"] is not None
        assert http.delete(f"/ingest-tokens/{made['id']}").status_code == 204  # a no-op
        # The other token of the KPI still works.
        with _as(live, unnamed["token"]) as ingest:
            assert ingest.get(f"/kpis/{clv}/measurements").status_code == 200

    with live.client("admin") as http:
        events = http.get("/audit", params={"subject_type": "kpi_ingest_token"}).json()["items"]
        mine = [e for e in events if e["subject_id"] == made["id"]]
        assert [e["action"] for e in mine] == ["revoke", "create"]
        assert made["token"] not in str(events)


def test_only_those_who_may_write_the_kpi_manage_its_tokens(live: Any) -> None:
    clv = live.ids["kpi:clv"]
    token = _new(live, "kpi:clv")
    for actor in ("viewer", "support_member"):
        with live.client(actor) as http:
            _refused(http.post(f"/kpis/{clv}/ingest-tokens", json={"name": "x"}), 403)
            _refused(http.get(f"/kpis/{clv}/ingest-tokens"), 403)
            _refused(http.delete(f"/ingest-tokens/{token['id']}"), 403)
    with live.client("other_admin") as http:
        _refused(http.post(f"/kpis/{clv}/ingest-tokens", json={"name": "x"}), 404)
        _refused(http.get(f"/kpis/{clv}/ingest-tokens"), 404)
        _refused(http.delete(f"/ingest-tokens/{token['id']}"), 404)
    with live.client("admin") as http:  # admins may, in any unit
        assert http.post(f"/kpis/{clv}/ingest-tokens", json={}).status_code == 201
        bad = http.post(f"/kpis/{clv}/ingest-tokens", json={"name": " ", "extra": 1})
        assert bad.status_code == 422
        assert {e["field"] for e in bad.json()["errors"]} >= {"extra"}
        blank = http.post(f"/kpis/{clv}/ingest-tokens", json={"name": " "})
        assert blank.status_code == 422
        assert [e["field"] for e in blank.json()["errors"]] == ["name"]
        _refused(http.post("/kpis/999999/ingest-tokens", json={}), 404)
        assert http.delete(f"/ingest-tokens/{token['id']}").status_code == 204


def test_a_token_records_a_batch_that_changes_nothing_when_sent_again(live: Any) -> None:
    clv = live.ids["kpi:clv"]
    made = _new(live, "kpi:clv", name="ci pipeline")
    batch = [
        {"at": "2026-11-02", "value": 410.5, "source": "push", "note": "from CI"},
        {"at": "2026-11-03", "value": 412},
    ]
    with _as(live, made["token"]) as ingest:
        before = ingest.get(f"/kpis/{clv}/measurements", params={"limit": 500}).json()["items"]
        first = ingest.post(f"/kpis/{clv}/measurements", params={"replace": "true"}, json=batch)
        assert first.status_code == 201, first.text
        assert [m["value"] for m in first.json()["items"]] == [410.5, 412]
        assert {m["recorded_by"] for m in first.json()["items"]} == {None}
        second = ingest.post(f"/kpis/{clv}/measurements", params={"replace": "true"}, json=batch)
        assert second.status_code == 201, second.text
        assert second.json()["removed"] == 2
        after = ingest.get(f"/kpis/{clv}/measurements", params={"limit": 500}).json()["items"]
        assert len(after) == len(before) + 2

        def shape(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
            return sorted((m["at"], m["value"], m["source"], m["note"]) for m in rows)

        assert shape(after) == shape(
            before
            + [
                {"at": "2026-11-02", "value": 410.5, "source": "push", "note": "from CI"},
                {"at": "2026-11-03", "value": 412, "source": "manual", "note": ""},
            ]
        )
        one = ingest.post(f"/kpis/{clv}/measurements", json={"at": "2026-11-04", "value": 7})
        assert one.status_code == 201, one.text
        assert one.json()["recorded_by"] is None
        # All or nothing, every problem named, as for a person.
        bad = ingest.post(f"/kpis/{clv}/measurements", json=[{"value": 1}, {"value": "x"}])
        assert bad.status_code == 422
    with live.client("admin") as http:
        events = http.get(
            "/audit", params={"subject_type": "measurement", "subject_id": one.json()["id"]}
        ).json()["items"]
        assert [(e["action"], e["actor_id"]) for e in events] == [("create", None)]
        assert (
            events[0]["actor_label"]
            == "ingest token 'ci pipeline' of KPI 'Customer Lifetime Value'"
        )


def test_a_token_may_not_touch_another_kpi(live: Any) -> None:
    made = _new(live, "kpi:clv")
    tickets = live.ids["kpi:tickets"]
    with live.client("other_admin") as http:
        theirs = http.get("/kpis").json()["items"][0]["id"]
    with _as(live, made["token"]) as ingest:
        detail = _refused(ingest.get(f"/kpis/{tickets}/measurements"), 403)
        assert "only read and record the measurements of its own KPI" in detail
        _refused(ingest.post(f"/kpis/{tickets}/measurements", json={"value": 3}), 403)
        _refused(
            ingest.post(f"/kpis/{tickets}/measurements", params={"replace": "true"}, json=[]),
            403,
        )
        _refused(ingest.get(f"/kpis/{theirs}/measurements"), 404)
        _refused(ingest.post(f"/kpis/{theirs}/measurements", json={"value": 3}), 404)
    with live.client("admin") as http:
        listed = http.get(f"/kpis/{tickets}/measurements", params={"limit": 500}).json()
        assert 3 not in [m["value"] for m in listed["items"]]


def _api_routes() -> list[tuple[str, str, object]]:
    """Every operation of the API: (method, path under /api/v1, endpoint)."""
    found = []
    for module in API_ROUTERS:
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            for method in sorted(route.methods - {"HEAD"}):
                found.append((method, route.path, route.endpoint))
    return found


def test_every_other_operation_refuses_an_ingest_token(live: Any) -> None:
    """Walks the app's own routes, so an operation added later is covered too."""
    clv = live.ids["kpi:clv"]
    made = _new(live, "kpi:clv")
    allowed = {list_measurements, record_measurements}
    routes = _api_routes()
    assert len(routes) >= 40  # the walk found the API
    assert {endpoint for _m, _p, endpoint in routes} >= allowed
    refused = []
    with _as(live, made["token"]) as ingest:
        for method, path, endpoint in routes:
            if endpoint in allowed:
                continue
            # Its own KPI wherever a KPI is named, so only the operation can be the reason.
            url = path.replace("{kpi_id}", str(clv))
            url = re.sub(r"\{[a-z_]+\}", "1", url)
            body = {"json": {}} if method in {"POST", "PUT", "PATCH"} else {}
            answer = ingest.request(method, url, **body)
            assert answer.status_code == 403, (method, url, answer.status_code, answer.text)
            assert answer.headers["content-type"].startswith(PROBLEM)
            assert "only read and record the measurements of its own KPI" in answer.json()["detail"]
            refused.append((method, url))
        assert ("GET", f"/kpis/{clv}") in refused  # not even its own KPI
        assert ingest.get(f"/kpis/{clv}/measurements").status_code == 200
    with live.client("admin") as http:  # nothing was written by the refused requests
        mine = http.get(f"/kpis/{clv}/ingest-tokens").json()["items"]
        assert [t["id"] for t in mine if t["id"] > made["id"]] == []


def test_a_token_stops_working_with_its_kpi(live: Any) -> None:
    with live.client("admin") as http:
        kpi = http.post(
            "/kpis",
            json={
                "name": f"Short-lived {next(_n)}",
                "owner_unit_id": live.ids["unit:sales"],
                "direction": "higher_is_better",
                "target": 10,
                "cadence": "monthly",
                "aggregation": "last",
            },
        )
        assert kpi.status_code == 201, kpi.text
        kpi_id = kpi.json()["id"]
        made = http.post(f"/kpis/{kpi_id}/ingest-tokens", json={"name": "probe"}).json()
        with _as(live, made["token"]) as ingest:
            assert ingest.post(f"/kpis/{kpi_id}/measurements", json={"value": 4}).status_code == 201
        assert http.delete(f"/kpis/{kpi_id}").status_code == 204
        with _as(live, made["token"]) as ingest:
            _refused(ingest.get(f"/kpis/{kpi_id}/measurements"), 401)
        _refused(http.delete(f"/ingest-tokens/{made['id']}"), 404)  # gone with its KPI


def test_a_token_outlives_its_makers_rights(live: Any) -> None:
    """It belongs to the KPI, not to the person who made it."""
    email = f"ingest-maker-{next(_n)}@example.com"
    person = live.new_person("Ingest maker", email, "admin", PASSWORD)
    maker = live.new_token(email)
    clv = live.ids["kpi:clv"]
    with _as(live, maker) as http:
        made = http.post(f"/kpis/{clv}/ingest-tokens", json={"name": "kept"}).json()
    with live.client("admin") as http:
        assert http.patch(f"/people/{person}", json={"active": False}).status_code == 200
    with _as(live, made["token"]) as ingest:
        assert ingest.post(f"/kpis/{clv}/measurements", json={"value": 5}).status_code == 201


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_kpi_page_makes_shows_and_revokes_tokens(live: Any) -> None:
    email = f"ingest-page-{next(_n)}@example.com"
    live.new_person("Ingest page", email, "admin", PASSWORD)
    clv = live.ids["kpi:clv"]
    with signed_in_browser(live.base_url, email, PASSWORD) as browser:
        page = browser.get(f"/kpis/{clv}")
        assert page.status_code == 200
        assert "Ingest tokens" in page.text
        assert "New ingest token" in page.text
        csrf = _csrf(page)
        forged = browser.post(f"/kpis/{clv}/ingest-tokens", data={"name": "forged"})
        assert forged.status_code == 403
        made = browser.post(
            f"/kpis/{clv}/ingest-tokens", data={"name": "Sheet <script>", "csrf_token": csrf}
        )
        assert made.status_code == 201, made.text
        assert made.headers["cache-control"] == "no-store"
        shown = re.search(r'id="new-ingest-token">(hwi_[^<]+)<', made.text)
        assert shown is not None
        token = shown.group(1)
        assert "Sheet &lt;script&gt;" in made.text
        with _as(live, token) as ingest:
            assert ingest.get(f"/kpis/{clv}/measurements").status_code == 200

        again = browser.get(f"/kpis/{clv}")
        assert token not in again.text  # shown once
        revoke = re.search(r'action="/ingest-tokens/(\d+)/revoke"', again.text)
        assert revoke is not None
        revoked = browser.post(
            f"/ingest-tokens/{revoke.group(1)}/revoke", data={"csrf_token": _csrf(again)}
        )
        assert revoked.status_code == 303
        assert revoked.headers["location"] == f"/kpis/{clv}#ingest-tokens"
        with _as(live, token) as ingest:
            _refused(ingest.get(f"/kpis/{clv}/measurements"), 401)
        assert "revoked " in browser.get(f"/kpis/{clv}").text

    viewer = f"ingest-viewer-{next(_n)}@example.com"
    live.new_person("Ingest viewer", viewer, "viewer", PASSWORD)
    with signed_in_browser(live.base_url, viewer, PASSWORD) as browser:
        page = browser.get(f"/kpis/{clv}")
        assert page.status_code == 200
        assert "Ingest tokens" not in page.text
