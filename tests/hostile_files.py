"""Hostile files, generated (never committed as binaries): zip bombs, huge sheets, huge CSVs.

Each is what an outside probe sent to the measurement import, rebuilt here so the tests can
send it again. The zip is written a megabyte at a time, so making a 500 MB bomb needs no
500 MB of memory in the test either.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_HEADER_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
_SHARED_AT_VALUE = f'<sst xmlns="{_MAIN}"><si><t>at</t></si><si><t>value</t></si></sst>'


def _sheet_xml(rows: str) -> str:
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
    return f"{head}<sheetData>{rows}</sheetData></worksheet>"


def workbook(
    sheet: Iterable[bytes],
    shared_strings: Iterable[bytes] = (_SHARED_AT_VALUE.encode(),),
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    zip64: bool = True,
) -> bytes:
    """An .xlsx whose first sheet's XML and shared strings are the chunks given, streamed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, chunks in (
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", shared_strings),
        ):
            with archive.open(name, "w", force_zip64=zip64) as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


def _repeated(head: str, body: bytes, times: int, tail: str) -> Iterable[bytes]:
    """head, then `body` `times` times (a megabyte at a time), then tail."""
    yield head.encode()
    per_chunk = max(1, 2**20 // len(body))
    left = times
    while left > 0:
        n = min(per_chunk, left)
        yield body * n
        left -= n
    yield tail.encode()


@functools.cache
def shared_strings_bomb() -> bytes:
    """~0.5 MB of .xlsx whose shared strings inflate to 500 MB (one 500 MB text)."""
    sheet = [_sheet_xml(_HEADER_ROW).encode()]
    strings = _repeated(
        f'<sst xmlns="{_MAIN}"><si><t>at</t></si><si><t>value</t></si><si><t>',
        b"A" * 1024,
        500 * 1024,
        "</t></si></sst>",
    )
    return workbook(sheet, strings)


def lying_bomb() -> bytes:
    """A shared-strings bomb (120 MB inflated) whose zip directory says the part is 2 KB."""
    strings = _repeated(
        f'<sst xmlns="{_MAIN}"><si><t>at</t></si><si><t>value</t></si><si><t>',
        b"A" * 1024,
        120 * 1024,
        "</t></si></sst>",
    )
    data = bytearray(workbook([_sheet_xml(_HEADER_ROW).encode()], strings, zip64=False))
    name = b"xl/sharedStrings.xml"
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (2048).to_bytes(4, "little")  # the declared inflated size
    return bytes(data)


@functools.cache
def empty_cells(rows: int = 100_000, columns: int = 100) -> bytes:
    """An .xlsx of `rows` x `columns` empty cells (ten million by default) in a few hundred KB."""
    head, tail = _sheet_xml("<!--rows-->").split("<!--rows-->")
    row = b"<row>" + b"<c/>" * columns + b"</row>"
    return workbook(_repeated(head + _HEADER_ROW, row, rows, tail))


def stored_sheet(rows: str) -> bytes:
    """An uncompressed .xlsx whose first sheet holds these rows (XML): no ratio to guard."""
    return workbook([_sheet_xml(rows).encode()], compression=zipfile.ZIP_STORED)


def wide_csv(columns: int = 5_000_000) -> bytes:
    """A CSV whose header has `columns` columns: at, value and millions of empty ones."""
    return b"at,value" + b",x" * (columns - 2) + b"\n2026-11-02,1\n"
