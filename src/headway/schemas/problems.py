"""Error answers: application/problem+json (RFC 9457) with Headway's list of field problems."""

from __future__ import annotations

from pydantic import Field

from headway.domain.errors import FieldProblem
from headway.schemas.answer import Answer


class FieldProblemOut(Answer):
    """What is wrong with one field, by its path (`objectives[2].key_results[0].target`)."""

    field: str
    message: str

    @classmethod
    def of(cls, problem: FieldProblem) -> FieldProblemOut:
        """The problem as the API answers it."""
        return cls.read(problem)


class Problem(Answer):
    """An error: what kind, and what went wrong; on 422, every field problem at once."""

    type: str
    title: str
    status: int
    detail: str
    # Left out, not null, on errors that are not about fields.
    errors: list[FieldProblemOut] | None = Field(
        default=None, exclude_if=lambda errors: errors is None, description="Only on 422."
    )
