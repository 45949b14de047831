"""What the validation tests read from a list of problems: the fields they name, in order."""

from __future__ import annotations

from headway.domain.errors import FieldProblem


def fields(problems: list[FieldProblem]) -> list[str]:
    """The field of each problem, in order."""
    return [p.field for p in problems]
