"""Rules for one field each: numbers, dates, text of every kind, choices."""

from __future__ import annotations

import math
import re
import unicodedata
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


# The one rule for text (docs/concepts.md), in three parts:
# - Characters no text may hold: C0 and C1 controls (Unicode category Cc) and lone surrogates
#   (Cs). PostgreSQL refuses NUL where SQLite keeps it, so a workspace with one could not move;
#   the others are invisible and can rewrite a terminal. Notes and descriptions may hold line
#   breaks (\n, or \r\n as a browser sends a text area) and tabs; a title, name or any other
#   single-line field may not (nor the Unicode line and paragraph separators).
# - Bidirectional embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069):
#   they make text read in another order than it is written ("Trojan Source"). The marks
#   U+200E, U+200F and U+061C change no order, only how neutral characters lean, and
#   right-to-left languages need them, so they are kept.
# - A title or name holds at least one visible character: a letter, digit, punctuation mark or
#   symbol, not only spaces, zero-width or format characters, or the blank "letters" below.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SURROGATES = "\ud800-\udfff"
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_REFUSED_IN_NOTES = re.compile(f"[{_CONTROLS}{_SURROGATES}{_BIDI_CONTROLS}]|\r(?!\n)")
_REFUSED_IN_LINES = re.compile(f"[{_CONTROLS}{_SURROGATES}{_BIDI_CONTROLS}\n\r\t\u2028\u2029]")
_VISIBLE_ASCII = re.compile("[!-~]")
_VISIBLE_CATEGORIES = frozenset("LNPS")
# Letters and symbols that draw nothing: the Hangul fillers and the blank Braille pattern.
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _character_problem(field: str, text: str, *, single_line: bool) -> list[FieldProblem]:
    """The first character `text` may not hold, named with its code point; none: []."""
    found = (_REFUSED_IN_LINES if single_line else _REFUSED_IN_NOTES).search(text)
    if found is None:
        return []
    char = found.group()
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        message = "must not contain a NUL character"
    elif "\ud800" <= char <= "\udfff":
        message = "must be Unicode text (it holds a lone surrogate)"
    elif "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        message = f"must not contain bidirectional override or isolate characters ({code})"
    elif single_line and char in "\n\r\t\u2028\u2029":
        message = "must be a single line (no line breaks or tabs)"
    else:
        message = f"must not contain control characters ({code})"
    return [FieldProblem(field, message)]


def has_visible_character(text: str) -> bool:
    """Whether `text` shows anything: a letter, digit, punctuation mark or symbol."""
    if _VISIBLE_ASCII.search(text):
        return True
    return any(
        unicodedata.category(char)[0] in _VISIBLE_CATEGORIES and char not in _BLANK_CHARACTERS
        for char in text
    )


def validate_text(
    field: str, text: str, limit: int, *, single_line: bool = False
) -> list[FieldProblem]:
    """Text that fits a column of `limit` characters on every database Headway runs on, and
    holds no control, surrogate or bidirectional override character; line breaks and tabs
    only when not `single_line`."""
    if len(text) > limit:
        return [FieldProblem(field, f"must be at most {limit:,} characters (got {len(text):,})")]
    return _character_problem(field, text, single_line=single_line)


def validate_line(field: str, text: str, limit: int) -> list[FieldProblem]:
    """Optional single-line text (a category, a unit label): empty, or on one line with at
    least one visible character."""
    problems = validate_text(field, text, limit, single_line=True)
    if not problems and text.strip() and not has_visible_character(text):
        problems.append(FieldProblem(field, "must be empty or hold a visible character"))
    return problems


def validate_title(field: str, text: str, limit: int = MAX_TITLE) -> list[FieldProblem]:
    """A title or name: 1 to `limit` (200) characters after trimming, on one line, with at
    least one visible character."""
    trimmed = text.strip()
    if not trimmed:
        return [FieldProblem(field, "must not be empty")]
    problems = validate_text(field, trimmed, limit, single_line=True)
    if not problems and not has_visible_character(trimmed):
        problems.append(
            FieldProblem(field, "must hold a visible character, not only invisible ones")
        )
    return problems


def validate_note(field: str, text: str) -> list[FieldProblem]:
    """A note or description: at most 10,000 characters; line breaks and tabs allowed."""
    return validate_text(field, text, MAX_NOTE)


def validate_key(field: str, key: str) -> list[FieldProblem]:
    """A workspace document's key for a row: 1 to 100 characters after trimming."""
    return validate_title(field, key, MAX_KEY)


def validate_link(field: str, link: str) -> list[FieldProblem]:
    """An optional web address (http:// or https://) of at most 2000 characters."""
    problems = validate_text(field, link, MAX_LINK, single_line=True)
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
    return validate_text("email", normalised, MAX_EMAIL, single_line=True)


def validate_password(password: str | None, field: str = "password") -> list[FieldProblem]:
    """A new password of 8 to 1024 characters (None: no password given, nothing wrong)."""
    if password is None:
        return []
    if len(password) < MIN_PASSWORD:
        return [FieldProblem(field, f"must be at least {MIN_PASSWORD} characters")]
    return validate_text(field, password, MAX_PASSWORD, single_line=True)


def validate_timezone(name: str) -> list[FieldProblem]:
    """An IANA time zone name such as Europe/Oslo."""
    try:
        if (
            not name
            or name != name.strip()
            or validate_text("timezone", name, MAX_TIMEZONE, single_line=True)
        ):
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
