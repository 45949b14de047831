"""A page of a list: `{"items": [...], "next_cursor": ...}`."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import Field

from headway.schemas.answer import Answer

Item = TypeVar("Item")


class Page(Answer, Generic[Item]):
    """Up to `limit` rows; `next_cursor` fetches the rest (null on the last page)."""

    items: list[Item]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
