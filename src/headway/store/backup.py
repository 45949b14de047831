"""Every row of every table: read as one snapshot, written back into an empty database.

The tables and their order come from `tables.metadata` (parents before children), never from a
list kept by hand, so a table added to the schema is backed up without anyone remembering to.
Values cross as JSON by each column's type, so rows read on SQLite restore into PostgreSQL.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext

from headway.domain.errors import FieldProblem
from headway.domain.validation import validate_text
from headway.store.engine import snapshot_connection
from headway.store.mappers import aware
from headway.store.schema import SchemaOutOfDate
from headway.store.tables import metadata

_INTEGER_RANGE = range(-(2**63), 2**63)  # what a 64-bit integer column holds
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class TableRows:
    """One table's rows in primary-key order, as Python values of its columns' types."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    # The largest id the table ever handed out, which can exceed the largest id left: ids of
    # deleted rows stay in the audit log and must not name new rows after a restore.
    last_id: int | None = None


@dataclass(frozen=True, slots=True)
class DatabaseRows:
    """Every table's rows and the schema revision they were read at."""

    revision: str
    tables: dict[str, TableRows]


def read_database(engine: sa.Engine) -> DatabaseRows:
    """Every row of every Headway table, read in one transaction that sees one snapshot."""
    with snapshot_connection(engine) as connection, connection.begin():
        revision = MigrationContext.configure(connection).get_current_revision()
        if revision is None:
            raise SchemaOutOfDate("the database has no Headway schema yet: run `headway init`")
        inspector = sa.inspect(connection)
        present = set(inspector.get_table_names())
        found: dict[str, TableRows] = {}
        for table in metadata.sorted_tables:
            if table.name not in present:
                continue  # a table a later revision adds
            names = {column["name"] for column in inspector.get_columns(table.name)}
            unknown = sorted(names - set(table.c.keys()))
            if unknown:
                raise RuntimeError(
                    f"table {table.name} has columns Headway does not know: {unknown}"
                )
            columns = [column for column in table.columns if column.name in names]
            query = sa.select(*columns).order_by(*table.primary_key.columns)
            rows = TableRows(
                columns=tuple(column.name for column in columns),
                rows=[tuple(row) for row in connection.execute(query)],
            )
            last_id = _last_id(connection, table, _max_id(table, rows))
            found[table.name] = replace(rows, last_id=last_id)
        return DatabaseRows(revision=revision, tables=found)


def _last_id(connection: sa.Connection, table: sa.Table, max_id: int) -> int | None:
    column = table.autoincrement_column
    if column is None:
        return None
    handed_out: int | None = None
    if connection.dialect.name == "postgresql":
        handed_out = connection.execute(
            sa.text("SELECT pg_sequence_last_value(pg_get_serial_sequence(:t, :c)::regclass)"),
            {"t": table.name, "c": column.name},
        ).scalar()
    elif _sqlite_autoincrement(connection, table.name):  # else there is no sqlite_sequence
        handed_out = connection.execute(
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table.name}
        ).scalar()
    return max(handed_out or 0, max_id)


def _max_id(table: sa.Table, rows: TableRows) -> int:
    column = table.autoincrement_column
    if column is None or column.name not in rows.columns:
        return 0
    position = rows.columns.index(column.name)
    return max((int(row[position]) for row in rows.rows), default=0)


def json_value(column: sa.Column[Any], value: Any) -> Any:
    """The column's value as JSON: dates and times as ISO 8601 strings, times in UTC."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.DateTime):
        # SQLite gives back naive times; Headway stores UTC there.
        return aware(value).astimezone(UTC).isoformat()
    if isinstance(kind, sa.Date):
        return value.isoformat()
    if isinstance(kind, sa.Float):
        return float(value)
    return value  # booleans, integers, text and JSON documents are JSON already


def column_value(column: sa.Column[Any], value: Any) -> Any:
    """The Python value for `column` from its JSON form; ValueError says what is wrong with it."""
    if value is None:
        if not column.nullable:
            raise ValueError("must not be null")
        return None
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return _expect(value, isinstance(value, bool), "must be true or false")
    if isinstance(kind, sa.Integer):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return _expect(value, whole and value in _INTEGER_RANGE, "must be a 64-bit integer")
    if isinstance(kind, sa.Float):
        return _number(value)
    if isinstance(kind, sa.DateTime):
        return _timestamp(value)
    if isinstance(kind, sa.Date):
        return _day(value)
    if isinstance(kind, sa.JSON):
        return value
    if isinstance(kind, sa.String):
        return _text(value, kind.length)
    raise TypeError(f"no JSON form for column {column.table.name}.{column.name} ({kind!r})")


def _expect(value: Any, ok: bool, message: str) -> Any:
    if not ok:
        raise ValueError(message)
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    return float(_expect(number, math.isfinite(number), "must be a finite number"))


def _timestamp(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(_expect(value, isinstance(value, str), "not text"))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment.astimezone(UTC)


def _day(value: Any) -> date:
    try:
        # Only YYYY-MM-DD, the form a backup writes: fromisoformat also takes 20261116.
        if not (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _text(value: Any, length: int | None) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    # The domain's rule for any text, at the column's width (a Text column has none): a row
    # restored on SQLite can then always move to PostgreSQL.
    for problem in validate_text("", value, length or sys.maxsize):
        raise ValueError(problem.message)
    return value


def holds_rows(connection: sa.Connection) -> bool:
    """Whether any Headway table has a row; on PostgreSQL, keeps writers out until commit."""
    names = _table_names(connection)
    present = [table for table in metadata.sorted_tables if table.name in names]
    if present and connection.dialect.name == "postgresql":
        # Without the lock, a row written after the check would collide with the restored ids.
        # SQLite's BEGIN IMMEDIATE already holds the write lock.
        quote = connection.dialect.identifier_preparer.quote
        connection.exec_driver_sql(
            f"LOCK TABLE {', '.join(quote(t.name) for t in present)} IN EXCLUSIVE MODE"
        )
    query = sa.select(sa.literal(1))
    return any(connection.execute(query.select_from(t).limit(1)).first() for t in present)


def schema_problems(connection: sa.Connection, backup: DatabaseRows) -> list[FieldProblem]:
    """How the backup's tables and columns differ from the schema at its revision."""
    inspector = sa.inspect(connection)
    present = _table_names(connection) & set(metadata.tables)
    at = f"revision {backup.revision}"
    problems = [
        FieldProblem(f"tables.{name}", f"missing: the schema at {at} has this table")
        for name in sorted(present - set(backup.tables))
    ]
    for name, table in backup.tables.items():
        if name not in present:
            problems.append(FieldProblem(f"tables.{name}", f"the schema at {at} has no such table"))
            continue
        expected = [column["name"] for column in inspector.get_columns(name)]
        missing = [column for column in expected if column not in table.columns]
        extra = [column for column in table.columns if column not in expected]
        if missing:
            problems.append(FieldProblem(f"tables.{name}.columns", f"missing {missing}"))
        if extra:
            problems.append(FieldProblem(f"tables.{name}.columns", f"not at {at}: {extra}"))
    return problems


def insert_rows(connection: sa.Connection, tables: Mapping[str, TableRows]) -> None:
    """Insert every row with its own id, parents first; ids continue after the restored ones.

    A reference to a row not inserted yet (a unit's parent added later, an objective's parent
    key result) is written as null first and filled in once every row is in.
    """
    order = {table.name: n for n, table in enumerate(metadata.sorted_tables)}
    pending: list[tuple[sa.Table, list[str], list[dict[str, Any]]]] = []
    for table in metadata.sorted_tables:
        data = tables.get(table.name)
        if data is None or not data.rows:
            continue
        later = [
            fk.parent.name
            for fk in table.foreign_keys
            if order[fk.column.table.name] >= order[table.name] and fk.parent.name in data.columns
        ]
        records = [dict(zip(data.columns, row, strict=True)) for row in data.rows]
        connection.execute(table.insert(), [{**r, **dict.fromkeys(later, None)} for r in records])
        linked = [r for r in records if any(r[name] is not None for name in later)]
        if linked:
            pending.append((table, later, linked))
    for table, later, records in pending:
        keys = list(table.primary_key.columns)
        statement = (
            table.update()
            .where(*(key == sa.bindparam(f"key_{key.name}") for key in keys))
            .values({name: sa.bindparam(f"link_{name}") for name in later})
        )
        connection.execute(
            statement,
            [
                {f"key_{k.name}": r[k.name] for k in keys} | {f"link_{n}": r[n] for n in later}
                for r in records
            ],
        )
    for name, data in tables.items():
        _continue_ids(connection, metadata.tables[name], data)


def _continue_ids(connection: sa.Connection, table: sa.Table, data: TableRows) -> None:
    column = table.autoincrement_column
    if column is None:
        return
    last = max(data.last_id or 0, _max_id(table, data))
    params = {"t": table.name, "c": column.name, "last": last}
    if connection.dialect.name == "postgresql":
        # Rows inserted with their ids left the sequence where it was: move it past them.
        connection.execute(
            sa.text("SELECT setval(pg_get_serial_sequence(:t, :c), :value, :called)"),
            {**params, "value": max(last, 1), "called": last > 0},
        )
        return
    if last == 0 or not _sqlite_autoincrement(connection, table.name):
        return
    # SQLite's AUTOINCREMENT already follows the inserted ids; this keeps the ids of rows
    # deleted before the backup from being handed out again.
    connection.execute(
        sa.text("UPDATE sqlite_sequence SET seq = :last WHERE name = :t AND seq < :last"), params
    )
    connection.execute(
        sa.text(
            "INSERT INTO sqlite_sequence (name, seq) SELECT :t, :last"
            " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = :t)"
        ),
        params,
    )


def _sqlite_autoincrement(connection: sa.Connection, name: str) -> bool:
    sql = connection.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": name}
    ).scalar()
    return "AUTOINCREMENT" in str(sql or "").upper()


def _table_names(connection: sa.Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())
