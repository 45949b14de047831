"""headway.domain imports nothing outside the standard library (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import headway.domain

DOMAIN = Path(headway.domain.__file__).parent


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # a relative import stays inside headway.domain
            modules.append("headway.domain" if node.level else node.module or "")
    return modules


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    return (
        top in sys.stdlib_module_names
        or top == "__future__"
        or (module == "headway.domain" or module.startswith("headway.domain."))
    )


def test_domain_modules_import_only_the_standard_library_and_the_domain() -> None:
    files = sorted(DOMAIN.rglob("*.py"))  # packages too (domain/validation/)
    assert files
    offending = [
        f"{path.relative_to(DOMAIN)}: {module}"
        for path in files
        for module in _imported_modules(path)
        if not _allowed(module)
    ]
    assert offending == []


def test_the_check_catches_a_third_party_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import yaml\nfrom headway.store import repository\nfrom . import model\n")
    assert [m for m in _imported_modules(bad) if not _allowed(m)] == ["yaml", "headway.store"]
