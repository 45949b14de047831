"""JSON text read with bounds: a request body is refused with a clear problem, never a crash.

Python's reader takes what RFC 8259 allows and more, and some of it costs or breaks later:
nesting a thousand levels deep is a RecursionError, an integer of 5,000 digits a ValueError
(and thousands of digits take quadratic time to read), and a lone surrogate escape
(`"a\\ud800b"`) becomes a string no database stores and no response can encode. Here each is
a `ValidationFailed` naming the body (or the value's path) and the bound, read before any
value is built where it can be.

The same scan of the text outside its strings also counts a workspace document's values before
it is parsed (`json_values`, used by services/documents/bounded_text.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from headway.domain.errors import FieldProblem, ValidationFailed

# No request Headway takes nests deeper than a workspace document (about 8 levels).
MAX_DEPTH = 32
# Ids have 19 digits at most and figures 16; a longer integer is a mistake or an attack.
MAX_INTEGER_DIGITS = 100

# A string token, escapes and all, to its closing quote or the end of the text (a backslash
# left at the end included): it matches wherever a quote stands, so the scan is linear even on
# text that is not JSON (a quote left open, escaped quotes). Unrolled and possessive, it is
# also the fastest form of it `re` runs, which counts on a document of 15 MB.
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
# Only an escape can put a surrogate in a string of valid UTF-8 (a backslash pair before
# "ud800" makes this match too, which only costs the exact check).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _refused(message: str, field: str = "body") -> ValidationFailed:
    return ValidationFailed([FieldProblem(field, message)])


def outside_strings(text: str) -> str:
    """The JSON text without its strings: its brackets, commas, colons, numbers and literals."""
    return _STRING.sub("", text)


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in `text`, brackets inside strings not counted."""
    brackets = _NOT_BRACKET.sub("", outside_strings(text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def json_values(text: str) -> int:
    """How many values (keys included) the JSON text holds, at most: one, and one more for
    each comma, colon and opening bracket outside strings."""
    bare = outside_strings(text)
    return 1 + sum(bare.count(mark) for mark in ",:[{")


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _refused(f"holds an integer of more than {MAX_INTEGER_DIGITS} digits")
    return int(digits)


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a parsed value with the path it is at; object keys at their object."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, here = stack.pop()
        if isinstance(item, str):
            yield here, item
        elif isinstance(item, dict):
            for key, child in item.items():
                yield here, key
                stack.append((child, f"{here}.{key}" if here else key))
        elif isinstance(item, list):
            stack.extend((child, f"{here}[{i}]") for i, child in enumerate(item))


def _lone_surrogate_at(value: Any) -> str | None:
    """The path of the first string holding a lone surrogate, or None."""
    for path, text in _strings(value):
        try:
            text.encode()
        except UnicodeEncodeError:
            # The path is made of keys that encode: one that does not is reported at its object.
            try:
                path.encode()
            except UnicodeEncodeError:
                return "body"
            return path or "body"
    return None


def read_json(raw: bytes | str) -> Any:
    """The value of a JSON text (UTF-8 when bytes), or ValidationFailed saying what is wrong:
    not UTF-8, not JSON, nested deeper than MAX_DEPTH, an integer longer than
    MAX_INTEGER_DIGITS, or a lone surrogate (named at its path)."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _refused(f"is not UTF-8 text (byte {exc.start})") from None
    else:
        text = raw
    if nesting_depth(text) > MAX_DEPTH:
        raise _refused(f"nests arrays and objects deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise _refused(
            f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:  # the depth check makes this unreachable; a net all the same
        raise _refused(f"nests arrays and objects deeper than {MAX_DEPTH} levels") from None
    if _SURROGATE_ESCAPE.search(text):
        path = _lone_surrogate_at(value)
        if path is not None:
            raise _refused("must be Unicode text (it holds a lone surrogate)", path)
    return value
