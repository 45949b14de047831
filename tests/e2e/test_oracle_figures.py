"""Every figure of the CLI's period report equals the rules, computed independently by the
oracle (tests/oracle.py), for random valid documents and for one hand-written document, on
SQLite and PostgreSQL.

Each document goes in with `headway import --replace` and the figures come back from
`headway report --format json`; the oracle reads the same document.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given

from oracle import differences, period_figures
from oracle_documents import documents, oracle_settings
from oracle_fixed_document import AS_OF, PERIOD, fixed_document

EXAMPLES = 8


@pytest.fixture(scope="module")
def report_of(
    module_headway: Any, module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """Imports a document (replacing the workspace of the one before) and returns the CLI's
    JSON report of the period as of the day."""
    folder = tmp_path_factory.mktemp("oracle")

    def report(document: dict[str, Any], period: str, as_of: date) -> dict[str, Any]:
        path = folder / "workspace.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        imported = module_headway("import", str(path), "--replace", database=module_database_url)
        assert imported.returncode == 0, imported.stderr + imported.stdout
        made = module_headway(
            "report",
            "--period",
            period,
            "--as-of",
            as_of.isoformat(),
            "--format",
            "json",
            database=module_database_url,
        )
        assert made.returncode == 0, made.stderr
        answer: dict[str, Any] = json.loads(made.stdout)
        return answer

    return report


@oracle_settings(EXAMPLES)
@given(case=documents())
def test_every_figure_of_a_random_document_follows_the_rules(
    report_of: Any, case: tuple[dict[str, Any], str, date]
) -> None:
    document, period, as_of = case
    report = report_of(document, period, as_of)
    assert report["as_of"] == as_of.isoformat()
    assert differences(report, period_figures(document, period, as_of)) == []


@pytest.fixture(scope="module")
def fixed_report(report_of: Any) -> dict[str, Any]:
    answer: dict[str, Any] = report_of(fixed_document(), PERIOD, AS_OF)
    return answer


def test_every_figure_of_the_fixed_document_follows_the_rules(
    fixed_report: dict[str, Any],
) -> None:
    assert differences(fixed_report, period_figures(fixed_document(), PERIOD, AS_OF)) == []


def test_the_fixed_document_gives_the_figures_computed_by_hand(
    fixed_report: dict[str, Any],
) -> None:
    """The oracle itself checked against numbers worked out on paper (see the document)."""
    figures = period_figures(fixed_document(), PERIOD, AS_OF)
    key_results = {kr["key"]: kr for o in fixed_report["objectives"] for kr in o["key_results"]}
    objectives = {o["key"]: o for o in fixed_report["objectives"]}
    kpis = {k["key"]: k for k in fixed_report["kpis"]}
    for got in (fixed_report, figures):
        assert got["expected"] == pytest.approx(0.5)
        assert got["overall"]["score"] == pytest.approx((0.5541666666666667 + 0.45) / 2)
        assert got["overall"]["status"] == "on_track"

    def both(kind: str, rows: dict[str, Any], key: str, field: str) -> list[Any]:
        return [rows[key][field], figures[kind][key][field]]

    assert both("key_results", key_results, "nps", "score") == pytest.approx([0.6, 0.6])
    assert both("key_results", key_results, "nps", "status") == ["at_risk", "at_risk"]
    fitted = 18527 / 309 + 89 * 31 / 206  # the line through (0, 60), (14, 62), (40, 66)
    assert both("key_results", key_results, "nps", "forecast_value") == pytest.approx(
        [fitted, fitted]
    )
    assert both("key_results", key_results, "reply-kr", "current_value") == [28, 28]
    assert both("key_results", key_results, "reply-kr", "score") == pytest.approx([0.85, 0.85])
    assert both("key_results", key_results, "support-delivered", "progress") == pytest.approx(
        [0.4625, 0.4625]
    )
    assert both("key_results", key_results, "faq", "expected") == pytest.approx([45 / 59] * 2)
    assert both("key_results", key_results, "faq", "status") == ["off_track", "off_track"]
    assert both("key_results", key_results, "demos", "current_value") == [5, 5]
    assert both("key_results", key_results, "demos", "status") == ["off_track", "off_track"]
    assert both("key_results", key_results, "demos", "forecast_value") == pytest.approx(
        [225 / 31] * 2
    )
    assert both("key_results", key_results, "demos", "forecast_score") == pytest.approx(
        [22.5 / 31] * 2
    )
    assert both("objectives", objectives, "cx", "score") == pytest.approx([(1.2 + 0.4625) / 3] * 2)
    # ahead of pace: its low-confidence key result is at risk, the objective is not
    assert both("objectives", objectives, "cx", "status") == ["on_track", "on_track"]
    assert both("objectives", objectives, "support", "score") == pytest.approx([0.425] * 2)
    assert both("objectives", objectives, "hiring", "score") == pytest.approx([0.45] * 2)
    assert both("objectives", objectives, "idea", "score") == pytest.approx([1.0] * 2)
    assert both("kpis", kpis, "reply", "latest_value") == [28, 28]
    assert both("kpis", kpis, "reply", "health") == ["warning", "warning"]
    assert both("kpis", kpis, "reply", "trend") == ["improving", "improving"]
    assert both("kpis", kpis, "tickets", "latest_value") == [24, 24]
    assert both("kpis", kpis, "tickets", "health") == ["warning", "warning"]
    assert both("kpis", kpis, "tickets", "trend") == ["worsening", "worsening"]


def test_the_oracle_is_no_copy_of_the_product() -> None:
    """The oracle and its documents must stay independent of the code they check."""
    tests = Path(__file__).resolve().parent.parent
    for name in ("oracle.py", "oracle_documents.py", "oracle_fixed_document.py"):
        text = (tests / name).read_text()
        assert "from headway" not in text and "import headway" not in text, name
