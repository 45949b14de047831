"""Reading posted form fields: text as typed, numbers and dates parsed, problems by field.

The services validate meaning (finite, in range, a confidence 0-10); this only turns the text
people typed into values, and says which field could not be read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.domain.typed_text import parse_day, parse_number
from headway.domain.validation import validate_choice

_T = TypeVar("_T")
_WHOLE = re.compile(r"-?[0-9]{1,19}")  # what a 64-bit id column holds, ASCII digits only


class FormReader:
    """Typed values out of a posted form; every unreadable field becomes a FieldProblem."""

    def __init__(self, form: Mapping[str, Any]) -> None:
        self.form = form
        self.problems: list[FieldProblem] = []

    def text(self, name: str) -> str:
        value = self.form.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def number(self, name: str, *, required: bool = True) -> float | None:
        """A number as people type it: 1234.5, -3, 1,234.5 (commas group thousands only)."""
        text = self.text(name)
        if not text:
            if required:
                self.problems.append(FieldProblem(name, "is required"))
            return None
        return self._kept(parse_number(name, text))

    def integer(self, name: str) -> int | None:
        """A row id or a small whole number; absent is None."""
        return self.integer_of(name, self.text(name))

    def integers(self, name: str) -> list[int]:
        """Every value of a field that may repeat (a multiple select)."""
        values = self.form.getlist(name) if hasattr(self.form, "getlist") else []
        found = [self.integer_of(name, v if isinstance(v, str) else "x") for v in values]
        return [n for n in found if n is not None]

    def integer_of(self, name: str, text: str) -> int | None:
        if not text:
            return None
        if not _WHOLE.fullmatch(text):  # int() would take "²", "١" and 5,000 digits
            self.problems.append(FieldProblem(name, "must be a whole number"))
            return None
        return int(text)

    def choice(self, name: str, allowed: list[str], *, default: str = "") -> str:
        """One of `allowed` (empty: `default`); anything else is a problem of the field."""
        value = self.text(name) or default
        self.problems += validate_choice(name, value, allowed)
        return value

    def secret(self, name: str) -> str:
        """A password exactly as typed: spaces are part of it."""
        value = self.form.get(name, "")
        return value if isinstance(value, str) else ""

    def day(self, name: str) -> date | None:
        text = self.text(name)
        if not text:
            return None
        return self._kept(parse_day(name, text))

    def _kept(self, value: _T | FieldProblem) -> _T | None:
        """The value read, or None with its problem noted."""
        if isinstance(value, FieldProblem):
            self.problems.append(value)
            return None
        return value

    def check(self) -> None:
        """Raise ValidationFailed with every field that could not be read."""
        if self.problems:
            raise ValidationFailed(self.problems)
