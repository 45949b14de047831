"""The period report computed from the in-memory document: pure domain, no database, no HTTP.

Every figure the server times is shown beside this one, measured in the same run, so that
the ratio holds on any machine: what serving a report costs over computing it.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from document_rows import period_data
from headway.domain.evaluation import evaluate
from headway.domain.lint import coach
from headway.domain.model import Period, PeriodData
from headway.domain.scoring import DEFAULT_THRESHOLDS
from headway.services.reads.reports import kpi_values_before


def compute(data: PeriodData, period: Period, as_of: date) -> int:
    """What `period_report` computes once its rows are loaded; the number of findings."""
    figures = evaluate(data, as_of, DEFAULT_THRESHOLDS)
    findings = coach(data, period, figures, as_of, kpi_value_before=kpi_values_before(data, period))
    return len(figures.objectives) + len(findings)


def timed_compute(doc: dict[str, Any], as_of: date, repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` computations (after one warm-up) of the report."""
    data, keys = period_data(doc)  # the company document (benchmarks/company.py)
    period = data.periods[keys["period"][doc["periods"][0]["name"]]]
    compute(data, period, as_of)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        compute(data, period, as_of)
        times.append((time.perf_counter() - start) * 1000)
    return times
