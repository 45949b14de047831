"""The objective page's view computes less than the whole period report (no coaching, KPI
figures of the followed KPIs only) and every figure it holds is the report's, on both
databases, for every objective of the worked example."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import yaml

from examples import SEEDS
from fixed_time import clock
from headway.config import load_settings
from headway.domain.model import StatusThresholds
from headway.domain.scoring import check_in_order
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.services.reads.objective_view import objective_view
from headway.services.reads.reports import period_report
from headway.store import tables as t
from headway.store.schema import upgrade_database
from headway.store.uow import make_uow

THRESHOLDS = StatusThresholds()


def test_the_objective_view_has_the_period_reports_figures(database_url: str) -> None:
    uow = make_uow(load_settings(database_url=database_url))
    try:
        upgrade_database(uow.engine)
        import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="t", clock=clock)
        workspace = resolve_workspace(uow, "Example Co")
        with uow:
            rows = uow.conn.execute(
                sa.select(t.objective.c.id, t.objective.c.period_id).order_by(t.objective.c.id)
            ).all()
        assert rows
        followed = 0
        for as_of in (date(2026, 10, 20), date(2026, 11, 15)):
            reports = {
                period_id: period_report(
                    uow,
                    workspace,
                    period_id=period_id,
                    as_of=as_of,
                    thresholds=THRESHOLDS,
                    clock=clock,
                )
                for period_id in {p for _, p in rows}
            }
            for objective_id, period_id in rows:
                full = reports[period_id].figures
                view = objective_view(
                    uow,
                    workspace,
                    objective_id,
                    as_of=as_of,
                    thresholds=THRESHOLDS,
                    clock=clock,
                )
                mine = view.report.figures
                assert mine.key_results == full.key_results
                assert mine.objectives == full.objectives
                assert view.report.findings == []
                # Each key result's check-ins, newest first, as sorting the period's would give.
                everything = sorted(reports[period_id].data.check_ins, key=check_in_order)
                for kr in view.key_results:
                    mine_first = [
                        c
                        for c in reversed(everything)
                        if c.key_result_id == kr.id and c.effective_date <= as_of
                    ]
                    assert view.check_ins[kr.id] == mine_first
                # The KPIs its key results follow have the report's figures; others are left out.
                for kr in view.key_results:
                    if kr.kpi_id is not None:
                        followed += 1
                        assert mine.kpis[kr.kpi_id] == full.kpis[kr.kpi_id]
                assert set(mine.kpis) <= set(full.kpis)
                # The page's forms still offer every KPI.
                assert view.report.data.kpis == reports[period_id].data.kpis
        assert followed > 0  # the seeds have key results that follow a KPI
    finally:
        uow.engine.dispose()
