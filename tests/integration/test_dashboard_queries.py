"""The dashboard and the KPI list cost a fixed number of queries, whatever the company's size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sent_statements import statements

from headway.domain.model import Health, StatusThresholds
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.services.kpis.kpis import list_kpis
from headway.services.reads.dashboard import dashboard
from headway.store.uow import UnitOfWork

AS_OF = date(2026, 11, 15)


def _clock() -> datetime:
    return datetime(2026, 11, 16, tzinfo=UTC)


def _company(name: str, departments: int) -> dict[str, Any]:
    """Per department: a head, two KPIs with measurements, an objective with authored check-ins."""
    units = [{"key": "co", "name": name, "kind": "company"}]
    people, kpis, objectives = [], [], []
    for d in range(departments):
        units.append({"key": f"d{d}", "name": f"Dept {d}", "kind": "department", "parent": "co"})
        people.append(
            {
                "key": f"p{d}",
                "name": f"Head {d}",
                "email": f"head{d}@example.com",
                "role": "member",
                "units": [f"d{d}"],
            }
        )
        for k in range(2):
            kpis.append(
                {
                    "key": f"k{d}-{k}",
                    "name": f"KPI {d}.{k}",
                    "owner_unit": f"d{d}",
                    "category": f"Category {k}",
                    "direction": "higher_is_better",
                    "target": 100,
                    "warning": 80,
                    "cadence": "weekly",
                    "aggregation": "mean",
                    "measurements": [
                        {"at": f"2026-11-{day:02d}", "value": 70 + day} for day in (2, 9)
                    ],
                }
            )
        objectives.append(
            {
                "key": f"o{d}",
                "title": f"Objective of dept {d}",
                "period": "Q4",
                "owner_unit": f"d{d}",
                "owner": f"p{d}",
                "key_results": [
                    {
                        "key": f"o{d}-kr{i}",
                        "title": f"KR {i}",
                        "kind": "metric",
                        "start": 0,
                        "target": 10,
                        "owner": f"p{d}",
                        "check_ins": [
                            {"date": "2026-10-20", "value": i, "author": f"p{d}"},
                            {"date": "2026-11-10", "value": i + 2, "note": "n", "author": f"p{d}"},
                        ],
                    }
                    for i in range(3)
                ]
                + [
                    {
                        "key": f"o{d}-kpi",
                        "title": "KPI-linked",
                        "kind": "metric",
                        "start": 70,
                        "target": 100,
                        "kpi": f"k{d}-0",
                    }
                ],
            }
        )
    return {
        "workspace": name,
        "units": units,
        "people": people,
        "periods": [{"name": "Q4", "kind": "quarter", "start": "2026-10-01", "end": "2026-12-31"}],
        "kpis": kpis,
        "objectives": objectives,
    }


def _statements(uow: UnitOfWork, use_case: Callable[[], object]) -> int:
    with statements(uow.engine) as sent:
        use_case()
    return len(sent)


def _costs(uow: UnitOfWork, name: str, departments: int) -> dict[str, int]:
    import_workspace(uow, _company(name, departments), actor_label="test", clock=_clock)
    workspace = resolve_workspace(uow, name)

    def board() -> None:
        result = dashboard(uow, workspace, as_of=AS_OF, thresholds=StatusThresholds(), clock=_clock)
        assert sum(result.objectives_by_status.values()) == departments
        assert len(result.recent_check_ins) == min(10, 6 * departments)
        assert all(c.author_name for c in result.recent_check_ins)

    def kpi_page(health: Health | None) -> Callable[[], None]:
        def run() -> None:
            reading = list_kpis(
                uow, workspace, health=health, as_of=AS_OF, after_id=0, limit=500, clock=_clock
            )
            assert len(reading.kpis) == 2 * departments

        return run

    costs = {
        "dashboard": _statements(uow, board),
        "kpis": _statements(uow, kpi_page(None)),
        "kpis by health": _statements(uow, kpi_page(Health.CRITICAL)),
    }
    return costs


def test_dashboard_and_kpi_list_issue_the_same_few_queries_for_any_company_size(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    small = _costs(uows(migrated_url), "Small", 2)
    large = _costs(uows(migrated_url), "Large", 40)
    assert small == large
    assert large["dashboard"] <= 14
    assert large["kpis"] <= 4
