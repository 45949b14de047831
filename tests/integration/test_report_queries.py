"""A period report costs a fixed number of queries, whatever the size of the company."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sent_statements import statements

from headway.domain.model import StatusThresholds
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.services.reads.reports import period_report
from headway.store.uow import UnitOfWork

AS_OF = date(2026, 11, 15)


def _company(name: str, departments: int) -> dict[str, Any]:
    """A synthetic company: per department a KPI, an objective with 3 KRs and check-ins."""
    units = [{"key": "co", "name": name, "kind": "company"}]
    kpis, objectives = [], []
    for d in range(departments):
        units.append({"key": f"d{d}", "name": f"Dept {d}", "kind": "department", "parent": "co"})
        kpis.append(
            {
                "key": f"k{d}",
                "name": f"KPI {d}",
                "owner_unit": f"d{d}",
                "direction": "higher_is_better",
                "target": 100,
                "warning": 80,
                "cadence": "weekly",
                "aggregation": "mean",
                "measurements": [{"at": f"2026-11-{day:02d}", "value": 70 + day} for day in (2, 9)],
            }
        )
        objectives.append(
            {
                "key": f"o{d}",
                "title": f"Objective of dept {d}",
                "period": "Q4",
                "owner_unit": f"d{d}",
                "type": "committed",
                **({"parent_kr": "roll"} if d else {}),
                "key_results": [
                    {
                        "key": f"o{d}-kr{i}",
                        "title": f"KR {i}",
                        "kind": "metric",
                        "start": 0,
                        "target": 10,
                        "check_ins": [
                            {"date": "2026-10-20", "value": i},
                            {"date": "2026-11-10", "value": i + 2},
                        ],
                    }
                    for i in range(3)
                ]
                + (
                    [{"key": "roll", "title": "Departments deliver", "kind": "rollup"}]
                    if d == 0
                    else [
                        {
                            "key": f"o{d}-kpi",
                            "title": "KPI",
                            "kind": "metric",
                            "start": 70,
                            "target": 100,
                            "kpi": f"k{d}",
                        }
                    ]
                ),
            }
        )
    return {
        "workspace": name,
        "units": units,
        "periods": [{"name": "Q4", "kind": "quarter", "start": "2026-10-01", "end": "2026-12-31"}],
        "kpis": kpis,
        "objectives": objectives,
    }


def _statements_for_report(uow: UnitOfWork, name: str, departments: int) -> int:
    clock = lambda: datetime(2026, 11, 16, tzinfo=UTC)  # noqa: E731
    import_workspace(uow, _company(name, departments), actor_label="test", clock=clock)
    workspace = resolve_workspace(uow, name)
    with statements(uow.engine) as sent:
        report = period_report(
            uow, workspace, period="Q4", as_of=AS_OF, thresholds=StatusThresholds(), clock=clock
        )
    assert len(report.objectives()) == departments
    return len(sent)


def test_period_report_issues_the_same_few_queries_for_any_company_size(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    small = _statements_for_report(uows(migrated_url), "Small", 2)
    large = _statements_for_report(uows(migrated_url), "Large", 40)
    assert small == large
    assert large <= 12
