"""The period report as one standalone HTML page: no scripts, no assets, user text escaped."""

from __future__ import annotations

from typing import Any

import jinja2

from headway.services.report_formats import (
    key_results_by_objective,
    kpi_target_text,
    number,
    percent,
    status_label,
)
from headway.services.reports import PeriodReport

# Autoescape is on for the whole template: every title, name, note and message is user text.
_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)

_PAGE = _ENV.from_string(
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ workspace }} — {{ period }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.achieved, .healthy { color: #176b2c; } .on_track { color: #2e7d32; }
.at_risk, .warning { color: #a15c00; } .off_track, .critical { color: #b71c1c; }
.stale, .no_data { color: #6a1b9a; }
</style>
</head>
<body>
<h1>{{ workspace }} — {{ period }}</h1>
<p>As of {{ as_of }}: expected progress {{ expected }}.</p>
<h2>Objectives</h2>
{% for o in objectives %}
<section>
<h3>{{ o.title }} — {{ o.score }} <span class="{{ o.status_class }}">({{ o.status }})</span>,
{{ o.type }}</h3>
{% if o.key_results %}
<table>
<thead><tr><th>Key result</th><th>Current</th><th>Start → target</th><th>Score</th>
<th>Status</th></tr></thead>
<tbody>
{% for kr in o.key_results %}
<tr><td>{{ kr.title }}</td><td class="num">{{ kr.current }}</td><td>{{ kr.span }}</td>
<td class="num">{{ kr.score }}</td><td class="{{ kr.status_class }}">{{ kr.status }}</td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}
</section>
{% else %}
<p>No objectives in this period.</p>
{% endfor %}
<h2>KPIs</h2>
<table>
<thead><tr><th>KPI</th><th>Category</th><th>Latest</th><th>Target</th><th>Health</th>
<th>Trend</th></tr></thead>
<tbody>
{% for k in kpis %}
<tr><td>{{ k.name }}</td><td>{{ k.category }}</td><td class="num">{{ k.latest }}</td>
<td class="num">{{ k.target }}</td><td class="{{ k.health_class }}">{{ k.health }}</td>
<td>{{ k.trend }}</td></tr>
{% endfor %}
</tbody>
</table>
<h2>Coaching</h2>
{% if findings %}
<ul>
{% for f in findings %}
<li><strong>{{ f.code }}</strong> ({{ f.severity }}) {{ f.subject_title }}: {{ f.message }}</li>
{% endfor %}
</ul>
{% else %}
<p>No findings.</p>
{% endif %}
</body>
</html>
"""
)


def _context(report: PeriodReport) -> dict[str, Any]:
    f = report.figures
    grouped = key_results_by_objective(report)
    objectives = []
    for o in report.objectives():
        of = f.objectives[o.id]
        key_results = []
        for kr in grouped.get(o.id, []):
            k = f.key_results[kr.id]
            span = (
                f"{number(kr.start_value)} → {number(kr.target_value)} {kr.unit_label}".strip()
                if kr.start_value is not None
                else kr.kind.value
            )
            key_results.append(
                {
                    "title": kr.title,
                    "current": number(k.current_value),
                    "span": span,
                    "score": percent(k.score),
                    "status": status_label(k.status),
                    "status_class": k.status.value,
                }
            )
        objectives.append(
            {
                "title": o.title,
                "score": percent(of.score),
                "status": status_label(of.status),
                "status_class": of.status.value if of.status else "",
                "type": o.type.value,
                "key_results": key_results,
            }
        )
    kpis = []
    for kpi in report.data.kpis:
        kf = f.kpis[kpi.id]
        kpis.append(
            {
                "name": kpi.name,
                "category": kpi.category,
                "latest": f"{number(kf.latest_value)} {kpi.unit_label}".strip(),
                "target": kpi_target_text(kpi),
                "health": kf.health.value.replace("_", " "),
                "health_class": kf.health.value,
                "trend": kf.trend.value if kf.trend else "—",
            }
        )
    return {
        "workspace": report.workspace.name,
        "period": report.period.name,
        "as_of": report.as_of.isoformat(),
        "expected": percent(report.expected),
        "objectives": objectives,
        "kpis": kpis,
        "findings": [
            {
                "code": x.code,
                "severity": x.severity.value,
                "subject_title": x.subject_title,
                "message": x.message,
            }
            for x in report.findings
        ],
    }


def report_html(report: PeriodReport) -> str:
    """The period report as a standalone HTML page."""
    return _PAGE.render(_context(report))
