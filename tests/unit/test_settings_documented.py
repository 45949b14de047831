"""Every HEADWAY_* setting is in the README's configuration table, and nothing else is."""

from __future__ import annotations

import re
from pathlib import Path

from headway.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _documented() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Configuration") : text.index("## The CLI")]
    return set(re.findall(r"`HEADWAY_([A-Z_]+)`", table))


def test_every_setting_has_a_row_in_the_readme() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    documented = _documented()
    assert settings - documented == set(), "settings missing from the README's table"
    assert documented - settings == set(), "the README's table names settings that do not exist"
