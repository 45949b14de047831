"""A PATCH's changes written into an entity, the same way for every entity that takes them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from headway.domain.errors import FieldProblem


def not_null(changes: Mapping[str, Any], *fields: str) -> list[FieldProblem]:
    """A problem for each of `fields` that a PATCH set to null although it cannot be empty."""
    return [
        FieldProblem(f, "must not be null") for f in fields if f in changes and changes[f] is None
    ]


def apply_changes(
    entity: object,
    changes: Mapping[str, Any],
    *,
    trimmed: Collection[str],
    text: Collection[str],
    enums: Mapping[str, Callable[[Any], Any]],
) -> None:
    """Set each changed field of `entity`: `trimmed` ones stripped of surrounding space,
    `text` ones cleared to "" by a null, `enums` parsed into their enum; others as given."""
    for field, value in changes.items():
        if field in trimmed:
            value = str(value).strip()
        elif field in enums:
            value = enums[field](value)
        elif field in text:
            value = value or ""
        setattr(entity, field, value)
