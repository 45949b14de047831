"""Services write no SQL: none imports SQLAlchemy or the store's tables (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import headway.services

SERVICES = Path(headway.services.__file__).parent
FORBIDDEN = ("sqlalchemy", "headway.store.tables")


def _imported_modules(path: Path, package: str) -> list[str]:
    """Every module the file imports, `from a import b` counting as both a and a.b."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            modules.append(base)
            modules.extend(f"{base}.{alias.name}" for alias in node.names)
    return modules


def _forbidden(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in FORBIDDEN)


def _package_of(path: Path) -> str:
    parts = path.relative_to(SERVICES.parent).with_suffix("").parts[:-1]
    return ".".join(("headway", *parts))


def test_no_service_imports_sqlalchemy_or_the_tables() -> None:
    files = sorted(SERVICES.rglob("*.py"))
    assert files
    offending = sorted(
        {
            f"{path.relative_to(SERVICES)}: {module}"
            for path in files
            for module in _imported_modules(path, _package_of(path))
            if _forbidden(module)
        }
    )
    assert offending == []


def test_the_check_catches_sql_imports_even_for_annotations_only(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy as sa\n"
        "from headway.store import okrs, tables as t\n"
        "from ..store.tables import metadata\n"
        "from headway.store.uow import Connection\n"
        "if TYPE_CHECKING:\n"
        "    from sqlalchemy.engine import Row\n"
    )
    found = [m for m in _imported_modules(bad, "headway.services") if _forbidden(m)]
    assert found == [
        "sqlalchemy",
        "headway.store.tables",
        "headway.store.tables",
        "headway.store.tables.metadata",
        "sqlalchemy.engine",
        "sqlalchemy.engine.Row",
    ]
