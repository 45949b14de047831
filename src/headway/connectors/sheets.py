"""Spreadsheet files read as rows of cells: CSV (UTF-8) and XLSX (the first worksheet).

Only reading happens here; what the cells mean is the importing service's business. Row
numbers are the ones a person sees when they open the file (the header is usually row 1).

Every file is bounded while it is read, whatever its size in bytes: rows, cells in a row, cells
in all and, in a CSV, the length of a line (xlsx_parts.py has the limits, and checks an .xlsx
as a zip before openpyxl opens it). A file over one is refused naming the limit.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from headway.config import size_text
from headway.connectors.xlsx_parts import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, TooBig, check_workbook
from headway.domain.errors import FieldProblem, ValidationFailed

Cell = str | int | float | bool | date | datetime | time | None
MAX_LINE_CHARS = 100_000  # a CSV line: a 10,000-character note and more fits many times
_DELIMITERS = ",;\t"
_LONG_LINE = re.compile(f"[^\n]{{{MAX_LINE_CHARS + 1}}}")


@dataclass(frozen=True, slots=True)
class Sheet:
    """A header row of column names and the rows below it, blank rows left out."""

    name: str
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number, cells)


def read_sheet(path: Path, *, max_bytes: int) -> Sheet:
    """The rows of a .csv or .xlsx file of at most `max_bytes`; ValidationFailed (field `file`)
    if it cannot be read or is larger."""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as exc:
        raise _unreadable(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise _unreadable(f"{path.name} is larger than {size_text(max_bytes)}: split it")
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
    long_line = _LONG_LINE.search(text)
    if long_line is not None:
        number = text.count("\n", 0, long_line.start()) + 1
        raise _unreadable(f"{name} line {number} is longer than {MAX_LINE_CHARS} characters")
    first_line = text.split("\n", 1)[0]
    try:
        dialect: type[csv.Dialect] | str = csv.Sniffer().sniff(first_line, _DELIMITERS)
    except csv.Error:
        dialect = "excel"  # one column, or nothing to tell by: plain commas
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    records: list[tuple[int, list[Cell]]] = []
    counter = _Counter(name)
    try:
        for number, record in enumerate(reader, start=1):
            counter.row(number, len(record))
            records.append((number, list(record)))
    except csv.Error as exc:
        raise _unreadable(f"{name} row {reader.line_num}: {exc}") from None
    return _sheet(name, records)


def _read_xlsx(name: str, data: bytes) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_workbook(archive)
    except TooBig as exc:
        raise _unreadable(f"{name} is too large to import: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _unreadable(f"{name} is not an .xlsx workbook that can be read") from None
    try:
        return _sheet(name, _xlsx_records(name, data))
    except ValidationFailed:
        raise
    except Exception:  # noqa: BLE001 - any fault of a hostile workbook is "cannot be read"
        raise _unreadable(f"{name} is not an .xlsx workbook that can be read") from None


def _xlsx_records(name: str, data: bytes) -> list[tuple[int, list[Cell]]]:
    # data_only: a formula cell gives the value Excel saved with it, not its formula.
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not book.worksheets:
            raise _unreadable(f"{name} has no worksheet")
        sheet = book.worksheets[0]
        # The sheet's own <dimension> may claim a million columns: read the cells it has.
        sheet.reset_dimensions()
        records: list[tuple[int, list[Cell]]] = []
        counter = _Counter(name)
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            counter.row(number, len(values))
            records.append((number, [_plain(v) for v in values]))
        return records
    finally:
        book.close()


def _plain(value: object) -> Cell:
    """A cell as text, number, truth value or date; anything else (rich text, a duration) as
    its text, which the importer then refuses with the cell's row and column."""
    if value is None or isinstance(value, str | int | float | bool | date | time):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


class _Counter:
    """Rows, cells in a row and cells in all, refused as soon as one passes its limit."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells = 0

    def row(self, number: int, cells: int) -> None:
        if number > MAX_ROWS + 1:
            raise _unreadable(
                f"{self.name} has more than {MAX_ROWS} rows: split it into several files"
            )
        if cells > MAX_COLUMNS:
            raise _unreadable(f"{self.name} row {number} has more than {MAX_COLUMNS} columns")
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise _unreadable(f"{self.name} has more than {MAX_CELLS} cells")


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
