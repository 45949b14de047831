"""Request bodies: unknown fields refused, numbers finite and never strings or booleans."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from headway.services.document import Day, Number

__all__ = ["Body", "Day", "Number", "changes_of"]


class Body(BaseModel):
    """Base of every request body. PATCH bodies give every field a default of None and
    `changes_of` keeps only the fields the client sent (an explicit null clears a field)."""

    model_config = ConfigDict(extra="forbid")


def changes_of(body: BaseModel) -> dict[str, Any]:
    """The fields a PATCH body actually carried, enums as their values."""
    values = body.model_dump(exclude_unset=True)
    return {k: getattr(v, "value", v) for k, v in values.items()}
