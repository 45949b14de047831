"""Domain errors. They know nothing of HTTP; entrypoints map them to responses in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one field: `field` is a dotted path (`key_results[1].target`)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class DomainError(Exception):
    """Base of every error the domain and services raise on purpose."""


class ValidationFailed(DomainError):
    """Input is invalid; nothing was stored. Carries every problem found, not just the first."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid input")


class NotFound(DomainError):
    """The row does not exist (or belongs to another workspace, which is the same thing)."""


class Conflict(DomainError):
    """The request clashes with the current state (a closed period, a duplicate name...);
    `field` names the field it is about, when there is one (an email already in use)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class PermissionDenied(DomainError):
    """The actor may read but not do this."""
