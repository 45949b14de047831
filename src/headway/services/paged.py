"""A page of a long list the web pages show a page at a time, with the list's length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Paged(Generic[T]):
    """One page of a long list, with the list's length."""

    rows: list[T]
    total: int
    page: int
    pages: int


def page_of(ordered: list[T], page: int, size: int) -> tuple[list[T], int]:
    """The rows of page `page` (from 1) and the number of pages (at least 1)."""
    first = (page - 1) * size
    return ordered[first : first + size], max(1, -(-len(ordered) // size))
