"""The repository stands alone: no tracked file points into the design folder kept beside it."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Built from parts so that this file does not name what it looks for.
SIBLING = "shared"
FORBIDDEN = ("../" + SIBLING, SIBLING + "/design", SIBLING + "/examples")


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / name for name in listed.split("\0") if name]


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        # Deleted in the working tree but not yet in the index: nothing to read.
        return None
    if b"\0" in data:
        return None  # a picture or other binary file
    return data.decode("utf-8", errors="replace")


def test_no_tracked_file_points_outside_the_repository() -> None:
    offenders = []
    for path in _tracked_files():
        text = _text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if any(needle in line for needle in FORBIDDEN):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "files that reach outside the repository:\n" + "\n".join(offenders)


def test_the_search_finds_what_it_looks_for(tmp_path: Path) -> None:
    # Guards the guard: were the needles built wrongly, the test above could never fail.
    sample = tmp_path / "README.md"
    sample.write_text("see [the rules](../" + SIBLING + "/design/RULES.md)\n")
    text = _text(sample)
    assert text is not None
    assert any(needle in text for needle in FORBIDDEN)
