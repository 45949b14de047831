"""How the CLI shows things to people: messages, JSON for machines, the coaching table."""

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
from headway.domain.model import Finding
from headway.reports.formatting import label

console = Console(highlight=False)


def print_json(data: Any) -> None:
    """Print JSON for machines: indented, UTF-8, dates as ISO text."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


class ReportFormat(StrEnum):
    # The formats of `headway.reports` for people, and the JSON report for machines.
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
    return ", ".join(f"{n} {label(name)}" for name, n in values.items() if n)


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
