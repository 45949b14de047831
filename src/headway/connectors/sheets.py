"""Spreadsheet files read as rows of cells: CSV (UTF-8) and XLSX (the first worksheet).

Only reading happens here; what the cells mean is the importing service's business. Row
numbers are the ones a person sees when they open the file (the header is usually row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from headway.domain.errors import FieldProblem, ValidationFailed

Cell = str | int | float | bool | date | datetime | time | None
MAX_ROWS = 100_000
_DELIMITERS = ",;\t"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A header row of column names and the rows below it, blank rows left out."""

    name: str
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number, cells)


def read_sheet(path: Path) -> Sheet:
    """The rows of a .csv or .xlsx file; ValidationFailed (field `file`) if it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(f"cannot read {path}: {exc.strerror}") from None
    return sheet_from_bytes(path.name, data)


def sheet_from_bytes(name: str, data: bytes) -> Sheet:
    """The rows of a file's content, read as its name's suffix (.csv or .xlsx) says."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return _read_csv(name, data)
    if suffix == ".xlsx":
        return _read_xlsx(name, data)
    raise _unreadable(f"{name} must be a .csv or an .xlsx file")


def _unreadable(message: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem("file", message)])


def _read_csv(name: str, data: bytes) -> Sheet:
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark that is not a header.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable(f"{name} is not UTF-8 text (save it as CSV UTF-8)") from None
    first_line = text.split("\n", 1)[0]
    try:
        dialect: type[csv.Dialect] | str = csv.Sniffer().sniff(first_line, _DELIMITERS)
    except csv.Error:
        dialect = "excel"  # one column, or nothing to tell by: plain commas
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    records: list[tuple[int, list[Cell]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            _count(name, number)
            records.append((number, list(record)))
    except csv.Error as exc:
        raise _unreadable(f"{name} row {reader.line_num}: {exc}") from None
    return _sheet(name, records)


def _read_xlsx(name: str, data: bytes) -> Sheet:
    try:
        # data_only: a formula cell gives the value Excel saved with it, not its formula.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _unreadable(f"{name} is not an .xlsx workbook that can be read") from None
    try:
        if not book.worksheets:
            raise _unreadable(f"{name} has no worksheet")
        records: list[tuple[int, list[Cell]]] = []
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            _count(name, number)
            records.append((number, [_plain(v) for v in values]))
    finally:
        book.close()
    return _sheet(name, records)


def _plain(value: object) -> Cell:
    """A cell as text, number, truth value or date; anything else (rich text, a duration) as
    its text, which the importer then refuses with the cell's row and column."""
    if value is None or isinstance(value, str | int | float | bool | date | time):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _count(name: str, number: int) -> None:
    if number > MAX_ROWS + 1:
        raise _unreadable(f"{name} has more than {MAX_ROWS} rows: split it into several files")


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _sheet(name: str, records: list[tuple[int, list[Cell]]]) -> Sheet:
    filled = [(n, cells) for n, cells in records if not all(_blank(c) for c in cells)]
    if not filled:
        raise _unreadable(f"{name} is empty: it needs a header row (at, value, ...)")
    (header_row, header_cells), rows = filled[0], filled[1:]
    header = ["" if _blank(c) else str(c).strip() for c in header_cells]
    # Spreadsheets pad rows with empty cells on the right; they are not columns.
    while header and not header[-1]:
        header.pop()
    return Sheet(name=name, header_row=header_row, header=header, rows=rows)
