"""Copies of prepared SQLite databases, so that tests need not migrate or seed them again."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def copy_sqlite(source: Path, target: Path) -> str:
    """Copy the database file `source` to `target` (SQLite's backup API, ~1 ms); its URL."""
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)
    return f"sqlite:///{target}"
