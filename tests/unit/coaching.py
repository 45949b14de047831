"""The coaching rules run on hand-built figures, as the coaching tests call them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from builders import figures, kr_figures, metric, period, period_data, unit

from headway.domain.lint import coach
from headway.domain.model import (
    Finding,
    KeyResult,
    KeyResultFigures,
    Kpi,
    KpiFigures,
    Objective,
    Period,
    Person,
    UnitKind,
)

AS_OF = date(2026, 11, 15)


def three_krs(objective_id: int) -> list[KeyResult]:
    """Three well-formed metric key results of the objective."""
    base = objective_id * 10
    return [metric(base + i, objective_id, f"Metric {i} from 60 to 70") for i in range(1, 4)]


def run(
    objectives: Iterable[Objective],
    key_results: Iterable[KeyResult],
    kpis: Iterable[Kpi] = (),
    *,
    kr_figs: Iterable[KeyResultFigures] | None = None,
    kpi_figs: Iterable[KpiFigures] = (),
    as_of: date = AS_OF,
    the_period: Period | None = None,
    people: Iterable[Person] = (),
    before: Mapping[int, float | None] | None = None,
) -> list[Finding]:
    """The coaching findings on these rows, as of AS_OF in 2026-Q4 unless told otherwise."""
    krs = list(key_results)
    if kr_figs is None:
        kr_figs = [kr_figures(kr.id, last_update=as_of) for kr in krs]
    data = period_data(
        objectives,
        krs,
        kpis,
        units=[unit(1, "Example Co", UnitKind.COMPANY), unit(2, "Support", UnitKind.DEPARTMENT, 1)],
        people=people,
    )
    figs = figures(as_of, kr_figs, kpi_figs)
    p = the_period or period()
    if before is None:
        return coach(data, p, figs, as_of)
    return coach(data, p, figs, as_of, kpi_value_before=before)


def only(findings: list[Finding], code: str) -> list[Finding]:
    """The findings of one rule."""
    return [f for f in findings if f.code == code]
