"""A workspace document meets the API's field rules: on SQLite and on PostgreSQL alike, a
field the API refuses is refused with its document path, and nothing is stored."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from fixed_time import clock
from headway.domain.errors import FieldProblem, ValidationFailed
from headway.services.documents.imports import import_workspace
from headway.store.tables import metadata
from headway.store.uow import UnitOfWork


def _document() -> dict[str, Any]:
    """Three objectives of two metric key results, each with an initiative: all valid."""
    objectives = [
        {
            "key": f"o{i}",
            "title": f"Objective {i}",
            "period": "2026-Q4",
            "owner_unit": "co",
            "key_results": [
                {
                    "key": f"kr{i}-{j}",
                    "title": f"Key result {j}",
                    "kind": "metric",
                    "unit_label": "%",
                    "start": 0,
                    "target": 10,
                    "initiatives": [{"title": "Plan", "link": "https://wiki.example.com"}],
                }
                for j in range(2)
            ],
        }
        for i in range(3)
    ]
    return {
        "workspace": "Field Co",
        "units": [{"key": "co", "name": "Field Co", "kind": "company"}],
        "periods": [
            {"name": "2026-Q4", "kind": "custom", "start": "2026-10-01", "end": "2026-12-31"}
        ],
        "kpis": [
            {
                "key": "nps",
                "name": "Net Promoter Score",
                "owner_unit": "co",
                "category": "Customer",
                "unit_label": "NPS",
                "direction": "higher_is_better",
                "target": 50,
                "cadence": "monthly",
                "aggregation": "last",
            }
        ],
        "objectives": objectives,
    }


def _set(document: dict[str, Any], path: str, value: object) -> None:
    """Put `value` at a document path such as `objectives[2].key_results[0].unit_label`."""
    *parents, last = re.findall(r"\w+|\[\d+\]", path)
    here: Any = document
    for part in parents:
        here = here[int(part[1:-1])] if part.startswith("[") else here[part]
    here[last] = value


def _stored_rows(uow: UnitOfWork) -> int:
    with uow.reading():
        return sum(
            uow.conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        )


def test_the_document_imports_as_it_is(uow: UnitOfWork) -> None:
    result = import_workspace(uow, _document(), actor_label="test", clock=clock)
    assert (result.counts["key_results"], result.counts["initiatives"]) == (6, 6)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        pytest.param(
            "kpis[0].category",
            "c" * 120,
            "must be at most 100 characters (got 120)",
            id="kpi-category",
        ),
        pytest.param(
            "objectives[2].key_results[0].unit_label",
            "u" * 70,
            "must be at most 50 characters (got 70)",
            id="key-result-unit-label",
        ),
        pytest.param(
            "objectives[0].key_results[1].initiatives[0].link",
            "javascript:alert(1)",
            "must be a web address starting http:// or https://",
            id="initiative-link",
        ),
    ],
)
def test_a_field_the_api_refuses_is_refused_at_its_path_and_nothing_is_stored(
    uow: UnitOfWork, path: str, value: str, message: str
) -> None:
    document = _document()
    _set(document, path, value)
    with pytest.raises(ValidationFailed) as refused:
        import_workspace(uow, document, actor_label="test", clock=clock)
    assert refused.value.problems == [FieldProblem(path, message)]
    assert _stored_rows(uow) == 0
