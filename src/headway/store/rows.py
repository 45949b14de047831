"""Row access every aggregate shares: one row of a workspace, positions, stamped writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from headway.domain.errors import NotFound
from headway.store.tables import metadata

# Services name a table by its name (they hold no SQLAlchemy objects); the store resolves it.
TableRef = str | sa.Table


def table_of(ref: TableRef) -> sa.Table:
    """The table a service names; KeyError for a name the schema does not have."""
    return ref if isinstance(ref, sa.Table) else metadata.tables[ref]


def locked(query: sa.Select[Any], *, shared: bool = False) -> sa.Select[Any]:
    """`query` reading its rows locked until the transaction ends.

    On PostgreSQL, `FOR NO KEY UPDATE` (or `FOR SHARE` when `shared`): a concurrent writer of
    the same row waits, then reads the row as the first one left it, so no change is lost;
    rows that merely refer to it (a foreign key's `FOR KEY SHARE`) are not held up. On
    SQLite every write transaction already holds the database's write lock (BEGIN
    IMMEDIATE), and SQLAlchemy renders no locking clause there.
    """
    if shared:
        return query.with_for_update(read=True)
    return query.with_for_update(key_share=True)


def workspace_row(
    conn: sa.Connection,
    table: sa.Table,
    workspace_id: int,
    row_id: int,
    what: str,
    *,
    for_update: bool = False,
) -> Any:
    """The row of `table` with this id in the workspace; NotFound (naming `what`) otherwise,
    also when it belongs to another workspace. `for_update`: read it locked (see `locked`),
    as every write that reads a row to change it does."""
    q = sa.select(table).where(table.c.id == row_id, table.c.workspace_id == workspace_id)
    row = conn.execute(locked(q) if for_update else q).first()
    if row is None:
        raise NotFound(f"{what} {row_id} does not exist")
    return row


def row_exists(conn: sa.Connection, table: TableRef, workspace_id: int, row_id: int) -> bool:
    """True when the workspace has a row of `table` with this id."""
    table = table_of(table)
    q = sa.select(table.c.id).where(table.c.id == row_id, table.c.workspace_id == workspace_id)
    return conn.execute(q).first() is not None


def next_position(
    conn: sa.Connection, column: sa.Column[int], *where: sa.ColumnElement[bool]
) -> int:
    """One past the highest `position` among the rows `where` selects: new rows go last."""
    highest = conn.execute(sa.select(sa.func.max(column)).where(*where)).scalar()
    return 0 if highest is None else int(highest) + 1


def insert_row(conn: sa.Connection, table: TableRef, now: datetime, **values: Any) -> int:
    """Insert one row (created_at/updated_at set to `now` where the table has them); its id."""
    table = table_of(table)
    for stamp in ("created_at", "updated_at"):
        if stamp in table.c and stamp not in values:
            values[stamp] = now
    result = conn.execute(table.insert().values(**values))
    key = result.inserted_primary_key
    return int(key[0]) if key else 0


def _stamped(
    table: sa.Table, now: datetime, rows: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    stamps = [stamp for stamp in ("created_at", "updated_at") if stamp in table.c]
    return [{**dict.fromkeys(stamps, now), **row} for row in rows]


def insert_rows(
    conn: sa.Connection,
    table: TableRef,
    now: datetime,
    rows: Sequence[Mapping[str, Any]],
    *,
    ids: bool = True,
) -> list[int]:
    """Insert many rows in bulk (stamped as `insert_row` stamps one); their ids in the order
    given (none when `ids` is False). See `bulk_insert`."""
    table = table_of(table)
    return bulk_insert(conn, table, _stamped(table, now, rows), ids=ids)


def bulk_insert(
    conn: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]], *, ids: bool = True
) -> list[int]:
    """Insert the rows as given; their ids in the order given (none when `ids` is False).

    A number of statements that does not grow with the rows: on SQLite, multi-row INSERTs
    with RETURNING (SQLAlchemy's "insertmanyvalues"); on PostgreSQL, one COPY. Every row must
    name the same columns, and when `ids` the table must have an autoincrementing integer
    `id` (every table of ours with an id).
    """
    if not rows:
        return []
    if conn.dialect.name == "postgresql":
        return _copy_rows(conn, table, rows, ids=ids)
    if not ids:
        conn.execute(table.insert(), rows)
        return []
    if conn.dialect.name == "sqlite":
        # SQLAlchemy would send SQLite one row per statement to keep RETURNING in order. It
        # need not: a write transaction holds SQLite's write lock, and AUTOINCREMENT gives
        # the rows of a multi-row INSERT, and of the next one, ever larger ids in the order
        # of the rows given; so the ids, sorted, are in that order.
        inserted = conn.execute(table.insert().returning(table.c.id), rows).scalars()
        return sorted(int(row_id) for row_id in inserted)
    returning = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return [int(row_id) for row_id in conn.execute(returning, rows).scalars()]


def _copy_rows(
    conn: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]], *, ids: bool
) -> list[int]:
    """PostgreSQL: the rows streamed in with one COPY, in the transaction of `conn`.

    Multi-row INSERTs cost far more there: psycopg parses each page's SQL text of thousands
    of placeholders, and one without RETURNING is sent a row per statement. When `ids`, the
    ids are drawn first from the table's sequence (one query), given to the rows in order,
    and copied with them, as the sequence would have given them.
    """
    given = list(rows[0])
    # What SQLAlchemy would do to each value on the way in (COPY bypasses it).
    process = [table.c[name].type.bind_processor(conn.dialect) for name in given]
    names, new_ids = given, []
    if ids:
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        drawn = sa.select(sa.func.nextval(sequence)).select_from(
            sa.func.generate_series(1, len(rows))
        )
        new_ids = sorted(int(row_id) for row_id in conn.execute(drawn).scalars())
        names = ["id", *given]
    quote = conn.dialect.identifier_preparer
    into = f"{quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)})"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY {into} FROM STDIN") as copy:
        for n, row in enumerate(rows):
            values = [
                row[name] if processor is None else processor(row[name])
                for name, processor in zip(given, process, strict=True)
            ]
            copy.write_row([new_ids[n], *values] if ids else values)
    return new_ids


def update_row(
    conn: sa.Connection, table: TableRef, row_id: int, now: datetime, **values: Any
) -> None:
    """Update one row by id, stamping updated_at where the table has it."""
    table = table_of(table)
    if "updated_at" in table.c:
        values["updated_at"] = now
    conn.execute(table.update().where(table.c.id == row_id).values(**values))


def delete_row(conn: sa.Connection, table: TableRef, row_id: int) -> None:
    """Delete one row by id (its dependants are the caller's business)."""
    target = table_of(table)
    conn.execute(target.delete().where(target.c.id == row_id))
