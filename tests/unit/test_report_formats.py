"""The period report's view model in text, Markdown and HTML: one formatter, user text inert."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from builders import (
    figures,
    kpi,
    kpi_figures,
    kr_figures,
    metric,
    milestone,
    objective,
    period,
    period_data,
)
from markdown_it import MarkdownIt

from headway.domain.model import (
    Direction,
    Finding,
    Health,
    KeyResultFigures,
    ObjectiveFigures,
    ObjectiveState,
    Severity,
    Status,
    Trend,
    Workspace,
)
from headway.domain.overall import Overall
from headway.reports import ReportFormat, ReportView, render, report_view
from headway.reports.formatting import (
    number,
    outlook,
    percent,
    span_text,
    status_label,
    target_text,
)
from headway.services.reads.reports import PeriodReport

AS_OF = date(2026, 11, 15)
FORMATS = list(ReportFormat)
ON_TRACK_AT_56 = Overall(score=0.5625, status=Status.ON_TRACK)
RANGE: dict[str, object] = {
    "direction": Direction.IN_RANGE,
    "target": None,
    "target_low": 1,
    "target_high": 2.5,
}


def _finding(code: str, subject: str, message: str) -> Finding:
    return Finding(
        code=code,
        severity=Severity.WARNING,
        subject_type="objective",
        subject_id=1,
        subject_title=subject,
        message=message,
    )


def _view(
    *,
    title: str = "Delight our customers",
    kpi_name: str = "Average reply time",
    workspace: str = "Example Co",
    message: str = "only 3 key results",
    overall: Overall = ON_TRACK_AT_56,
    second: ObjectiveState = ObjectiveState.ACTIVE,
) -> ReportView:
    """Two objectives (one without key results), three key results, two KPIs, two findings."""
    data = period_data(
        [objective(1, title), objective(2, "Grow the partner channel", state=second)],
        [
            metric(11, 1, "Raise NPS from 60 to 70", unit_label="NPS", due_date=date(2026, 11, 30)),
            milestone(12, 1, "Help centre is live"),
            metric(13, 1, "Revenue from 1m to 4.7m", start_value=1e6, target_value=4.7e6),
        ],
        [
            kpi(5, kpi_name, category="Support", unit_label="min"),
            kpi(6, "Churn", **RANGE),
        ],
    )
    revenue = KeyResultFigures(
        key_result_id=13,
        current_value=4_700_000.5,
        progress=0.625,
        score=0.625,
        expected=0.5,
        status=Status.ON_TRACK,
    )
    nps = replace(kr_figures(11), forecast_value=67.1, forecast_score=0.71)
    reply_time = kpi_figures(5, Health.CRITICAL, latest_value=1234.25)
    reply_time.trend = Trend.WORSENING
    report = PeriodReport(
        workspace=Workspace(id=1, name=workspace),
        period=period(),
        as_of=AS_OF,
        expected=0.5,
        data=data,
        figures=figures(
            AS_OF,
            [nps, kr_figures(12, status=Status.AT_RISK, score=0.0), revenue],
            [reply_time, kpi_figures(6, Health.NO_DATA)],
            [
                ObjectiveFigures(objective_id=1, score=0.375, expected=0.5, status=Status.AT_RISK),
                ObjectiveFigures(objective_id=2, score=None, expected=0.5, status=None),
            ],
        ),
        findings=[
            _finding("OKR002", title, message),
            _finding("KPI001", kpi_name, "critical at 1,234.25 against target 25"),
        ],
        overall=overall,
    )
    return report_view(report)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_objective_key_result_kpi_and_finding_of_the_view_appears(fmt: ReportFormat) -> None:
    view = _view()
    out = render(view, fmt)
    for o in view.objectives:
        assert o.title in out
        positions = [out.index(kr.title) for kr in o.key_results]
        assert positions == sorted(positions), "key results in their order"
        assert all(out.index(o.title) < p for p in positions)
    assert [kr.title for kr in view.objectives[0].key_results] == [
        "Raise NPS from 60 to 70",
        "Help centre is live",
        "Revenue from 1m to 4.7m",
    ]
    for k in view.kpis:
        assert k.name in out
    assert "Support" in out  # the KPI's category
    for f in view.findings:
        assert f.code in out and f.message in out
    for words in ("Example Co", "2026-Q4", "2026-11-15", "no score", "no data", "worsening"):
        assert words in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_figure_reads_the_same_in_every_format(fmt: ReportFormat) -> None:
    out = render(_view(), fmt)
    # Key result: current, start → target, score; objective score; expected; KPI figures.
    for text in (
        "4,700,000.5",
        "1,000,000 → 4,700,000",
        "60 → 70 NPS",
        "62%",
        "38%",
        "50%",
        "1,234.25 min",
        "1–2.5",
        "at risk",
        "on track",
    ):
        assert text in out, f"{text!r} missing from the {fmt} report"


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_heads_the_report_with_overall_progress_and_its_status(
    fmt: ReportFormat,
) -> None:
    out = render(_view(), fmt)
    assert "Overall progress: 56% (on track)" in out
    assert out.index("Overall progress") < out.index("Delight our customers")
    nothing = render(_view(overall=Overall(score=None, status=None)), fmt)
    assert "Overall progress: — (no score)" in nothing


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_due_date_and_a_forecast_show_beside_the_status(fmt: ReportFormat) -> None:
    out = render(_view(), fmt)
    assert "due 30 Nov · on pace for 71%" in out
    assert out.count("due ") == 1 and out.count("on pace for") == 1  # the others have neither
    if fmt is ReportFormat.TEXT:  # the line ends there, the next key result on its own line
        assert "on track · due 30 Nov · on pace for 71%\n  - Help centre is live" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_draft_is_marked_as_not_counted_and_only_the_draft(fmt: ReportFormat) -> None:
    active = render(_view(), fmt)
    assert "draft" not in active
    out = render(_view(second=ObjectiveState.DRAFT), fmt)
    assert out.count("(draft, not counted)") == 1
    title = "Grow the partner channel"
    heading = {
        ReportFormat.TEXT: f"{title} (draft, not counted) — — (no score, committed)",
        ReportFormat.MD: f"### {title} (draft, not counted) — —",
        ReportFormat.HTML: f'{title} <small class="draft">(draft, not counted)</small>',
    }[fmt]
    assert heading in out
    assert "Delight our customers — 38%" in out  # the adopted objective carries no marker


def test_the_one_formatter_rules() -> None:
    assert number(4_700_000) == "4,700,000"
    assert number(0.1 + 0.2) == "0.3"
    assert number(35.0) == "35"
    assert number(None) == percent(None) == "—"
    assert percent(0.625) == "62%"
    assert status_label(None) == "no score"
    assert status_label("off_track") == status_label(Status.OFF_TRACK) == "off track"
    assert target_text(kpi(6, **RANGE)) == "1–2.5"
    assert target_text(kpi(5)) == "25"
    assert span_text(milestone(12, 1)) == "milestone"
    assert span_text(metric(11, 1, unit_label="NPS")) == "60 → 70 NPS"
    assert outlook(date(2026, 12, 1), None) == "due 1 Dec"
    assert outlook(None, 0.005) == "on pace for 0%"
    assert outlook(None, None) == ""


MARKUP = "Fix | this [link](https://evil.example) *now* `x` <b>bold</b>\n## injected"


def test_user_text_cannot_add_markup_to_the_markdown_report() -> None:
    view = _view(title=MARKUP, kpi_name=MARKUP, workspace=MARKUP, message=MARKUP)
    md = render(view, ReportFormat.MD)
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<a " not in html and "<b>" not in html and "<em>" not in html and "<code>" not in html
    headings = re.findall(r"<h(\d)>", html)
    # The title, three sections, one heading per objective: nothing more.
    assert headings == ["1", "2", "3", "3", "2", "2"]
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = re.findall(r"<t[hd][ >]", row)
        assert len(cells) == 6, row  # key results and KPIs: 6 columns each
    # People read the same words, escaped.
    assert "Fix | this [link](https://evil.example) *now* `x` &lt;b&gt;bold&lt;/b&gt;" in html
    assert "\n## injected" not in md  # user text stays on one line: no heading can start


def test_user_text_is_escaped_in_the_html_report() -> None:
    script = '<script>alert(1)</script> & "more"'
    page = render(_view(title=script, kpi_name=script, message=script), ReportFormat.HTML)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;more&#34;" in page


def test_control_characters_in_user_text_never_reach_the_terminal() -> None:
    text = render(_view(title="Clear\x1b[2J the\tscreen\x07"), ReportFormat.TEXT)
    assert "Clear[2J the screen" in text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


# Markdown a title can still hold under the text rule (one line, visible), and what it cannot
# but a row from before the rule might: an override, an isolate, an entity spelling one.
HOSTILE = "# x [a](b) | *y* ~~gone~~ ![i](j) &#x202E; &amp; \u202egnp.exe\u2066 1. - + >"


def test_a_title_with_markdown_syntax_stays_text_in_every_markdown_flavour() -> None:
    view = _view(title=HOSTILE, kpi_name=HOSTILE, workspace=HOSTILE, message=HOSTILE)
    md = render(view, ReportFormat.MD)
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md)
    for tag in ("<a ", "<img", "<em>", "<strong>", "<s>", "<del>", "<code>", "<blockquote>"):
        assert tag not in html.replace("<strong>OKR002</strong>", "").replace(
            "<strong>KPI001</strong>", ""
        ), tag
    assert re.findall(r"<h(\d)>", html) == ["1", "2", "3", "3", "2", "2"]
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        assert len(re.findall(r"<t[hd][ >]", row)) in (5, 6), row
    # The words read as written, the entity spelled out rather than decoded.
    assert "# x [a](b) | *y* ~~gone~~ ![i](j) &amp;#x202E; &amp;amp; gnp.exe 1. - + &gt;" in html


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_report_carries_a_bidi_override_or_isolate(fmt: ReportFormat) -> None:
    rendered = render(_view(title=HOSTILE, kpi_name=HOSTILE), fmt)
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", rendered)
    assert "gnp.exe" in rendered
