"""What every API client relies on: health, the OpenAPI document, docs offline, error format."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

# Every path of the README's HTTP API (with {id} placeholders), by method.
INTERFACE_PATHS = {
    "/units": {"get", "post"},
    "/units/{id}": {"get", "patch", "delete"},
    "/people": {"get", "post"},
    "/people/{id}": {"get", "patch"},
    "/periods": {"get", "post"},
    "/periods/{id}": {"get", "patch"},
    "/periods/{id}/close": {"post"},
    "/objectives": {"get", "post"},
    "/objectives/{id}": {"get", "patch", "delete"},
    "/objectives/{id}/key-results": {"post"},
    "/key-results/{id}": {"get", "patch", "delete"},
    "/key-results/{id}/check-ins": {"get", "post"},
    "/key-results/{id}/initiatives": {"get", "post"},
    "/initiatives/{id}": {"patch", "delete"},
    "/kpis": {"get", "post"},
    "/kpis/{id}": {"get", "patch", "delete"},
    "/kpis/{id}/measurements": {"get", "post"},
    "/kpis/{id}/propose-okr": {"post"},
    "/dashboard": {"get"},
    "/lint": {"get"},
    "/reports/period/{id}": {"get"},
    "/audit": {"get"},
    "/import": {"post"},
    "/export": {"get"},
    "/me/notifications": {"get", "patch"},
}


def test_healthz_answers_without_credentials(live: Any) -> None:
    response = httpx.get(live.base_url + "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_lists_every_path_of_the_interface(live: Any) -> None:
    spec = httpx.get(live.base_url + "/api/openapi.json").json()
    served: dict[str, set[str]] = {}
    for path, operations in spec["paths"].items():
        if path.startswith("/api/v1"):
            generic = re.sub(r"\{[^}]+\}", "{id}", path.removeprefix("/api/v1"))
            served.setdefault(generic, set()).update(operations)
    missing = {
        path: methods - served.get(path, set())
        for path, methods in INTERFACE_PATHS.items()
        if methods - served.get(path, set())
    }
    assert missing == {}


def test_the_api_docs_work_offline(live: Any) -> None:
    page = httpx.get(live.base_url + "/api/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets
    assert all(a.startswith("/") for a in assets), assets
    for asset in assets:
        assert httpx.get(live.base_url + asset).status_code == 200, asset


def test_unknown_paths_and_methods_answer_problem_json(live: Any) -> None:
    with live.client("admin") as http:
        missing = http.get("/no-such-thing")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert missing.json()["status"] == 404
        wrong = http.put("/units")
        assert wrong.status_code == 405
        assert wrong.json()["title"] == "Method not allowed"
        # RFC 9110 asks for Allow on a 405; Starlette fills it from the path's first route.
        assert "GET" in wrong.headers["allow"].split(", ")


def test_malformed_json_and_unknown_fields_are_422_naming_the_field(live: Any) -> None:
    with live.client("admin") as http:
        broken = http.post(
            "/units", content=b'{"name": "x",', headers={"content-type": "application/json"}
        )
        assert broken.status_code == 422
        assert broken.json()["errors"]
        extra = http.post(
            "/units",
            json={"name": "x", "kind": "team", "parent_id": live.ids["unit:co"], "colour": "red"},
        )
        assert extra.status_code == 422
        assert [e["field"] for e in extra.json()["errors"]] == ["colour"]
        wrong_type = http.post("/units", json={"name": 5, "kind": "team"})
        assert wrong_type.status_code == 422
        assert "name" in {e["field"] for e in wrong_type.json()["errors"]}


def test_unknown_query_parameters_are_422_naming_each(live: Any) -> None:
    """A typo (`unti` for `unit`) must not answer as if no filter had been asked for."""
    with live.client("admin") as http:
        typo = http.get("/kpis", params={"unti": live.ids["unit:support"], "limit": 5})
        assert typo.status_code == 422, typo.text
        assert [e["field"] for e in typo.json()["errors"]] == ["unti"]
        two = http.get("/objectives/" + str(live.ids["objective:cx"]), params={"b": 1, "a": 2})
        assert [e["field"] for e in two.json()["errors"]] == ["a", "b"]
        assert http.get("/kpis", params={"unit": live.ids["unit:support"]}).status_code == 200
    with live.client(None) as anonymous:
        assert anonymous.get("/kpis", params={"unti": 1}).status_code == 401
    health = httpx.get(live.base_url + "/healthz", params={"verbose": 1})
    assert health.status_code == 422
    assert [e["field"] for e in health.json()["errors"]] == ["verbose"]


TOO_LARGE = str(2**63)  # one past the largest id a database integer column holds


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("GET", "/units/ID", "unit_id"),
        ("GET", "/people/ID", "person_id"),
        ("GET", "/periods/ID", "period_id"),
        ("POST", "/periods/ID/close", "period_id"),
        ("GET", "/objectives/ID", "objective_id"),
        ("GET", "/kpis/ID", "kpi_id"),
        ("GET", "/kpis/ID/measurements", "kpi_id"),
        ("POST", "/kpis/ID/propose-okr", "kpi_id"),
        ("DELETE", "/tokens/ID", "token_id"),
        ("GET", "/reports/period/ID", "period_id"),
        ("GET", "/kpis?unit=ID", "unit"),
        ("GET", "/dashboard?period=ID", "period"),
        ("GET", "/lint?period=ID", "period"),
        ("GET", "/audit?subject_id=ID", "subject_id"),
        ("GET", "/audit?actor_id=ID", "actor_id"),
    ],
)
@pytest.mark.parametrize("row_id", ["0", TOO_LARGE])
def test_ids_out_of_range_are_422_naming_the_parameter(
    live: Any, method: str, path: str, field: str, row_id: str
) -> None:
    with live.client("admin") as http:
        answer = http.request(method, path.replace("ID", row_id))
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == [field]
