"""Cursor pagination: `limit` (at most 500) and an opaque `cursor`, stable under inserts.

Lists are ordered by id and a cursor is the last id served, so rows inserted meanwhile
never shift a page: they turn up at the end, or not at all if they sort before the cursor.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from fastapi import Query

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.schemas.paging import Page
from headway.web.inputs import MAX_ID

MAX_LIMIT = 500
DEFAULT_LIMIT = 100

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page (at most 500).")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]

Row = TypeVar("Row")
Item = TypeVar("Item")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The last id the previous page served (0 for the first page)."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind == "id" and value.isdigit() and int(value) <= MAX_ID:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationFailed([FieldProblem("cursor", "is not a cursor this API gave out")])


def page(
    rows: Sequence[Row], limit: int, id_of: Callable[[Row], int], answer: Callable[[Row], Item]
) -> Page[Item]:
    """A page of answers from up to limit + 1 rows fetched after the cursor."""
    items = list(rows[:limit])
    more = len(rows) > limit
    return Page[Item](
        items=[answer(r) for r in items],
        next_cursor=encode_cursor(id_of(items[-1])) if more and items else None,
    )
