"""A backup's tables in their JSON form: rows written by each column's type, and read back
checked against the schema, every problem named by its place in the file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from headway.domain.errors import FieldProblem
from headway.store.backup import TableRows, column_value, json_value
from headway.store.tables import metadata


def json_rows(name: str, table: TableRows) -> Iterator[list[Any]]:
    """The rows of the table called `name` as JSON values, in the order of `table.columns`."""
    columns = [metadata.tables[name].c[column] for column in table.columns]
    for row in table.rows:
        yield [json_value(column, value) for column, value in zip(columns, row, strict=True)]


def read_table(name: str, entry: Any, problems: list[FieldProblem]) -> TableRows | None:
    """The table `name` of a backup from its JSON `entry`; None, with `problems` added to,
    when the entry cannot be read as that table's rows."""
    where = f"tables.{name}"
    table = metadata.tables.get(name)
    if table is None:
        problems.append(FieldProblem(where, "Headway has no such table"))
        return None
    if not isinstance(entry, dict):
        problems.append(FieldProblem(where, "must be an object with columns and rows"))
        return None
    names = entry.get("columns")
    if not isinstance(names, list) or not names:
        problems.append(FieldProblem(f"{where}.columns", "must be a list of column names"))
        return None
    start = len(problems)
    for n, column in enumerate(names):
        if not isinstance(column, str) or column not in table.c:
            problems.append(
                FieldProblem(f"{where}.columns[{n}]", f"{name} has no column {column!r}")
            )
        elif names.index(column) != n:
            problems.append(FieldProblem(f"{where}.columns[{n}]", f"{column!r} is listed twice"))
    for key in table.primary_key.columns:
        if key.name not in names:
            problems.append(
                FieldProblem(f"{where}.columns", f"missing the key column {key.name!r}")
            )
    last_id = entry.get("last_id")
    if last_id is not None and (type(last_id) is not int or not 0 <= last_id < 2**63):
        problems.append(
            FieldProblem(f"{where}.last_id", "must be a whole number from 0 to 2**63 - 1, or null")
        )
    rows = entry.get("rows")
    if not isinstance(rows, list):
        problems.append(FieldProblem(f"{where}.rows", "must be a list of rows"))
    if len(problems) > start or not isinstance(rows, list):
        return None
    columns = [table.c[column] for column in names]
    keys = [names.index(key.name) for key in table.primary_key.columns]
    return TableRows(
        columns=tuple(names),
        rows=_read_rows(where, columns, keys, rows, problems),
        last_id=last_id,
    )


def _read_rows(
    where: str,
    columns: list[sa.Column[Any]],
    keys: list[int],
    rows: list[Any],
    problems: list[FieldProblem],
) -> list[tuple[Any, ...]]:
    read: list[tuple[Any, ...]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for n, row in enumerate(rows):
        place = f"{where}.rows[{n}]"
        if not isinstance(row, list) or len(row) != len(columns):
            size = f"{len(row)} values" if isinstance(row, list) else "not a list"
            problems.append(FieldProblem(place, f"{size}: expected {len(columns)} values"))
            continue
        values = []
        for column, value in zip(columns, row, strict=True):
            try:
                values.append(column_value(column, value))
            except ValueError as exc:
                problems.append(FieldProblem(f"{place}.{column.name}", str(exc)))
        if len(values) < len(columns):
            continue
        key = tuple(values[k] for k in keys)
        if key in seen:
            problems.append(FieldProblem(place, f"repeats the key of rows[{seen[key]}]"))
        seen.setdefault(key, n)
        read.append(tuple(values))
    return read
