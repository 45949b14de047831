"""Request bodies: unknown fields refused, numbers finite and never strings or booleans."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path as PathParam
from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, Strict

from headway.services.documents.document import Day, Number

__all__ = ["Body", "Day", "FilterId", "Id", "Number", "PageNumber", "RowId", "changes_of"]

MAX_ID = 2**63 - 1  # the largest id a database integer column holds

# A row id in a body: a JSON integer, never "12", 12.0 or true, and one a database can hold.
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# A row id in a path: /objectives/99999999999999999999 is simply not there.
RowId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="The row's id.")]
# A row id in a query (?period=12): the same range, so a bad one is a 422 naming the parameter.
FilterId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Which page (from 1) of a long list a web page shows: ?page=2.
PageNumber = Annotated[int, Query(alias="page", ge=1, le=MAX_ID)]


class Body(BaseModel):
    """Base of every request body. PATCH bodies give every field a default of None and
    `changes_of` keeps only the fields the client sent (an explicit null clears a field)."""

    model_config = ConfigDict(extra="forbid")


def changes_of(body: BaseModel) -> dict[str, Any]:
    """The fields a PATCH body actually carried, enums as their values."""
    values = body.model_dump(exclude_unset=True)
    return {k: getattr(v, "value", v) for k, v in values.items()}
