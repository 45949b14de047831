"""The benchmark harness keeps working: it runs end to end on a tiny company (nothing timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


def test_the_benchmark_runs_on_a_tiny_company_and_reports_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "timings.json"
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(BENCH), "--sizes", "1", "--repeat", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    timings = json.loads(out.read_text())["1"]
    assert {"import (CLI)", "API report", "page dashboard", "page objective"} <= set(timings)
    assert all(len(runs) == 1 and runs[0] > 0 for name, runs in timings.items())
    assert "objectives" in done.stdout
