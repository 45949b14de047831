"""The one keyset pager: rows after a cursor id, by id, with one look-ahead row.

Every list the API pages through is ordered by id and resumes after the last id served, so
rows inserted meanwhile never shift a page. A page asks for `limit` rows and gets up to
`limit + 1`: the extra row only says that another page follows (the caller drops it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

Row = TypeVar("Row")


def keyset_page(
    conn: sa.Connection,
    query: sa.Select[Any],
    id_column: sa.ColumnElement[int],
    *,
    after_id: int,
    limit: int | None,
) -> list[sa.Row[Any]]:
    """The rows of `query` with ids above `after_id`, by id: at most `limit` + 1 of them
    (the look-ahead row), or every one when `limit` is None."""
    q = query.where(id_column > after_id).order_by(id_column)
    if limit is not None:
        q = q.limit(limit + 1)
    return list(conn.execute(q))


def page_of(
    conn: sa.Connection,
    table: sa.Table,
    to_row: Callable[[Any], Row],
    workspace_id: int,
    after_id: int,
    limit: int,
    *where: sa.ColumnElement[bool],
) -> list[Row]:
    """Up to `limit` + 1 rows of a workspace's table with ids above `after_id`, by id."""
    q = sa.select(table).where(table.c.workspace_id == workspace_id, *where)
    rows = keyset_page(conn, q, table.c.id, after_id=after_id, limit=limit)
    return [to_row(r) for r in rows]
