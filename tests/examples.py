"""Where the worked example lives: `examples/` at the repository root, read by every test folder."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEEDS = EXAMPLES / "seeds.yaml"
EXPECTED = EXAMPLES / "expected.yaml"
