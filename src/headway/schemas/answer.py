"""What every answer model shares: a closed set of fields, and timestamps as the API writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema


class Answer(BaseModel):
    """Base of every answer model: exactly the declared fields, none added on the way."""

    # Forbidding extras makes a field built but not declared fail at once, and tells clients
    # (additionalProperties: false) that the shape is the whole answer.
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def read(cls, *sources: object, **values: Any) -> Self:
        """The model with each field not in `values` read from the first source that has it.

        Answers name fields as the domain does, so a row and its figures fill a model by
        name; a field no source has fails validation instead of going missing.
        """
        for name in cls.model_fields:
            if name not in values:
                for source in sources:
                    if hasattr(source, name):
                        values[name] = getattr(source, name)
                        break
        return cls(**values)


# Python's isoformat (`+00:00`, not Pydantic's `Z`): the text the API has always written.
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda at: at.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
