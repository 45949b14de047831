"""The repository stands alone: no tracked file points at a path outside it.

Two ways a file can reach out: a relative path that climbs above the repository
(`../something` in a link or a string), and `Path(__file__).parents[n]` with an n that
climbs above the repository's root.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_CLIMB = re.compile(r"(?:\.\./)+[\w.-]+")
_PARENTS = re.compile(r"Path\(__file__\)\.resolve\(\)\.parents\[(\d+)\]")


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


def reaches_outside(path: Path, text: str, root: Path) -> list[str]:
    """Each line of `text` (the file at `path`) that names a path outside `root`."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        climbs = [(path.parent / m).resolve() for m in _CLIMB.findall(line)]
        climbs += [path.resolve().parents[int(n)] for n in _PARENTS.findall(line)]
        if any(not target.is_relative_to(root) for target in climbs):
            found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_tracked_file_points_outside_the_repository() -> None:
    offenders = []
    for path in _tracked_files():
        text = _text(path)
        if text is not None:
            offenders += reaches_outside(path, text, ROOT)
    assert not offenders, "files that reach outside the repository:\n" + "\n".join(offenders)


def test_the_search_finds_what_it_looks_for(tmp_path: Path) -> None:
    # Guards the guard: were the patterns wrong, the test above could never fail.
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    doc = root / "docs" / "README.md"
    text = "see [the rules](../../design-notes/RULES.md) and [ours](../README.md)\n"
    # Built from parts, so that this file itself does not climb out.
    climb = "Path(__file__).resolve()" + ".parents"
    code = f'DATA = {climb}[3] / "notes"\nOK = {climb}[2]\n'
    test_file = root / "tests" / "unit" / "test_x.py"
    found = reaches_outside(doc, text, root) + reaches_outside(test_file, code, root)
    assert len(found) == 2
    assert "design-notes" in found[0]
    assert "[3]" in found[1]
