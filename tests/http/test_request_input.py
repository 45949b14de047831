"""What a request carries besides its fields, over real HTTP on SQLite and PostgreSQL (issue 9,
findings 6 and 8): JSON nested ten thousand deep, a 5,000-digit integer, a lone surrogate and
a date written as a number are each a 422 problem+json naming what is wrong, never a 400 or
a 500, and change nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from objective_rows import database as _db

from headway.domain.json_text import MAX_DEPTH, MAX_INTEGER_DIGITS
from headway.store import tables as t
from headway.web.app import API_ROUTERS
from headway.web.json_request import JsonRoute

JSON = {"content-type": "application/json"}


def _problem(answer: httpx.Response, status: int = 422) -> list[dict[str, str]]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return list(answer.json().get("errors") or [])


def _objectives(live: Any) -> int:
    engine = _db(live)
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(t.objective)).scalar()
    engine.dispose()
    return int(count or 0)


def _objective_body(live: Any, title: str = "Bounded") -> str:
    period, unit = live.ids["period:2026-Q4"], live.ids["unit:sales"]
    return f'{{"title": "{title}", "period_id": {period}, "owner_unit_id": {unit}'


# --- JSON bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000])
def test_json_nested_too_deep_is_a_422_naming_the_bound(live: Any, depth: int) -> None:
    before = _objectives(live)
    nested = "[" * depth + "]" * depth
    with live.client("admin") as http:
        answer = http.post(
            "/objectives",
            content=_objective_body(live) + f', "description": {nested}}}',
            headers=JSON,
        )
    assert _problem(answer) == [
        {"field": "body", "message": f"nests arrays and objects deeper than {MAX_DEPTH} levels"}
    ]
    assert _objectives(live) == before


@pytest.mark.parametrize("digits", [MAX_INTEGER_DIGITS + 1, 5000])
def test_a_huge_integer_is_a_422_naming_the_bound(live: Any, digits: int) -> None:
    before = _objectives(live)
    with live.client("admin") as http:
        answer = http.post(
            "/objectives",
            content=_objective_body(live) + f', "parent_id": {"9" * digits}}}',
            headers=JSON,
        )
        change = http.patch(
            f"/key-results/{live.ids['key_result:qbrs']}",
            content=f'{{"target_value": -{"1" * digits}}}',
            headers=JSON,
        )
    message = f"holds an integer of more than {MAX_INTEGER_DIGITS} digits"
    assert _problem(answer) == [{"field": "body", "message": message}]
    assert _problem(change) == [{"field": "body", "message": message}]
    assert _objectives(live) == before


def test_an_integer_within_the_bound_still_reaches_the_field_rule(live: Any) -> None:
    with live.client("admin") as http:
        answer = http.patch(
            f"/key-results/{live.ids['key_result:qbrs']}",
            content=f'{{"target_value": {"9" * 40}}}',
            headers=JSON,
        )
    assert [e["field"] for e in _problem(answer)] == ["target_value"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "a\\ud800b"}', "name"),
        ('{"name": "Pat", "x\\udc00": 1}', "body"),
        ('{"name": ["\\udfff"]}', "name[0]"),
    ],
)
def test_a_lone_surrogate_anywhere_in_a_body_is_a_422_not_a_500(
    live: Any, body: str, field: str
) -> None:
    with live.client("admin") as http:
        answer = http.patch(
            f"/people/{live.ids['person:auditor']}", content=body.encode(), headers=JSON
        )
        assert _problem(answer) == [
            {"field": field, "message": "must be Unicode text (it holds a lone surrogate)"}
        ]
        assert http.get(f"/people/{live.ids['person:auditor']}").json()["name"] == "Board Observer"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"name": ', "is not valid JSON: Expecting value"),
        (b'{"name": "\xff"}', "is not UTF-8 text"),
        (b'{"name": "\xed\xa0\x80"}', "is not UTF-8 text"),  # a surrogate, UTF-8 encoded
    ],
)
def test_a_body_that_is_not_json_is_a_422_saying_why(live: Any, content: bytes, says: str) -> None:
    with live.client("admin") as http:
        answer = http.patch(f"/people/{live.ids['person:auditor']}", content=content, headers=JSON)
    [error] = _problem(answer)
    assert error["field"] == "body"
    assert error["message"].startswith(says)


def test_a_good_body_still_works_through_the_bounded_reader(live: Any) -> None:
    with live.client("admin") as http:
        made = http.post(
            "/objectives", content=_objective_body(live, "Via the reader") + "}", headers=JSON
        )
        assert made.status_code == 201, made.text
        assert made.json()["title"] == "Via the reader"
        assert http.delete(f"/objectives/{made.json()['id']}").status_code == 204


def test_every_operation_that_takes_a_json_body_reads_it_with_the_bounded_reader() -> None:
    routes = [route for module in API_ROUTERS for route in module.router.routes]
    with_body = [r for r in routes if isinstance(r, APIRoute) and r.body_field is not None]
    assert len(with_body) >= 19
    assert [r.path for r in with_body if not isinstance(r, JsonRoute)] == []


# --- dates in the query ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "20261116", "1763251200", "2026-W47-1", "2026-320"])
@pytest.mark.parametrize("path", ["/objectives", "/kpis", "/dashboard", "/lint"])
def test_as_of_is_an_iso_date_or_a_422_naming_it(live: Any, path: str, value: str) -> None:
    with live.client("admin") as http:
        answer = http.get(path, params={"as_of": value})
    assert _problem(answer) == [
        {"field": "as_of", "message": "must be an ISO 8601 date (YYYY-MM-DD)"}
    ]


def test_as_of_as_an_iso_date_is_read(live: Any) -> None:
    with live.client("admin") as http:
        answer = http.get(f"/objectives/{live.ids['objective:cx']}", params={"as_of": "2026-11-01"})
    assert answer.status_code == 200, answer.text


def test_a_measurement_range_is_iso_dates_too(live: Any) -> None:
    with live.client("admin") as http:
        answer = http.get(
            f"/kpis/{live.ids['kpi:reply-time']}/measurements", params={"from": "0", "to": "1"}
        )
    assert sorted(e["field"] for e in _problem(answer)) == ["from", "to"]
