"""What the schema itself promises of a backup's rows, checked before any row is written.

Derived from `tables.metadata`, never from a list kept by hand, so a table or a foreign key
added to the schema is checked without anyone remembering to:

- every foreign key names a row the backup holds, and that row belongs to the same workspace
  as the row naming it (a key result cannot point at another workspace's objective, a person
  cannot move to another workspace while their units, objectives and tokens stay behind);
- every unique constraint and unique index holds.

Each value already fits its column (type, null, width and the text rule) when `read_backup`
reads it (`store/backup.py::column_value`). The domain's own rules (roles, trees, dates...)
are the service's: `services/documents/backup_checks.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from headway.domain.errors import FieldProblem
from headway.store.backup import TableRows
from headway.store.tables import metadata

# The table every workspace's rows hang from, and the column that says which workspace.
_WORKSPACE = metadata.tables["workspace"]
_WORKSPACE_ID = "workspace_id"


@dataclass(frozen=True, slots=True)
class BackupRow:
    """One row of a backup: where it is (`tables.key_result[id=17]`) and its values by column."""

    place: str
    values: Mapping[str, Any]

    @property
    def workspace_id(self) -> int | None:
        """The workspace the row belongs to, when the row says so itself."""
        value = self.values.get(_WORKSPACE_ID)
        return int(value) if isinstance(value, int) else None


def backup_rows(tables: Mapping[str, TableRows], name: str) -> Iterator[BackupRow]:
    """The rows of table `name` (none when the backup has no such table), each with its place."""
    data = tables.get(name)
    if data is None:
        return
    keys = [column.name for column in metadata.tables[name].primary_key.columns]
    for row in data.rows:
        values = dict(zip(data.columns, row, strict=True))
        where = ", ".join(f"{key}={values.get(key)!r}" for key in keys)
        yield BackupRow(place=f"tables.{name}[{where}]", values=values)


def schema_rule_problems(tables: Mapping[str, TableRows]) -> list[FieldProblem]:
    """Every reference that leads nowhere or into another workspace, and every repeated value
    a unique constraint forbids; each named by table, row key and column."""
    return _reference_problems(tables) + _unique_problems(tables)


def _workspace_of(table: sa.Table, row: BackupRow) -> int | None:
    if table is _WORKSPACE:
        value = row.values.get(_WORKSPACE.c.id.name)
        return int(value) if isinstance(value, int) else None
    return row.workspace_id if _WORKSPACE_ID in table.c else None


def _reference_problems(tables: Mapping[str, TableRows]) -> list[FieldProblem]:
    # For each referred column: value -> the workspace of the row holding it (None: the row
    # belongs to none by itself).
    targets: dict[tuple[str, str], dict[Any, int | None]] = {}

    def target(column: sa.Column[Any]) -> dict[Any, int | None]:
        key = (column.table.name, column.name)
        if key not in targets:
            targets[key] = {
                row.values.get(column.name): _workspace_of(column.table, row)
                for row in backup_rows(tables, column.table.name)
            }
        return targets[key]

    problems: list[FieldProblem] = []
    for table in metadata.sorted_tables:
        links = sorted(table.foreign_keys, key=lambda fk: list(table.c).index(fk.parent))
        if table.name not in tables or not links:
            continue
        for row in backup_rows(tables, table.name):
            own = _workspace_of(table, row)
            found: list[tuple[str, str, Any, int]] = []  # column, referred table, value, workspace
            for fk in links:
                value = row.values.get(fk.parent.name)
                if value is None:
                    continue
                referred = fk.column.table.name
                rows = target(fk.column)
                if value not in rows:
                    problems.append(
                        FieldProblem(
                            f"{row.place}.{fk.parent.name}",
                            f"names {referred} {value!r}, which the backup does not hold",
                        )
                    )
                    continue
                workspace = rows[value]
                if workspace is not None:
                    found.append((fk.parent.name, referred, value, workspace))
            # The row's own workspace, else (a row of a link table) that of its first reference.
            anchor = own if own is not None else (found[0][3] if found else None)
            for column, referred, value, workspace in found:
                if workspace != anchor:
                    problems.append(
                        FieldProblem(
                            f"{row.place}.{column}",
                            f"names {referred} {value!r} of workspace {workspace}, but this row "
                            f"belongs to workspace {anchor}: a row refers only within its "
                            "workspace",
                        )
                    )
    return problems


def _unique_column_sets(table: sa.Table) -> list[list[str]]:
    sets = [
        [column.name for column in constraint.columns]
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    ]
    sets += [
        [column.name for column in index.columns if isinstance(column, sa.Column)]
        for index in table.indexes
        if index.unique
    ]
    return [names for names in sets if names]


def _unique_problems(tables: Mapping[str, TableRows]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for table in metadata.sorted_tables:
        data = tables.get(table.name)
        if data is None:
            continue
        for names in _unique_column_sets(table):
            if not set(names) <= set(data.columns):
                continue  # a constraint a later revision adds
            seen: dict[tuple[Any, ...], str] = {}
            for row in backup_rows(tables, table.name):
                key = tuple(row.values[name] for name in names)
                if any(value is None for value in key):
                    continue  # null never equals null: the database lets these be
                if key in seen:
                    shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, key, strict=True))
                    problems.append(
                        FieldProblem(
                            f"{row.place}.{names[-1]}",
                            f"repeats {shown} of {seen[key]}: it must be unique",
                        )
                    )
                seen.setdefault(key, row.place)
    return problems
