"""How the CLI shows things to people: Rich tables, status in words and colour."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from headway.domain.kpi import OkrProposal
from headway.domain.model import Finding, Health, Status
from headway.services.report_formats import (
    key_results_by_objective,
    kpi_target_text,
    number,
    percent,
    status_label,
)
from headway.services.reports import PeriodReport

console = Console(highlight=False)


def print_json(data: Any) -> None:
    """Print JSON for machines: indented, UTF-8, dates as ISO text."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


STATUS_STYLES = {
    Status.ACHIEVED: "bold green",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OFF_TRACK: "red",
}
HEALTH_STYLES = {
    Health.HEALTHY: "green",
    Health.WARNING: "yellow",
    Health.CRITICAL: "red",
    Health.STALE: "magenta",
    Health.NO_DATA: "dim",
}


class ReportFormat(StrEnum):
    TEXT = "text"
    MD = "md"
    HTML = "html"
    JSON = "json"


def say(message: str) -> None:
    console.print(message, markup=False, soft_wrap=True)


def plural(n: int, noun: str) -> str:
    """`1 KPI`, `3 KPIs`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def counts(values: dict[str, int]) -> str:
    return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in values.items() if n)


def _status(status: Status | None) -> Text:
    # The word carries the status; colour only repeats it.
    return Text(status_label(status), style=STATUS_STYLES.get(status, "dim") if status else "dim")


def print_report(report: PeriodReport) -> None:
    """The period report as Rich tables."""
    f = report.figures
    console.print(
        Text.assemble(
            (f"{report.workspace.name} — {report.period.name}", "bold"),
            f"  as of {report.as_of.isoformat()}, expected progress {percent(report.expected)}",
        )
    )
    table = Table(title="Objectives and key results", title_justify="left", expand=False)
    for column, justify in (
        ("Objective / key result", "left"),
        ("Current", "right"),
        ("Target", "right"),
        ("Score", "right"),
        ("Status", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    grouped = key_results_by_objective(report)
    for o in report.objectives():
        of = f.objectives[o.id]
        table.add_row(Text(o.title, style="bold"), "", "", percent(of.score), _status(of.status))
        for kr in grouped.get(o.id, []):
            k = f.key_results[kr.id]
            target = "" if kr.target_value is None else f"{number(kr.target_value)} {kr.unit_label}"
            table.add_row(
                Text(f"  {kr.title}"),
                number(k.current_value),
                target.strip(),
                percent(k.score),
                _status(k.status),
            )
    console.print(table)
    kpis = Table(title="KPIs", title_justify="left")
    for column in ("KPI", "Latest", "Target", "Health", "Trend"):
        kpis.add_column(column)
    for kpi in report.data.kpis:
        kf = f.kpis[kpi.id]
        target = kpi_target_text(kpi)
        kpis.add_row(
            Text(kpi.name),
            f"{number(kf.latest_value)} {kpi.unit_label}".strip(),
            target,
            Text(kf.health.value.replace("_", " "), style=HEALTH_STYLES[kf.health]),
            kf.trend.value if kf.trend else "—",
        )
    console.print(kpis)
    print_findings(report.findings)


def print_findings(findings: list[Finding]) -> None:
    if not findings:
        console.print("Coaching: no findings.")
        return
    table = Table(title="Coaching", title_justify="left")
    for column in ("Code", "Severity", "About", "Advice"):
        table.add_column(column)
    for finding in findings:
        table.add_row(
            finding.code, finding.severity.value, Text(finding.subject_title), Text(finding.message)
        )
    console.print(table)


def proposal_shape(proposal: OkrProposal) -> dict[str, Any]:
    return asdict(proposal)
