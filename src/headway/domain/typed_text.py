"""Numbers and dates as people type them into a form or a spreadsheet cell.

One reading everywhere: a point for decimals, commas only to group thousands, ISO dates.
A value that cannot be read is a FieldProblem naming the field, never a guess.
"""

from __future__ import annotations

import re
from datetime import date

from headway.domain.errors import FieldProblem

# Only the extended calendar form: Python also reads 20261116 and 2026-W47-1, which a person
# rarely means and a number such as 0 or 20261116 must never become.
_ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
_GROUPED = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
_MINUS_SIGN = "\u2212"  # what word processors and some spreadsheets put for "-"


def parse_number(field: str, text: str) -> float | FieldProblem:
    """A number from text: 1234.5, -3, 1,234.5 (commas group thousands only)."""
    text = text.strip().replace(_MINUS_SIGN, "-")
    if "," in text:
        if not _GROUPED.fullmatch(text):
            # 5,7 is 5.7 in much of the world and 57 nowhere: refuse rather than guess.
            return FieldProblem(
                field, "use a point for decimals (5.7); commas only group thousands"
            )
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return FieldProblem(field, "must be a number")


def parse_day(field: str, text: str) -> date | FieldProblem:
    """A calendar date written YYYY-MM-DD, and only so (not 20261116, 2026-W47 or 0)."""
    text = text.strip()
    try:
        if _ISO_DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    return FieldProblem(field, "must be a date (YYYY-MM-DD)")
