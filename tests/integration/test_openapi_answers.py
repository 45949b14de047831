"""The OpenAPI document describes every answer: a schema for each success, problem+json errors."""

from __future__ import annotations

from typing import Any

import pytest

from headway.config import load_settings
from headway.web.app import create_app

# Keys that describe a schema without constraining anything: a schema of only these is empty.
_ANNOTATIONS = {"title", "description", "default", "examples", "deprecated"}
_REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app(load_settings(database_url="sqlite://")).openapi()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    ]


def _is_empty(schema: dict[str, Any] | None, spec: dict[str, Any]) -> bool:
    """No schema, one of annotations only, or one whose every $ref or branch is empty."""
    if not schema or set(schema) <= _ANNOTATIONS:
        return True
    if "$ref" in schema:
        target = spec["components"]["schemas"].get(schema["$ref"].removeprefix(_REF))
        return _is_empty(target, spec)
    for branches in ("anyOf", "oneOf", "allOf"):
        if branches in schema:
            return any(_is_empty(branch, spec) for branch in schema[branches])
    return False


def test_every_success_answer_has_a_schema(spec: dict[str, Any]) -> None:
    bare = []
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            content = response.get("content", {})
            if not content:
                bare.append(f"{method} {path} {status}: no media type")
            for media, body in content.items():
                if _is_empty(body.get("schema"), spec):
                    bare.append(f"{method} {path} {status} {media}")
    assert bare == []


def test_the_json_answers_are_the_models_of_the_interface(spec: dict[str, Any]) -> None:
    paths = spec["paths"]

    def answer(path: str, method: str = "get", status: str = "200") -> str:
        schema = paths["/api/v1" + path][method]["responses"][status]["content"]
        return str(schema["application/json"]["schema"].get("$ref", "")).removeprefix(_REF)

    assert answer("/objectives") == "Page_ObjectiveOut_"
    assert answer("/objectives/{objective_id}") == "ObjectiveOut"
    assert answer("/kpis/{kpi_id}/propose-okr", "post") == "ObjectiveDraftOut"
    assert answer("/kpis/{kpi_id}/propose-okr", "post", "201") == "ObjectiveOut"
    assert answer("/reports/period/{period_id}") == "PeriodReportOut"
    assert answer("/export") == "WorkspaceDoc"
    report = paths["/api/v1/reports/period/{period_id}"]["get"]["responses"]["200"]["content"]
    assert {"text/markdown", "text/html"} <= set(report)
    # YAML holds the same document as JSON: a media type's schema describes the data, not text.
    export = paths["/api/v1/export"]["get"]["responses"]["200"]["content"]
    assert export["application/yaml"]["schema"] == {"$ref": _REF + "WorkspaceDoc"}
    imported = paths["/api/v1/import"]["post"]["requestBody"]["content"]
    assert imported["application/yaml"] == imported["application/json"]


def test_api_errors_are_documented_as_problem_json(spec: dict[str, Any]) -> None:
    assert not _is_empty(spec["components"]["schemas"].get("Problem"), spec)
    wrong = []
    for method, path, operation in _operations(spec):
        if not path.startswith("/api/v1"):
            continue
        for status in ("401", "403", "404", "409", "422"):
            content = operation["responses"].get(status, {}).get("content", {})
            if set(content) != {"application/problem+json"}:
                wrong.append(f"{method} {path} {status}: {sorted(content)}")
                continue
            if content["application/problem+json"]["schema"] != {"$ref": _REF + "Problem"}:
                wrong.append(f"{method} {path} {status}: not the Problem schema")
    assert wrong == []


def test_every_operation_that_takes_a_body_declares_the_413_of_an_oversized_one(
    spec: dict[str, Any],
) -> None:
    writes = [(m, p, o) for m, p, o in _operations(spec) if m in {"POST", "PUT", "PATCH"}]
    assert writes, "the API has write operations"
    undeclared = [
        f"{method} {path}"
        for method, path, operation in writes
        if "application/problem+json"
        not in operation["responses"].get("413", {}).get("content", {})
    ]
    assert undeclared == []
    reads = [o for m, _, o in _operations(spec) if m == "GET"]
    assert all("413" not in o["responses"] for o in reads)
