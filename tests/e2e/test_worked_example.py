"""The worked example: seeds.yaml, imported through the CLI, reports exactly expected.yaml."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
import yaml

from examples import EXPECTED, SEEDS

AS_OF = "2026-11-15"


def ok_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _expected() -> dict[str, Any]:
    return yaml.safe_load(EXPECTED.read_text())


@pytest.fixture(scope="module")
def example_report(module_headway: Any, module_database_url: str) -> dict[str, Any]:
    """The CLI's report and proposal, made once per database kind: the tests only read them."""
    headway, database_url = module_headway, module_database_url
    imported = headway("import", str(SEEDS), database=database_url)
    assert imported.returncode == 0, imported.stderr
    report = ok_json(
        headway(
            "report",
            "--period",
            "2026-Q4",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            database=database_url,
        )
    )
    kpi_ids = {k["key"]: k["id"] for k in report["kpis"]}
    proposal = ok_json(
        headway(
            "kpi",
            "propose",
            str(kpi_ids["reply-time"]),
            "--as-of",
            AS_OF,
            "--json",
            database=database_url,
        )
    )
    return {"report": report, "proposal": proposal}


def test_worked_example_reports_every_expected_figure(example_report: dict[str, Any]) -> None:
    expected = _expected()
    report = example_report["report"]
    assert report["as_of"] == AS_OF
    assert report["period"]["name"] == expected["period"]
    assert report["expected"] == pytest.approx(expected["expected"])
    assert report["overall"] == {
        "score": pytest.approx(expected["overall"]["score"]),
        "status": expected["overall"]["status"],
    }

    key_results = {kr["key"]: kr for o in report["objectives"] for kr in o["key_results"]}
    assert set(key_results) == set(expected["key_results"])
    for key, kr in key_results.items():
        forecast = expected["forecast"].get(key)
        if forecast is None:  # no check-in yet, a milestone or a rollup
            assert (kr.get("forecast_value"), kr.get("forecast_score")) == (None, None), key
        else:
            assert kr["forecast_value"] == pytest.approx(forecast["value"], abs=5e-5), key
            assert kr["forecast_score"] == pytest.approx(forecast["score"], abs=5e-5), key
    for key, want in expected["key_results"].items():
        got = key_results[key]
        assert got["score"] == pytest.approx(want["score"]), key
        assert got["status"] == want["status"], key
        if "current" in want:
            assert got["current_value"] == pytest.approx(want["current"]), key
        if "progress" in want:
            assert got["progress"] == pytest.approx(want["progress"]), key

    objectives = {o["key"]: o for o in report["objectives"]}
    assert set(objectives) == set(expected["objectives"])
    for key, want in expected["objectives"].items():
        assert objectives[key]["score"] == pytest.approx(want["score"], abs=1e-4), key
        assert objectives[key]["status"] == want["status"], key

    kpis = {k["key"]: k for k in report["kpis"]}
    assert set(kpis) == set(expected["kpis"])
    for key, want in expected["kpis"].items():
        assert kpis[key]["latest_value"] == pytest.approx(want["latest"]), key
        assert kpis[key]["health"] == want["health"], key
        if "trend" in want:
            assert kpis[key]["trend"] == want["trend"], key


def test_worked_example_coaching_names_exactly_the_expected_rows(
    example_report: dict[str, Any],
) -> None:
    report = example_report["report"]
    keys = {("objective", o["id"]): o["key"] for o in report["objectives"]}
    keys |= {
        ("key_result", kr["id"]): kr["key"] for o in report["objectives"] for kr in o["key_results"]
    }
    keys |= {("kpi", k["id"]): k["key"] for k in report["kpis"]}
    found: dict[str, set[str]] = {}
    for finding in report["findings"]:
        subject = keys[(finding["subject_type"], finding["subject_id"])]
        found.setdefault(finding["code"], set()).add(subject)
    assert found == {code: set(rows) for code, rows in _expected()["lint"].items()}


def test_worked_example_proposes_an_okr_from_the_reply_time_kpi(
    example_report: dict[str, Any],
) -> None:
    want = _expected()["propose_okr"]["reply-time"]
    proposal = example_report["proposal"]
    assert proposal["start_value"] == pytest.approx(want["start"])
    assert proposal["target_value"] == pytest.approx(want["target"])
    assert proposal["objective_title"] == "Improve Average reply time"
    assert proposal["key_result_title"] == "Average reply time from 35 to 25 min"
