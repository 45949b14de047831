"""Listing objectives with their key results and figures costs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sent_statements import statements

from headway.domain.model import Status, StatusThresholds
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.services.reads.queries import list_objectives
from headway.store.uow import UnitOfWork

AS_OF = date(2026, 11, 15)


def _company(name: str, departments: int, *, contributions: bool = False) -> dict[str, Any]:
    """Per department an objective with three check-in KRs; every other one in Q3, not Q4.
    With `contributions`, each Q4 objective but the first also serves the Q4 one before it."""
    units = [{"key": "co", "name": name, "kind": "company"}]
    objectives = []
    for d in range(departments):
        units.append({"key": f"d{d}", "name": f"Dept {d}", "kind": "department", "parent": "co"})
        objectives.append(
            {
                "key": f"o{d}",
                "title": f"Objective of dept {d}",
                "period": "Q4" if d % 2 else "Q3",
                "owner_unit": f"d{d}",
                **({"parent": "o0"} if d else {}),
                **({"contributes_to": [f"o{d - 2}"]} if contributions and d % 2 and d > 1 else {}),
                "key_results": [
                    {
                        "key": f"o{d}-kr{i}",
                        "title": f"KR {i}",
                        "kind": "metric",
                        "start": 0,
                        "target": 10,
                        "check_ins": [{"date": "2026-09-20", "value": i + d % 3}],
                    }
                    for i in range(3)
                ],
            }
        )
    return {
        "workspace": name,
        "units": units,
        "periods": [
            {"name": "Q3", "kind": "quarter", "start": "2026-07-01", "end": "2026-09-30"},
            {"name": "Q4", "kind": "quarter", "start": "2026-10-01", "end": "2026-12-31"},
        ],
        "objectives": objectives,
    }


def _statements_for_list(
    uow: UnitOfWork, name: str, departments: int, *, contributions: bool = False, **filters: Any
) -> int:
    clock = lambda: datetime(2026, 11, 16, tzinfo=UTC)  # noqa: E731
    company = _company(name, departments, contributions=contributions)
    import_workspace(uow, company, actor_label="test", clock=clock)
    workspace = resolve_workspace(uow, name)
    with statements(uow.engine) as sent:
        reads = list_objectives(
            uow,
            workspace,
            as_of=AS_OF,
            thresholds=StatusThresholds(),
            after_id=0,
            limit=500,
            **filters,
        )
    if not filters:
        assert len(reads) == departments
        assert all(len(r.key_results) == 3 for r in reads)
        serving = {r.objective.title: r.objective.contributes_to for r in reads}
        ids = {r.objective.title: r.objective.id for r in reads}
        assert serving == {
            f"Objective of dept {d}": (ids[f"Objective of dept {d - 2}"],)
            if contributions and d % 2 and d > 1
            else ()
            for d in range(departments)
        }
    return len(sent)


def test_listing_objectives_issues_the_same_few_queries_for_any_company_size(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    small = _statements_for_list(uows(migrated_url), "Small", 2)
    large = _statements_for_list(uows(migrated_url), "Large", 100)
    assert small == large
    assert large <= 12


def test_a_status_filter_costs_no_more_queries(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    plain = _statements_for_list(uows(migrated_url), "Plain", 30)
    filtered = _statements_for_list(uows(migrated_url), "Filtered", 30, status=Status.OFF_TRACK)
    assert filtered == plain


def test_contributions_cost_no_query_per_objective(
    uows: Callable[[str], UnitOfWork], migrated_url: str
) -> None:
    plain = _statements_for_list(uows(migrated_url), "Unlinked", 30)
    linked = _statements_for_list(uows(migrated_url), "Linked", 30, contributions=True)
    assert linked == plain
