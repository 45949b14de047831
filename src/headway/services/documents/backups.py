"""Backups: every row of every workspace in one JSON file, and back into an empty database.

The file: `{"format": "headway-backup", "version": 1, "revision": <schema revision>,
"created_at": <ISO time>, "tables": {name: {"columns": [...], "last_id": n, "rows": [[...]]}}}`,
one row per line. It holds password and token hashes, so only its owner may read it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from headway.domain.errors import Conflict, FieldProblem, ValidationFailed
from headway.services.documents.backup_checks import backup_problems
from headway.store.backup import (
    DatabaseRows,
    TableRows,
    holds_rows,
    insert_rows,
    read_database,
    schema_problems,
)
from headway.store.backup_json import json_rows, read_table
from headway.store.schema import known_revisions, move_schema, upgrade_database
from headway.store.uow import UnitOfWork

BACKUP_FORMAT = "headway-backup"
BACKUP_VERSION = 1
MAX_PROBLEMS = 50  # a file that is wrong throughout says so without a line per value


@dataclass(frozen=True, slots=True)
class BackupSummary:
    """What a backup holds: its schema revision and the rows of each table."""

    revision: str
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def workspaces(self) -> int:
        return self.counts.get("workspace", 0)


def _summary(backup: DatabaseRows) -> BackupSummary:
    counts = {name: len(table.rows) for name, table in backup.tables.items()}
    return BackupSummary(revision=backup.revision, counts=counts)


def backup_database(uow: UnitOfWork, path: Path, *, clock: Callable[[], datetime]) -> BackupSummary:
    """Write every row of every table to `path`, all or nothing, readable only by its owner."""
    backup = read_database(uow.engine)
    _write_atomically(path, _backup_text(backup, clock()))
    return _summary(backup)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _backup_text(backup: DatabaseRows, created_at: datetime) -> Iterator[str]:
    header = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "revision": backup.revision,
        "created_at": created_at.isoformat(),
    }
    yield "{" + "".join(f"{_dumps(key)}: {_dumps(value)}, " for key, value in header.items())
    yield '"tables": {'
    for n, (name, table) in enumerate(backup.tables.items()):
        yield (
            f"{',' if n else ''}\n {_dumps(name)}: "
            f'{{"columns": {_dumps(table.columns)}, "last_id": {_dumps(table.last_id)}, "rows": ['
        )
        for m, values in enumerate(json_rows(name, table)):
            yield f"{',' if m else ''}\n  {_dumps(values)}"
        yield "]}"
    yield "\n}}\n"


def _write_atomically(path: Path, chunks: Iterable[str]) -> None:
    # Written beside the target and renamed over it once on disk: a crash, a full disk or a
    # failed read never leaves half a backup under the backup's name (nor spoils the last one).
    # mkstemp creates the file with mode 0600 whatever the umask allows.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.writelines(chunks)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if os.name == "posix":  # the rename itself is durable once the folder is synced
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def read_backup(text: str) -> DatabaseRows:
    """The backup in `text`, checked throughout; ValidationFailed names every problem's place."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise ValidationFailed([FieldProblem("", f"not JSON: {exc.msg} ({where})")]) from None
    except ValueError as exc:  # a number of more digits than Python converts, say
        problem = FieldProblem("", f"not JSON Headway reads: {str(exc).split(':')[0]}")
        raise ValidationFailed([problem]) from None
    except RecursionError:
        raise ValidationFailed(
            [FieldProblem("", "not JSON Headway reads: nested too deeply")]
        ) from None
    problems: list[FieldProblem] = []
    if not isinstance(data, dict):
        raise ValidationFailed([FieldProblem("", "not a Headway backup: expected a JSON object")])
    if data.get("format") != BACKUP_FORMAT:
        raise ValidationFailed(
            [FieldProblem("format", f"not a Headway backup: expected {BACKUP_FORMAT!r}")]
        )
    version = data.get("version")
    if version != BACKUP_VERSION or isinstance(version, bool):
        problems.append(
            FieldProblem("version", f"{version!r}: this Headway reads version {BACKUP_VERSION}")
        )
    revision = data.get("revision")
    if revision not in known_revisions():
        problems.append(
            FieldProblem(
                "revision",
                f"{revision!r} is not a schema revision this Headway knows "
                "(a newer Headway wrote it? restore with that version)",
            )
        )
    entries = data.get("tables")
    tables: dict[str, TableRows] = {}
    if not isinstance(entries, dict):
        problems.append(FieldProblem("tables", "must be an object of tables by name"))
    else:
        for name, entry in entries.items():
            table = read_table(name, entry, problems)
            if table is not None:
                tables[name] = table
    if problems:
        raise ValidationFailed(_at_most(problems, MAX_PROBLEMS))
    return DatabaseRows(revision=str(revision), tables=tables)


def _at_most(problems: list[FieldProblem], limit: int) -> list[FieldProblem]:
    if len(problems) <= limit:
        return problems
    return [*problems[:limit], FieldProblem("", f"and {len(problems) - limit} more problems")]


def restore_database(
    uow: UnitOfWork, backup: DatabaseRows, *, clock: Callable[[], datetime]
) -> BackupSummary:
    """Load a backup into an empty database, then upgrade its schema to this Headway's.

    What the rows mean is checked first, with the rules a workspace document's import obeys
    (`backup_checks.py`): a backup with any problem is refused, every problem listed (up to
    MAX_PROBLEMS), before the database is touched. The schema is then brought to the backup's
    revision and the rows inserted in one transaction, so a refusal or failure leaves the
    database as it was.
    """
    problems = backup_problems(backup, clock())
    if problems:
        raise ValidationFailed(_at_most(problems, MAX_PROBLEMS))
    url = uow.engine.url.render_as_string(hide_password=True)
    with uow:
        if holds_rows(uow.conn):
            raise Conflict(
                f"the database at {url} already holds data: restore into an empty database"
            )
        move_schema(uow.conn, backup.revision)
        problems = schema_problems(uow.conn, backup)
        if problems:
            raise ValidationFailed(problems)
        insert_rows(uow.conn, backup.tables)
    # A backup from an older Headway is upgraded like any database of that version (outside
    # the insert's transaction: SQLite's table rebuilds need foreign keys off).
    upgrade_database(uow.engine)
    return _summary(backup)
