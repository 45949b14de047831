"""The dashboard and the KPI list cost a fixed number of queries, whatever the company's size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sent_statements import statements_with_parameters

from headway.domain.kpi import last_buckets
from headway.domain.model import Health, StatusThresholds
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.services.kpis.kpis import KpiListPage, get_kpi, kpi_list_page, list_kpis, list_order
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


def _sent(uow: UnitOfWork, use_case: Callable[[], object]) -> list[tuple[str, Any]]:
    """Every statement the use case sends, with its parameters."""
    with statements_with_parameters(uow.engine) as sent:
        use_case()
    return sent


def _statements(uow: UnitOfWork, use_case: Callable[[], object]) -> int:
    return len(_sent(uow, use_case))


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


# --- the KPI list reads a window of buckets per KPI, not every measurement ----------------------

WEEKS = 100  # of weekly measurements up to AS_OF, a Sunday
GAP = 4  # the gappy KPI was not measured this many weeks before AS_OF's


def _weekly(weeks: range, *, skip: int | None = None) -> list[dict[str, Any]]:
    """A measurement each week `weeks` back from AS_OF's, two in the latest."""
    rows = [
        {"at": (AS_OF - timedelta(weeks=w)).isoformat(), "value": 50 + (w * 13) % 60}
        for w in weeks
        if w != skip
    ]
    return rows + [{"at": AS_OF.isoformat(), "value": 90}] if 0 in weeks else rows


def _history(name: str, regular: int) -> dict[str, Any]:
    """`regular` KPIs measured every week for WEEKS weeks, one measured with a gap, one last
    measured a year ago, one never measured."""

    def kpi(key: str, measurements: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "key": key,
            "name": f"KPI {key}",
            "owner_unit": "co",
            "direction": "higher_is_better",
            "target": 100,
            "warning": 80,
            "cadence": "weekly",
            "aggregation": "mean",
            "measurements": measurements,
        }

    kpis = [kpi(f"k{i}", _weekly(range(WEEKS))) for i in range(regular)]
    kpis.append(kpi("gappy", _weekly(range(WEEKS), skip=GAP)))
    kpis.append(kpi("stale", _weekly(range(52, WEEKS))))
    kpis.append(kpi("unmeasured", []))
    return {
        "workspace": name,
        "units": [{"key": "co", "name": name, "kind": "company"}],
        "kpis": kpis,
    }


def _list_reads(uow: UnitOfWork, name: str, buckets: int) -> tuple[int, int]:
    """The statements the KPI list sends, and the measurements their answers hold (each
    SELECT sent again on a connection of its own and its rows counted)."""
    workspace = resolve_workspace(uow, name)
    readings = []

    def run() -> None:
        readings.append(
            list_kpis(
                uow,
                workspace,
                as_of=AS_OF,
                after_id=0,
                limit=500,
                series_buckets=buckets,
                clock=_clock,
            )
        )

    sent = _sent(uow, run)
    (reading,) = readings
    for kpi in reading.kpis:
        whole = get_kpi(uow, workspace, kpi.id, as_of=AS_OF, clock=_clock).figures.kpis[kpi.id]
        assert reading.figures.kpis[kpi.id] == last_buckets(whole, buckets), kpi.key
    return len(sent), _measurements_read(uow, sent)


def _measurements_read(uow: UnitOfWork, sent: list[tuple[str, Any]]) -> int:
    """The measurements the answers to these statements hold (each SELECT of measurement
    values sent again on a connection of its own and its rows counted)."""
    rows = 0
    with uow.engine.connect() as conn:
        for statement, parameters in sent:
            if statement.lstrip().upper().startswith("SELECT") and "measurement.value" in statement:
                rows += len(conn.exec_driver_sql(statement, parameters).all())
    return rows


def test_the_kpi_list_reads_each_kpi_s_window_of_buckets_in_a_fixed_number_of_queries(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    uow = uows(migrated_url)
    import_workspace(uow, _history("Few", 2), actor_label="test", clock=_clock)
    import_workspace(uow, _history("Many", 30), actor_label="test", clock=_clock)
    # The sparklines' 12 buckets: a week each, the latest holding two measurements; the stale
    # KPI's 12 last weeks; the gappy KPI's 11 weeks in its window, then its whole history.
    gappy = (11 + 1) + WEEKS
    few_statements, few_rows = _list_reads(uow, "Few", 12)
    many_statements, many_rows = _list_reads(uow, "Many", 12)
    assert few_statements == many_statements <= 5
    assert few_rows == 2 * 13 + 12 + gappy
    assert many_rows == 30 * 13 + 12 + gappy
    # The API's list needs the trend's 8 buckets only.
    assert _list_reads(uow, "Many", 8)[1] == 30 * 9 + 8 + (7 + 1) + WEEKS


# --- a page of the KPI list measures its own KPIs only ---------------------------------------


def _page_reads(
    uow: UnitOfWork, name: str, page: int, health: Health | None = None
) -> tuple[KpiListPage, int, int]:
    """A page of five of the KPI list, the statements it sent, the measurements they read."""
    workspace = resolve_workspace(uow, name)
    pages: list[KpiListPage] = []

    def run() -> None:
        pages.append(
            kpi_list_page(
                uow,
                workspace,
                health=health,
                as_of=AS_OF,
                page=page,
                size=5,
                series_buckets=12,
                clock=_clock,
            )
        )

    sent = _sent(uow, run)
    return pages[0], len(sent), _measurements_read(uow, sent)


def test_a_page_of_the_kpi_list_measures_its_five_kpis_whatever_the_company_size(
    migrated_url: str, uows: Callable[[str], UnitOfWork]
) -> None:
    uow = uows(migrated_url)
    for name, regular in (("Thirty", 30), ("Sixty", 60)):
        import_workspace(uow, _history(name, regular), actor_label="test", clock=_clock)
        every = list_kpis(
            uow, resolve_workspace(uow, name), as_of=AS_OF, after_id=0, limit=500, clock=_clock
        ).kpis
        reading, statements, measurements = _page_reads(uow, name, 2)
        listing = reading.listing
        # The list's order (by name here, as no KPI has a category), its second page of five.
        assert listing.rows == sorted(every, key=list_order)[5:10]
        assert [k.key for k in listing.rows] == ["k12", "k13", "k14", "k15", "k16"]
        assert (listing.total, listing.page, listing.pages) == (
            regular + 3,
            2,
            -(-(regular + 3) // 5),
        )
        # The figures of the page's KPIs only, from their 12 weeks' 13 measurements each.
        assert set(reading.figures.kpis) == {k.id for k in listing.rows}
        assert measurements == 5 * 13
        assert statements <= 4
        # Filtered by health, the page holds the KPIs of that health only and counts them.
        stale, _, _ = _page_reads(uow, name, 1, Health.STALE)
        assert [k.key for k in stale.listing.rows] == ["stale"]
        assert (stale.listing.total, stale.listing.pages) == (1, 1)
