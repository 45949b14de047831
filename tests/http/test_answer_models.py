"""Every main GET answer, over real HTTP, is exactly the model its route declares.

The body is validated as the JSON it is, in strict mode: a field the model lacks (the models
forbid extras), a field the body lacks (every field is required) or a value of another type
("3" for 3, 1 for true) fails. The model is looked up on the API's routes, so a route that
declares one model and answers another fails too.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from headway.web.app import API_ROUTERS

AS_OF = "2026-11-15"


@cache
def _declared_models() -> dict[str, Any]:
    """Each GET route's response model, by path template under /api/v1 (`/kpis/{kpi_id}`)."""
    return {
        route.path: route.response_model
        for module in API_ROUTERS
        for route in module.router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods
    }


def _checked(
    http: httpx.Client, template: str, params: dict[str, Any] | None = None, **ids: int
) -> Any:
    """GET the path, and validate its body against the model the route declares."""
    model = _declared_models()[template]
    assert model is not None, f"{template} declares no response model"
    response = http.get(template.format(**ids), params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    TypeAdapter(model).validate_json(response.content, strict=True)
    return response.json()


def _a_page(
    http: httpx.Client, template: str, params: dict[str, Any] | None = None, **ids: int
) -> None:
    body = _checked(http, template, params, **ids)
    # An empty page would prove nothing about the items' model.
    assert body["items"], f"{template} answered no items to check"


def test_okr_answers_are_their_declared_models(live: Any) -> None:
    ids = live.ids
    with live.client("admin") as http:
        _a_page(http, "/objectives", {"as_of": AS_OF})
        _checked(http, "/objectives/{objective_id}", objective_id=ids["objective:cx"])
        _checked(http, "/key-results/{key_result_id}", key_result_id=ids["key_result:deals"])
        _a_page(
            http, "/key-results/{key_result_id}/check-ins", key_result_id=ids["key_result:deals"]
        )
        _a_page(
            http, "/key-results/{key_result_id}/initiatives", key_result_id=ids["key_result:reply"]
        )


def test_kpi_answers_are_their_declared_models(live: Any) -> None:
    with live.client("admin") as http:
        _a_page(http, "/kpis", {"as_of": AS_OF})
        _checked(http, "/kpis/{kpi_id}", {"as_of": AS_OF}, kpi_id=live.ids["kpi:arr"])
        _a_page(http, "/kpis/{kpi_id}/measurements", kpi_id=live.ids["kpi:arr"])


def test_workspace_answers_are_their_declared_models(live: Any) -> None:
    with live.client("admin") as http:
        _a_page(http, "/units")
        _checked(http, "/units/{unit_id}", unit_id=live.ids["unit:support"])
        _a_page(http, "/people")
        _checked(http, "/people/{person_id}", person_id=live.ids["person:ceo"])
        _a_page(http, "/tokens")
        _a_page(http, "/audit")


def test_insight_answers_are_their_declared_models(live: Any) -> None:
    period = live.ids["period:2026-Q4"]
    with live.client("viewer") as http:
        board = _checked(http, "/dashboard", {"as_of": AS_OF})
        assert board["at_risk"] and board["recent_check_ins"] and board["findings"]
        _checked(http, "/lint", {"period": period, "as_of": AS_OF})
        report = _checked(http, "/reports/period/{period_id}", {"as_of": AS_OF}, period_id=period)
        assert report["objectives"] and report["kpis"]


def test_periods_with_and_without_grades_are_their_declared_model(live: Any) -> None:
    with live.client("admin") as http:
        _a_page(http, "/periods")
        _checked(http, "/periods/{period_id}", period_id=live.ids["period:2026-Q4"])
        # A closed period answers its grades: of an objective and of its key result.
        made = http.post(
            "/periods",
            json={
                "name": "Graded",
                "kind": "custom",
                "start_date": "2026-01-01",
                "end_date": "2026-03-31",
                "state": "active",
            },
        )
        assert made.status_code == 201, made.text
        period_id = made.json()["id"]
        objective = http.post(
            "/objectives",
            json={
                "title": "Ship the beta",
                "period_id": period_id,
                "owner_unit_id": live.ids["unit:co"],
            },
        )
        assert objective.status_code == 201, objective.text
        kr = http.post(
            f"/objectives/{objective.json()['id']}/key-results",
            json={"title": "Beta is live", "kind": "milestone"},
        )
        assert kr.status_code == 201, kr.text
        assert http.post(f"/periods/{period_id}/close").status_code == 200
        closed = _checked(http, "/periods/{period_id}", period_id=period_id)
    assert {"objective_id", "key_result_id"} <= {k for g in closed["grades"] for k in g}


def test_the_check_fails_on_a_field_too_many_too_few_or_of_another_type(live: Any) -> None:
    with live.client("viewer") as http:
        kpi = _checked(http, "/kpis/{kpi_id}", kpi_id=live.ids["kpi:arr"])
    model = TypeAdapter(_declared_models()["/kpis/{kpi_id}"])
    without_health = {k: v for k, v in kpi.items() if k != "health"}
    for wrong in ({**kpi, "surplus": 1}, without_health, {**kpi, "id": str(kpi["id"])}):
        with pytest.raises(ValidationError):
            model.validate_json(json.dumps(wrong), strict=True)
