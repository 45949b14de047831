"""The organisation tree read top-down, and the dashboard's objectives under their units."""

from __future__ import annotations

from datetime import date

from builders import objective, period, period_data, unit

from headway.domain.model import Unit, UnitKind, Workspace
from headway.domain.overall import Overall
from headway.domain.units import depth_first
from headway.services.reads.dashboard import objectives_by_unit
from headway.services.reads.reports import PeriodReport

CO, DEPT, TEAM = UnitKind.COMPANY, UnitKind.DEPARTMENT, UnitKind.TEAM
UNITS = [
    unit(1, "Acme", CO),
    unit(2, "Sales", DEPT, 1),
    unit(3, "Marketing", DEPT, 1),
    unit(4, "Sales EMEA", TEAM, 2),
    unit(5, "Brand", TEAM, 3),
]


def _names(rows: list[tuple[Unit, int]]) -> list[tuple[str, int]]:
    return [(u.name, depth) for u, depth in rows]


def test_units_come_from_the_company_down_siblings_by_name() -> None:
    assert _names(depth_first(reversed(UNITS))) == [
        ("Acme", 0),
        ("Marketing", 1),
        ("Brand", 2),
        ("Sales", 1),
        ("Sales EMEA", 2),
    ]


def test_a_corrupt_tree_with_a_cycle_ends_and_an_orphan_starts_its_own() -> None:
    looped = [unit(1, "A", DEPT, 2), unit(2, "B", DEPT, 1), unit(3, "C", TEAM, 99)]
    assert _names(depth_first(looped)) == [("C", 0)]  # A and B have no way in from a root
    assert _names(depth_first([unit(1, "A", CO), unit(2, "B", TEAM, 1)])) == [("A", 0), ("B", 1)]


def test_the_dashboard_tree_keeps_units_with_objectives_and_the_units_above_them() -> None:
    objectives = [
        objective(1, "Win EMEA", owner_unit_id=4),
        objective(2, "Company bet", owner_unit_id=1),
        objective(3, "Mine alone", owner_unit_id=None, owner_id=7),
    ]
    data = period_data(objectives, units=UNITS, periods=[period()])
    report = PeriodReport(
        workspace=Workspace(id=1, name="Acme"),
        period=period(),
        as_of=date(2026, 11, 15),
        expected=0.5,
        data=data,
        figures=None,  # type: ignore[arg-type] - the tree reads no figure
        findings=[],
        overall=Overall(score=None, status=None),  # nor the headline
    )
    rows = objectives_by_unit(report)
    shown = [
        (r.unit.name if r.unit else None, r.depth, [o.title for o in r.objectives]) for r in rows
    ]
    assert shown == [
        ("Acme", 0, ["Company bet"]),
        ("Sales", 1, []),  # kept: a unit below it has objectives
        ("Sales EMEA", 2, ["Win EMEA"]),
        (None, 0, ["Mine alone"]),  # Marketing and Brand own nothing: left out
    ]
