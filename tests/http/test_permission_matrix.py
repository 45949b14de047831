"""Who may write what, over real HTTP: every write endpoint × every kind of caller.

One table drives it. Each row names a write, how to prepare a fresh target for it (as the
admin, so that a successful attempt never spoils the next), the request, and which callers
may make it. Everyone else gets 403 in the workspace, 404 from another workspace, 401 with
no token. A test checks the table against the OpenAPI document, so a new write endpoint
without a row fails the suite.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

ACTORS = ("admin", "sales_member", "support_member", "viewer", "other_admin", None)
ADMIN = {"admin"}
SALES = {"admin", "sales_member"}
INVALID_THERE = frozenset({422})
CREATED_THERE = frozenset({201})
SUPPORT = {"admin", "support_member"}
EVERYONE = {"admin", "sales_member", "support_member", "viewer"}

_counter = itertools.count()


def _unique(prefix: str) -> str:
    return f"{prefix} {next(_counter)}"


Prepare = Callable[[httpx.Client, dict[str, int]], dict[str, Any]]


@dataclass(frozen=True)
class Write:
    method: str
    path: str  # placeholders are filled from `prepare`'s result, then from live.ids
    allowed: set[str]
    prepare: Prepare = lambda _http, _ids: {}  # noqa: E731
    body: Callable[[dict[str, Any]], Any] | None = None
    params: dict[str, str] = field(default_factory=dict)
    csv: Callable[[dict[str, Any]], str] | None = None  # a spreadsheet body instead of JSON
    # Another workspace's admin: a row named in the path does not exist for them (404); a
    # body that names rows of this workspace is invalid for them (422); a body that names
    # none simply creates the row in their own workspace.
    foreign: frozenset[int] = frozenset({404})


def _objective(http: httpx.Client, ids: dict[str, int], unit: str = "unit:sales") -> int:
    made = http.post(
        "/objectives",
        json={
            "title": _unique("Matrix objective"),
            "period_id": ids["period:2026-Q4"],
            "owner_unit_id": ids[unit],
            "type": "committed",
        },
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _key_result(http: httpx.Client, ids: dict[str, int]) -> dict[str, Any]:
    objective = _objective(http, ids)
    made = http.post(
        f"/objectives/{objective}/key-results",
        json={
            "title": _unique("Matrix KR"),
            "kind": "metric",
            "start_value": 0,
            "target_value": 10,
        },
    )
    assert made.status_code == 201, made.text
    return {"objective": objective, "kr": made.json()["id"]}


def _initiative(http: httpx.Client, ids: dict[str, int]) -> dict[str, Any]:
    target = _key_result(http, ids)
    made = http.post(
        f"/key-results/{target['kr']}/initiatives",
        json={"title": _unique("Matrix initiative"), "status": "planned"},
    )
    assert made.status_code == 201, made.text
    return {"initiative": made.json()["id"]}


def _kpi(http: httpx.Client, ids: dict[str, int]) -> dict[str, Any]:
    made = http.post("/kpis", json=_kpi_body(ids))
    assert made.status_code == 201, made.text
    return {"kpi": made.json()["id"]}


def _kpi_body(ids: dict[str, int]) -> dict[str, Any]:
    return {
        "name": _unique("Matrix KPI"),
        "owner_unit_id": ids["unit:support"],
        "direction": "lower_is_better",
        "target": 10,
        "warning": 20,
        "cadence": "weekly",
        "aggregation": "mean",
    }


def _unit(http: httpx.Client, ids: dict[str, int]) -> dict[str, Any]:
    made = http.post(
        "/units",
        json={"name": _unique("Matrix team"), "kind": "team", "parent_id": ids["unit:sales"]},
    )
    assert made.status_code == 201, made.text
    return {"unit": made.json()["id"]}


def _period(http: httpx.Client, _ids: dict[str, int]) -> dict[str, Any]:
    made = http.post(
        "/periods",
        json={
            "name": _unique("Matrix period"),
            "kind": "custom",
            "start_date": "2027-01-01",
            "end_date": "2027-03-31",
        },
    )
    assert made.status_code == 201, made.text
    return {"period": made.json()["id"]}


def _token(http: httpx.Client, _ids: dict[str, int]) -> dict[str, Any]:
    made = http.post("/tokens", json={"name": _unique("matrix")})
    assert made.status_code == 201, made.text
    return {"token": made.json()["id"]}


def _ingest_token(http: httpx.Client, _ids: dict[str, int]) -> dict[str, Any]:
    kpi = _kpi(http, _ids)["kpi"]
    made = http.post(f"/kpis/{kpi}/ingest-tokens", json={"name": _unique("matrix feed")})
    assert made.status_code == 201, made.text
    return {"kpi": kpi, "ingest_token": made.json()["id"]}


def _webhook(http: httpx.Client, _ids: dict[str, int]) -> dict[str, Any]:
    made = http.post("/webhooks", json={"url": "https://chat.example/m", "events": ["kpi.alert"]})
    assert made.status_code == 201, made.text
    return {"webhook": made.json()["id"]}


def _measurement_body(_: dict[str, Any]) -> Any:
    return {"at": "2026-11-02", "value": 30}


WRITES = [
    Write(
        "POST",
        "/units",
        ADMIN,
        body=lambda p: {"name": _unique("Team"), "kind": "team", "parent_id": p["unit:sales"]},
        foreign=INVALID_THERE,
    ),
    Write("PATCH", "/units/{unit}", ADMIN, _unit, lambda _p: {"name": _unique("Renamed")}),
    Write("DELETE", "/units/{unit}", ADMIN, _unit),
    Write(
        "POST",
        "/people",
        ADMIN,
        body=lambda _p: {
            "name": "New Person",
            "email": f"new{next(_counter)}@example.com",
            "role": "member",
            "unit_ids": [],
        },
        foreign=CREATED_THERE,
    ),
    Write(
        "PATCH",
        "/people/{person:head-marketing}",
        ADMIN,
        body=lambda _p: {"name": _unique("Head of Marketing")},
    ),
    Write(
        "POST",
        "/periods",
        ADMIN,
        body=lambda _p: {
            "name": _unique("Period"),
            "kind": "custom",
            "start_date": "2027-04-01",
            "end_date": "2027-06-30",
        },
        foreign=CREATED_THERE,
    ),
    Write("PATCH", "/periods/{period}", ADMIN, _period, lambda _p: {"name": _unique("Renamed")}),
    Write("POST", "/periods/{period}/close", ADMIN, _period, lambda _p: {}),
    Write(
        "POST",
        "/objectives",
        SALES,
        body=lambda p: {
            "title": _unique("Sales objective"),
            "period_id": p["period:2026-Q4"],
            "owner_unit_id": p["unit:sales"],
            "type": "committed",
        },
        foreign=INVALID_THERE,
    ),
    Write(
        "PATCH",
        "/objectives/{objective}",
        SALES,
        lambda h, i: {"objective": _objective(h, i)},
        lambda _p: {"title": _unique("New")},
    ),
    Write("DELETE", "/objectives/{objective}", SALES, lambda h, i: {"objective": _objective(h, i)}),
    Write(
        "POST",
        "/objectives/{objective}/key-results",
        SALES,
        lambda h, i: {"objective": _objective(h, i)},
        lambda _p: {"title": _unique("KR"), "kind": "metric", "start_value": 1, "target_value": 2},
    ),
    Write("PATCH", "/key-results/{kr}", SALES, _key_result, lambda _p: {"weight": 2}),
    Write("DELETE", "/key-results/{kr}", SALES, _key_result),
    Write(
        "POST",
        "/key-results/{kr}/check-ins",
        SALES,
        _key_result,
        lambda _p: {"value": 3, "confidence": 7},
    ),
    Write(
        "POST",
        "/key-results/{kr}/initiatives",
        SALES,
        _key_result,
        lambda _p: {"title": _unique("Initiative"), "status": "planned"},
    ),
    Write(
        "PATCH",
        "/initiatives/{initiative}",
        SALES,
        _initiative,
        lambda _p: {"status": "in_progress"},
    ),
    Write("DELETE", "/initiatives/{initiative}", SALES, _initiative),
    Write("POST", "/kpis", SUPPORT, body=lambda p: _kpi_body(p), foreign=INVALID_THERE),
    Write("PATCH", "/kpis/{kpi}", SUPPORT, _kpi, lambda _p: {"target": 12}),
    Write("DELETE", "/kpis/{kpi}", SUPPORT, _kpi),
    Write("POST", "/kpis/{kpi}/measurements", SUPPORT, _kpi, _measurement_body),
    Write(
        "POST",
        "/kpis/{kpi}/measurements/import",
        SUPPORT,
        _kpi,
        csv=lambda _p: "at,value\n2026-11-02,3\n",
    ),
    Write(
        "POST",
        "/kpis/import",
        SUPPORT,
        _kpi,
        csv=lambda p: f"kpi,at,value\n{p['kpi']},2026-11-02,3\n",
        foreign=INVALID_THERE,  # no KPI of theirs has that id
    ),
    Write("POST", "/kpis/{kpi:reply-time}/propose-okr", SUPPORT, params={"create": "true"}),
    Write(
        "POST",
        "/import",
        ADMIN,
        body=lambda p: p["document"],
        params={"replace": "true", "dry_run": "true"},
        foreign=INVALID_THERE,
    ),
    Write(
        "POST",
        "/tokens",
        EVERYONE,
        body=lambda _p: {"name": _unique("mine")},
        foreign=CREATED_THERE,
    ),
    Write("DELETE", "/tokens/{token}", ADMIN, _token),
    Write("POST", "/kpis/{kpi}/ingest-tokens", SUPPORT, _kpi, lambda _p: {"name": "feed"}),
    Write("DELETE", "/ingest-tokens/{ingest_token}", SUPPORT, _ingest_token),
    Write(
        "POST",
        "/webhooks",
        ADMIN,
        body=lambda _p: {"url": "https://chat.example/matrix", "events": ["kpi.alert"]},
        foreign=CREATED_THERE,
    ),
    Write("DELETE", "/webhooks/{webhook}", ADMIN, _webhook),
    # One's own e-mail choices: anyone signed in, in their own workspace.
    Write(
        "PATCH",
        "/me/notifications",
        EVERYONE,
        body=lambda _p: {"digest": True, "kpi_alerts": True},
        foreign=frozenset({200}),
    ),
]


def _fill(path: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: str(values[m.group(1)]), path)


def _expected(write: Write, actor: str | None) -> set[int]:
    if actor is None:
        return {401}
    if actor in write.allowed:
        return {200, 201, 204}
    return set(write.foreign) if actor == "other_admin" else {403}


@pytest.mark.parametrize("write", WRITES, ids=lambda w: f"{w.method} {w.path}")
def test_every_write_is_allowed_exactly_to_who_may(live: Any, write: Write) -> None:
    outcomes = {}
    with live.client("admin") as admin:
        document = admin.get("/export").json() if write.path == "/import" else None
        for actor in ACTORS:
            values: dict[str, Any] = dict(live.ids)
            values.update(write.prepare(admin, live.ids))
            values["document"] = document
            with live.client(actor) as http:
                response = http.request(
                    write.method,
                    _fill(write.path, values),
                    params=write.params,
                    json=write.body(values) if write.body else None,
                    content=write.csv(values).encode() if write.csv else None,
                    headers={"content-type": "text/csv"} if write.csv else None,
                )
            if response.status_code not in _expected(write, actor):
                outcomes[str(actor)] = (response.status_code, response.text[:200])
    assert outcomes == {}


def test_the_table_names_every_write_endpoint(live: Any) -> None:
    spec = httpx.get(live.base_url + "/api/openapi.json").json()
    served = {
        (method.upper(), re.sub(r"\{[^}]+\}", "{}", path.removeprefix("/api/v1")))
        for path, operations in spec["paths"].items()
        for method in operations
        if path.startswith("/api/v1") and method in ("post", "patch", "put", "delete")
    }
    in_table = {(w.method, re.sub(r"\{[^}]+\}", "{}", w.path)) for w in WRITES}
    assert served - in_table == set()
