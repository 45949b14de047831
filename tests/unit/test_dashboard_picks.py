"""The dashboard's bounded lists: which rows it picks, in which order, and what it counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from builders import figures, kr_figures, metric, objective, period, period_data, unit

from headway.domain.model import (
    Finding,
    KeyResult,
    Objective,
    ObjectiveFigures,
    ObjectiveState,
    Severity,
    Status,
    UnitKind,
    Workspace,
)
from headway.domain.overall import overall_progress
from headway.services.reads.dashboard import (
    SHOWN,
    UNIT_OBJECTIVES,
    WHOLE_TREE,
    Attention,
    UnitsBelow,
    attention_page,
    coaching_page,
    dashboard_of,
    team_tree,
)
from headway.services.reads.reports import PeriodReport

AS_OF = date(2026, 11, 15)
OFF, RISK, ON = Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK
UNITS = [
    unit(1, "Acme", UnitKind.COMPANY),
    unit(2, "Sales", UnitKind.DEPARTMENT, 1),
    unit(3, "Marketing", UnitKind.DEPARTMENT, 1),
    unit(4, "Sales EMEA", UnitKind.TEAM, 2),
    unit(5, "Brand", UnitKind.TEAM, 3),
    unit(6, "Brand Berlin", UnitKind.TEAM, 5),
]


def _objective_figures(oid: int, status: Status | None, score: float | None) -> ObjectiveFigures:
    return ObjectiveFigures(objective_id=oid, score=score, expected=0.5, status=status)


def _report(
    objectives: list[tuple[Objective, Status | None, float | None]],
    key_results: Sequence[tuple[KeyResult, Status, float]] = (),
    findings: Sequence[Finding] = (),
) -> PeriodReport:
    rows = [o for o, _, _ in objectives]
    made = figures(
        AS_OF,
        key_results=[kr_figures(kr.id, status=s, score=v) for kr, s, v in key_results],
        objectives=[_objective_figures(o.id, s, v) for o, s, v in objectives],
    )
    return PeriodReport(
        workspace=Workspace(id=1, name="Acme"),
        period=period(),
        as_of=AS_OF,
        expected=0.5,
        data=period_data(rows, [kr for kr, _, _ in key_results], units=UNITS),
        figures=made,
        findings=list(findings),
        overall=overall_progress(rows, made.objectives, UNITS, 0.5),
    )


def _attention_report() -> PeriodReport:
    objectives = [
        (objective(1, "Off objective"), OFF, 0.1),
        (objective(2, "Risky objective"), RISK, 0.3),
        (objective(3, "Fine objective"), ON, 0.6),
        (objective(4, "Unscored objective"), None, None),
    ]
    key_results = [
        (metric(10, 3, "Off at the objective's score"), OFF, 0.1),
        (metric(11, 3, "Furthest behind"), OFF, 0.05),
        (metric(12, 3, "Risky at the objective's score"), RISK, 0.3),
        (metric(13, 3, "Risky, lower"), RISK, 0.2),
        (metric(14, 3, "Fine"), ON, 0.7),
        *((metric(kid, 3, f"Risky {kid}"), RISK, 0.4) for kid in range(29, 19, -1)),
    ]
    return _report(objectives, key_results)


def _keys(rows: list[Attention]) -> list[tuple[str, int]]:
    return [(r.subject_type, r.id) for r in rows]


# Off track first, then the lowest score, objectives before key results, then the lowest id.
ATTENTION_ORDER = [
    ("key_result", 11),
    ("objective", 1),
    ("key_result", 10),
    ("key_result", 13),
    ("objective", 2),
    ("key_result", 12),
    *(("key_result", kid) for kid in range(20, 30)),
]


def test_needs_attention_shows_the_first_rows_in_order_and_counts_them_all() -> None:
    board = dashboard_of(_attention_report())
    assert _keys(board.attention) == ATTENTION_ORDER[:SHOWN]
    assert board.attention_total == len(ATTENTION_ORDER) == 16
    assert board.objectives_by_status == {
        "achieved": 0,
        "on_track": 1,
        "at_risk": 1,
        "off_track": 1,
        "no_score": 1,
    }
    assert board.key_results_by_status == {
        "achieved": 0,
        "on_track": 1,
        "at_risk": 12,
        "off_track": 2,
    }
    # A key result's row links to its objective's page.
    assert {a.objective_id for a in board.attention if a.subject_type == "key_result"} == {3}


def test_the_show_all_list_pages_through_every_row_in_the_dashboards_order() -> None:
    report = _attention_report()
    pages = [attention_page(report, n, size=7) for n in (1, 2, 3)]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert {p.total for p in pages} == {16}
    assert [len(p.rows) for p in pages] == [7, 7, 2]
    assert _keys([row for p in pages for row in p.rows]) == ATTENTION_ORDER
    past_the_end = attention_page(report, 4, size=7)
    assert (past_the_end.rows, past_the_end.total) == ([], 16)


DRAFT = ObjectiveState.DRAFT


def test_drafts_count_nowhere_on_the_dashboard_but_in_their_own_list() -> None:
    # The same company objectives twice: once alone, once with two proposals saved as drafts,
    # one off track at 0.0 with an off-track key result, one at risk, both top level.
    company = [
        (objective(1, "Company bet"), ON, 0.6),
        (objective(2, "Team work", owner_unit_id=2), RISK, 0.3),
    ]
    drafts = [
        (objective(3, "Improve reply time", owner_unit_id=1, state=DRAFT), OFF, 0.0),
        (objective(4, "Improve churn", owner_unit_id=2, state=DRAFT), RISK, 0.2),
    ]
    key_results = [(metric(10, 1), ON, 0.6), (metric(11, 3, "Reply from 45 to 25"), OFF, 0.0)]
    alone = dashboard_of(_report(company, key_results[:1]))
    with_drafts = _report(company + drafts, key_results)
    board = dashboard_of(with_drafts)

    assert board.overall == alone.overall
    assert board.overall.score == 0.6  # the company's own objective; the drafts are left out
    assert board.objectives_by_status == alone.objectives_by_status
    assert board.objectives_by_status["off_track"] == 0
    assert board.key_results_by_status == alone.key_results_by_status
    assert _keys(board.attention) == _keys(alone.attention) == [("objective", 2)]
    assert board.attention_total == 1
    listed = attention_page(with_drafts, 1)
    assert (_keys(listed.rows), listed.total) == ([("objective", 2)], 1)  # the /attention page
    assert [o.title for row in board.tree.rows for o in row.objectives] == [
        "Company bet",
        "Team work",
    ]
    assert [o.title for o in board.drafts] == ["Improve reply time", "Improve churn"]
    assert (board.drafts_total, alone.drafts_total) == (2, 0)


def test_the_dashboard_lists_the_first_drafts_and_counts_them_all() -> None:
    many = [(objective(i, f"Draft {i}", state=DRAFT), None, None) for i in range(1, SHOWN + 4)]
    board = dashboard_of(_report(many))
    assert [o.id for o in board.drafts] == list(range(1, SHOWN + 1))
    assert board.drafts_total == SHOWN + 3
    assert board.overall.score is None and board.overall.status is None
    assert board.objectives_by_status["no_score"] == 0


def _finding(
    n: int, severity: Severity, subject_type: str = "objective", subject_id: int = 1
) -> Finding:
    return Finding(
        code=f"OKR{n:03d}",
        severity=severity,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_title=f"Row {n}",
        message=f"finding {n}",
    )


def test_coaching_shows_warnings_first_in_the_reports_order_and_counts_every_finding() -> None:
    findings = [
        _finding(n, Severity.INFO if n % 3 else Severity.WARNING, "key_result", 10)
        for n in range(14)
    ]
    report = _report(
        [(objective(3, "Fine objective"), ON, 0.6)], [(metric(10, 3), ON, 0.7)], findings
    )
    warnings = [f.code for f in findings if f.severity is Severity.WARNING]  # 0, 3, 6, 9, 12
    infos = [f.code for f in findings if f.severity is Severity.INFO]
    board = dashboard_of(report)
    assert [lf.finding.code for lf in board.findings] == (warnings + infos)[:SHOWN]
    assert board.findings_total == 14
    assert {lf.objective_id for lf in board.findings} == {3}  # the key result's objective
    every = coaching_page(report, 1, size=100)
    assert [lf.finding.code for lf in every.rows] == warnings + infos
    assert (every.total, every.pages) == (14, 1)


def _titles(report: PeriodReport, *, whole_up_to: int | None = WHOLE_TREE) -> list[object]:
    tree = team_tree(report, report.objectives(), whole_up_to=whole_up_to)
    return [
        (
            r.unit.name if r.unit else None,
            r.depth,
            [o.title for o in r.objectives],
            r.more,
            r.below,
        )
        for r in tree.rows
    ]


def _owned(
    first: int, count: int, unit_id: int | None, score: float
) -> list[tuple[Objective, Status, float]]:
    return [
        (objective(i, f"O{i}", owner_unit_id=unit_id, owner_id=7), ON, score)
        for i in range(first, first + count)
    ]


def _first(number: int, count: int) -> list[str]:
    return [f"O{i}" for i in range(number, number + count)]


def test_a_small_company_sees_its_whole_team_tree() -> None:
    report = _report(_owned(1, 4, 1, 0.5) + _owned(5, 6, 4, 0.5) + _owned(11, 2, 6, 0.5))
    tree = team_tree(report, report.objectives())
    assert tree.whole and tree.units_left_out == 0
    assert _titles(report) == [
        ("Acme", 0, ["O1", "O2", "O3", "O4"], 0, None),
        ("Marketing", 1, [], 0, None),  # siblings by name; kept: units below own objectives
        ("Brand", 2, [], 0, None),
        ("Brand Berlin", 3, ["O11", "O12"], 0, None),
        ("Sales", 1, [], 0, None),
        ("Sales EMEA", 2, [f"O{i}" for i in range(5, 11)], 0, None),
    ]


def test_a_large_company_sees_the_top_of_its_tree_and_the_units_below_folded() -> None:
    objectives = (
        _owned(1, 4, 1, 0.5)  # the company
        + _owned(5, 7, 2, 0.5)  # Sales
        + _owned(12, 20, 4, 0.25)  # Sales EMEA
        + _owned(32, 10, 5, 0.375)  # Brand
        + _owned(42, 10, 6, 0.625)  # Brand Berlin, below Brand
        + _owned(52, 4, None, 0.5)  # a person's own
    )
    assert len(objectives) > WHOLE_TREE
    report = _report(objectives)
    tree = team_tree(report, report.objectives())
    assert not tree.whole
    shown = UNIT_OBJECTIVES
    assert _titles(report) == [
        ("Acme", 0, _first(1, shown), 4 - shown, None),
        ("Marketing", 1, [], 0, UnitsBelow(units=2, objectives=20, mean_score=0.5)),
        (
            "Sales",
            1,
            _first(5, shown),
            7 - shown,
            UnitsBelow(units=1, objectives=20, mean_score=0.25),
        ),
        (None, 0, _first(52, shown), 4 - shown, None),  # a person's own objectives
    ]
    # The same report, asked whole, lists every objective under its unit.
    assert sum(
        len(r.objectives) for r in team_tree(report, report.objectives(), whole_up_to=None).rows
    ) == len(objectives)
