"""The period report for people: Markdown text and the small formatters it shares with the CLI."""

from __future__ import annotations

from headway.domain.model import KeyResult, Kpi, Status
from headway.services.reports import PeriodReport

STATUS_LABELS = {
    Status.ACHIEVED: "achieved",
    Status.ON_TRACK: "on track",
    Status.AT_RISK: "at risk",
    Status.OFF_TRACK: "off track",
}


def number(value: float | None) -> str:
    """A figure as people read it: no trailing .0, thousands separated."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(score: float | None) -> str:
    return "—" if score is None else f"{score * 100:.0f}%"


def status_label(status: Status | None) -> str:
    return "no score" if status is None else STATUS_LABELS[status]


def kpi_target_text(kpi: Kpi) -> str:
    """The KPI's target as people read it: a number, or a range for in-range KPIs."""
    if kpi.target is None:
        return f"{number(kpi.target_low)}–{number(kpi.target_high)}"
    return number(kpi.target)


def key_results_by_objective(report: PeriodReport) -> dict[int, list[KeyResult]]:
    grouped: dict[int, list[KeyResult]] = {}
    for kr in report.data.key_results:
        grouped.setdefault(kr.objective_id, []).append(kr)
    return grouped


def _escape(text: str) -> str:
    # Titles are user text: keep them from breaking the table or injecting markup.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def report_markdown(report: PeriodReport) -> str:
    """The period report as Markdown."""
    f = report.figures
    lines = [
        f"# {_escape(report.workspace.name)} — {_escape(report.period.name)}",
        "",
        f"As of {report.as_of.isoformat()}: expected progress {percent(report.expected)}.",
        "",
        "## Objectives",
        "",
    ]
    grouped = key_results_by_objective(report)
    for o in report.objectives():
        of = f.objectives[o.id]
        lines.append(
            f"### {_escape(o.title)} — {percent(of.score)} ({status_label(of.status)}, {o.type})"
        )
        lines.append("")
        rows = grouped.get(o.id, [])
        if rows:
            lines += [
                "| Key result | Current | Start → target | Score | Status |",
                "|---|---:|---|---:|---|",
            ]
            for kr in rows:
                k = f.key_results[kr.id]
                span = (
                    f"{number(kr.start_value)} → {number(kr.target_value)} {kr.unit_label}".strip()
                    if kr.start_value is not None
                    else kr.kind.value
                )
                lines.append(
                    f"| {_escape(kr.title)} | {number(k.current_value)} | {_escape(span)} | "
                    f"{percent(k.score)} | {status_label(k.status)} |"
                )
            lines.append("")
    lines += ["## KPIs", "", "| KPI | Latest | Target | Health | Trend |", "|---|---:|---|---|---|"]
    for kpi in report.data.kpis:
        kf = f.kpis[kpi.id]
        target = kpi_target_text(kpi)
        lines.append(
            f"| {_escape(kpi.name)} | {number(kf.latest_value)} {_escape(kpi.unit_label)} | "
            f"{target} | {kf.health.value.replace('_', ' ')} | "
            f"{kf.trend.value if kf.trend else '—'} |"
        )
    lines += ["", "## Coaching", ""]
    if not report.findings:
        lines.append("No findings.")
    for finding in report.findings:
        lines.append(
            f"- **{finding.code}** ({finding.severity.value}) {_escape(finding.subject_title)}: "
            f"{_escape(finding.message)}"
        )
    return "\n".join(lines) + "\n"
