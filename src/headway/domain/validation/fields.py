"""Rules for one field each: numbers, dates, text of every kind, choices."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from headway.domain.errors import FieldProblem
from headway.domain.validation.limits import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_CONFIDENCE,
    MAX_EMAIL,
    MAX_KEY,
    MAX_LINK,
    MAX_MAGNITUDE,
    MAX_NOTE,
    MAX_PASSWORD,
    MAX_TIMEZONE,
    MAX_TITLE,
    MIN_PASSWORD,
)

# Deliberately loose: the only sure test of an address is mail arriving, so this catches typos
# (no @, spaces, no dot in the domain), not every RFC 5322 oddity.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
# Pages show a link as a link: anything but a web address (javascript:…) is refused.
LINK_SCHEMES = ("http://", "https://")


def finite(field: str, value: object) -> list[FieldProblem]:
    """A number that is not NaN or ±inf; None (absent) passes, its own rule decides."""
    if value is None:
        return []
    # bool is an int to Python, but `True` as a value is a mistake, not a 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [FieldProblem(field, "must be a number")]
    if not math.isfinite(value):
        return [FieldProblem(field, "must be a finite number (not NaN or infinity)")]
    if abs(value) > MAX_MAGNITUDE:
        return [
            FieldProblem(field, f"must be between -{MAX_MAGNITUDE:.0e} and {MAX_MAGNITUDE:.0e}")
        ]
    return []


def validate_day(field: str, day: date) -> list[FieldProblem]:
    """A date within the years Headway reckons with (1900 to 9998)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return [FieldProblem(field, f"must be a date between {FIRST_YEAR} and {LAST_YEAR}")]
    return []


def validate_past_day(field: str, day: date, today: date) -> list[FieldProblem]:
    """A date something happened on: not after today, and not before 1900."""
    if day > today:
        return [FieldProblem(field, f"must not be after today ({today.isoformat()})")]
    return validate_day(field, day)


def validate_text(field: str, text: str, limit: int) -> list[FieldProblem]:
    """Text that fits a column of `limit` characters on every database Headway runs on."""
    if len(text) > limit:
        return [FieldProblem(field, f"must be at most {limit:,} characters (got {len(text):,})")]
    # PostgreSQL refuses both where SQLite would keep them, and a workspace must move freely.
    if "\x00" in text:
        return [FieldProblem(field, "must not contain a NUL character")]
    try:
        text.encode()
    except UnicodeEncodeError:
        return [FieldProblem(field, "must be Unicode text (it holds a lone surrogate)")]
    return []


def validate_title(field: str, text: str, limit: int = MAX_TITLE) -> list[FieldProblem]:
    """A title or name: 1 to `limit` (200) characters after trimming."""
    trimmed = text.strip()
    if not trimmed:
        return [FieldProblem(field, "must not be empty")]
    return validate_text(field, trimmed, limit)


def validate_note(field: str, text: str) -> list[FieldProblem]:
    """A note or description: at most 10,000 characters."""
    return validate_text(field, text, MAX_NOTE)


def validate_key(field: str, key: str) -> list[FieldProblem]:
    """A workspace document's key for a row: 1 to 100 characters after trimming."""
    return validate_title(field, key, MAX_KEY)


def validate_link(field: str, link: str) -> list[FieldProblem]:
    """An optional web address (http:// or https://) of at most 2000 characters."""
    problems = validate_text(field, link, MAX_LINK)
    if not problems and link and not link.lower().startswith(LINK_SCHEMES):
        problems.append(FieldProblem(field, "must be a web address starting http:// or https://"))
    return problems


def validate_choice(field: str, value: object, allowed: Iterable[str]) -> list[FieldProblem]:
    """One of a closed set of values, such as a role or a kind."""
    choices = list(allowed)
    if value not in choices:
        return [FieldProblem(field, "must be one of " + ", ".join(choices))]
    return []


def normalise_email(email: str) -> str:
    """The form an address is stored and compared in: trimmed, lower-case."""
    return email.strip().lower()


def validate_email(email: str) -> list[FieldProblem]:
    """An address of the shape name@domain.tld."""
    normalised = normalise_email(email)
    if not normalised:
        return [FieldProblem("email", "must not be empty")]
    if len(normalised) > MAX_EMAIL or not _EMAIL.fullmatch(normalised):
        return [FieldProblem("email", f"{email.strip()!r} is not an e-mail address")]
    return validate_text("email", normalised, MAX_EMAIL)


def validate_password(password: str | None, field: str = "password") -> list[FieldProblem]:
    """A new password of 8 to 1024 characters (None: no password given, nothing wrong)."""
    if password is None:
        return []
    if len(password) < MIN_PASSWORD:
        return [FieldProblem(field, f"must be at least {MIN_PASSWORD} characters")]
    return validate_text(field, password, MAX_PASSWORD)


def validate_timezone(name: str) -> list[FieldProblem]:
    """An IANA time zone name such as Europe/Oslo."""
    try:
        if not name or name != name.strip() or validate_text("timezone", name, MAX_TIMEZONE):
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return [FieldProblem("timezone", f"{name!r} is not a known time zone (e.g. Europe/Oslo)")]
    return []


def validate_fiscal_month(month: object) -> list[FieldProblem]:
    """The month the fiscal year starts in: 1 to 12."""
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        return [FieldProblem("fiscal_year_start_month", "must be a month number from 1 to 12")]
    return []


def validate_weight(weight: object) -> list[FieldProblem]:
    """A key result's weight: a finite number above 0."""
    if weight is None:
        return [FieldProblem("weight", "is required")]
    problems = finite("weight", weight)
    if problems or not isinstance(weight, int | float):
        return problems
    if weight <= 0:
        return [FieldProblem("weight", "must be greater than 0")]
    return []


def validate_confidence(confidence: object) -> list[FieldProblem]:
    """Confidence: absent, or a whole number from 0 to 10."""
    if confidence is None:
        return []
    if not isinstance(confidence, int) or isinstance(confidence, bool):
        return [FieldProblem("confidence", f"must be a whole number from 0 to {MAX_CONFIDENCE}")]
    if not 0 <= confidence <= MAX_CONFIDENCE:
        return [FieldProblem("confidence", f"must be from 0 to {MAX_CONFIDENCE}")]
    return []
