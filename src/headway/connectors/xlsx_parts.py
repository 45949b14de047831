"""An .xlsx file looked at as the zip it is, before openpyxl opens it.

A workbook is a zip of XML parts, and a zip can inflate a few hundred kilobytes into
gigabytes (a "zip bomb"), or hold ten million empty cells that take minutes to walk. So the
parts are checked first, from the zip's directory and then by streaming the worksheets:

- at most MAX_PARTS parts, MAX_INFLATED bytes in all and MAX_PART_INFLATED in any one part,
  the shared strings at most MAX_SHARED_STRINGS_BYTES;
- no part that inflates more than MAX_RATIO times (past the first megabyte: small parts of
  repeated XML compress well and harm no one);
- in every worksheet, at most MAX_ROWS rows, MAX_COLUMNS cells in a row and MAX_CELLS cells;
  and at most MAX_SHARED_STRINGS shared strings (openpyxl holds them all in memory).

The zip module stops inflating a part at the size its directory declares (and then finds the
checksum wrong), so a directory that lies about sizes cannot get past these checks either.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

MAX_PARTS = 1_000
MAX_INFLATED = 100 * 2**20
MAX_PART_INFLATED = 64 * 2**20
MAX_SHARED_STRINGS_BYTES = 16 * 2**20
MAX_SHARED_STRINGS = 200_000
MAX_RATIO = 100
RATIO_FREE_BYTES = 2**20
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_CELLS = 1_000_000

_CHUNK = 2**20
_TAIL = 4096  # bytes seen again with the next chunk: an element cut in two is seen whole
# A row or cell start tag, with or without a namespace prefix (<row ...>, <x:c .../>); a
# prefix longer than the tail makes every cell cost that much, and the part's size bounds them.
_ROW_OR_CELL = re.compile(rb"<(?:[^\s<>/:]{1,4000}:)?(row|c)[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[^\s<>/:]{1,4000}:)?si[\s/>]")


@dataclass(frozen=True, slots=True)
class TooBig(Exception):  # noqa: N818 - a refusal, not a bug
    """The workbook passes a limit; `reason` says which, in words for the person sending it."""

    reason: str

    def __str__(self) -> str:
        return self.reason


def check_workbook(archive: zipfile.ZipFile) -> None:
    """TooBig if the workbook is over a limit; zipfile.BadZipFile if it is not a sound zip."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise TooBig(f"it has more than {MAX_PARTS} parts")
    total = 0
    for part in parts:
        total += part.file_size
        if total > MAX_INFLATED:
            raise TooBig(f"it inflates to more than {MAX_INFLATED // 2**20} MB")
        if part.file_size > MAX_PART_INFLATED:
            raise TooBig(
                f"its part {part.filename} inflates to more than {MAX_PART_INFLATED // 2**20} MB"
            )
        if part.file_size > RATIO_FREE_BYTES and part.file_size > MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise TooBig(
                f"its part {part.filename} inflates more than {MAX_RATIO} times "
                "(a compressed bomb, or a sheet of millions of empty cells)"
            )
        if _is_shared_strings(part.filename) and part.file_size > MAX_SHARED_STRINGS_BYTES:
            raise TooBig(
                f"its shared strings inflate to more than {MAX_SHARED_STRINGS_BYTES // 2**20} MB"
            )
    for part in parts:
        if _is_shared_strings(part.filename):
            _check_shared_strings(archive, part)
        elif _is_worksheet(part.filename):
            _check_worksheet(archive, part)


def _is_shared_strings(name: str) -> bool:
    return name.lower().endswith("sharedstrings.xml")


def _is_worksheet(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("xl/worksheets/") and lowered.endswith(".xml")


def _windows(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> Iterator[tuple[bytes, int]]:
    """The part's inflated bytes a megabyte at a time, as (window, end): a tag that starts
    before `end` is counted in this window, one that starts after it in the next, which
    begins at `end`; a tag shorter than _TAIL is thus seen whole exactly once."""
    with archive.open(part) as stream:
        data = stream.read(_CHUNK)
        while data:
            more = stream.read(_CHUNK)
            if not more:
                yield data, len(data)
                return
            end = max(len(data) - _TAIL, 0)
            yield data, end
            data = data[end:] + more


def _check_shared_strings(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    count = 0
    for data, end in _windows(archive, part):
        count += sum(1 for found in _SHARED_STRING.finditer(data) if found.start() < end)
        if count > MAX_SHARED_STRINGS:
            raise TooBig(f"it has more than {MAX_SHARED_STRINGS} different texts")


def _check_worksheet(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    rows = cells = in_row = 0
    for data, end in _windows(archive, part):
        for found in _ROW_OR_CELL.finditer(data):
            if found.start() >= end:
                break  # seen again, whole, in the next window
            if found.group(1) == b"row":
                rows += 1
                in_row = 0
                if rows > MAX_ROWS + 1:
                    raise TooBig(f"a sheet has more than {MAX_ROWS} rows")
                continue
            cells += 1
            in_row += 1
            if in_row > MAX_COLUMNS:
                raise TooBig(f"a row has more than {MAX_COLUMNS} cells")
            if cells > MAX_CELLS:
                raise TooBig(f"a sheet has more than {MAX_CELLS} cells")
