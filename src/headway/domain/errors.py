"""Domain errors. They know nothing of HTTP; entrypoints map them to responses in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# An error lists at most this many problems, each at most this long: a file with five million
# bad columns is told about the first ones and how many more, never in a gigabyte of text.
MAX_PROBLEMS = 100
MAX_PROBLEM_CHARS = 300


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one field: `field` is a dotted path (`key_results[1].target`)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def _shortened(text: str) -> str:
    if len(text) <= MAX_PROBLEM_CHARS:
        return text
    return text[: MAX_PROBLEM_CHARS - 1] + "\u2026"


class ProblemList:
    """Problems collected while checking: the first MAX_PROBLEMS kept (each shortened to
    MAX_PROBLEM_CHARS), the rest only counted, so a huge bad input costs no memory to report."""

    def __init__(self, problems: Iterable[FieldProblem] = (), *, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.kept: list[FieldProblem] = []
        self.more = 0
        self.extend(problems)

    def append(self, problem: FieldProblem) -> None:
        if isinstance(problem, _More):
            self.more += problem.count
        elif len(self.kept) < self.limit:
            self.kept.append(FieldProblem(_shortened(problem.field), _shortened(problem.message)))
        else:
            self.more += 1

    def extend(self, problems: Iterable[FieldProblem]) -> None:
        if isinstance(problems, ProblemList):
            self.kept_from(problems)
            return
        for problem in problems:
            self.append(problem)

    def kept_from(self, other: ProblemList) -> None:
        for problem in other.kept:
            self.append(problem)
        self.more += other.more

    def __len__(self) -> int:
        return len(self.kept) + self.more

    def __bool__(self) -> bool:
        return bool(self.kept) or self.more > 0

    def as_list(self) -> list[FieldProblem]:
        """The kept problems, and a last one saying how many more there were."""
        if not self.more:
            return list(self.kept)
        return [*self.kept, _More(self.more)]


class _More(FieldProblem):
    """ "and N more problems": what a capped list says in place of the problems left out."""

    __slots__ = ("count",)
    count: int

    def __init__(self, count: int) -> None:
        word = "problem" if count == 1 else "problems"
        object.__setattr__(self, "field", "")
        object.__setattr__(self, "message", f"and {count} more {word} not listed")
        object.__setattr__(self, "count", count)


class DomainError(Exception):
    """Base of every error the domain and services raise on purpose."""


class ValidationFailed(DomainError):
    """Input is invalid; nothing was stored. Carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems = ProblemList(problems).as_list()
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


class Busy(DomainError):
    """The database is busy with another change and this one could not wait for it any longer
    (SQLite's write lock held past the busy timeout); nothing was stored. Try again shortly."""

    def __init__(self, message: str = "", *, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(
            message or "the database is busy with another change: try again in a moment"
        )
