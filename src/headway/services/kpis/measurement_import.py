"""KPI measurements imported from a spreadsheet: every row checked, then all stored or none.

Columns (a header row, any order, any case): `at` (or `date`), `value`, optional `note`, and
`kpi` (the KPI's id, key or name) unless the import names one KPI for the whole file. An
import is a batch of source `csv`: it first removes that source's measurements of each KPI on
the dates the file covers, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from headway.domain import permissions
from headway.domain.errors import FieldProblem, PermissionDenied, ProblemList, ValidationFailed
from headway.domain.model import Kpi, KpiSource, Workspace
from headway.domain.periods import today_in
from headway.domain.typed_text import parse_day, parse_number
from headway.services.access.actors import Caller, require
from headway.services.kpis.measurements import (
    MeasurementInput,
    measurement_problems,
    require_recording,
    store_batch,
)
from headway.store import kpis as kpi_store
from headway.store.uow import Connection, UnitOfWork

if TYPE_CHECKING:  # only named in annotations: the CLI's other commands skip openpyxl
    from headway.connectors.sheets import Cell, Sheet

COLUMNS = ("kpi", "at", "value", "note")
_ALIASES = {"date": "at"}
_WHOLE = re.compile(r"[0-9]{1,19}")


@dataclass(frozen=True, slots=True)
class KpiImported:
    """What an import did to one KPI."""

    kpi_id: int
    kpi_name: str
    created: int
    replaced: int


def _columns(sheet: Sheet, *, one_kpi: bool) -> tuple[dict[str, int], ProblemList]:
    """Which cell of a row holds which column, and what is wrong with the header."""
    found: dict[str, int] = {}
    problems = ProblemList()
    row = f"row {sheet.header_row}"
    for index, raw in enumerate(sheet.header):
        name = _ALIASES.get(raw.casefold(), raw.casefold())
        where = f"{row}.{raw or f'column {index + 1}'}"
        if name not in COLUMNS:
            problems.append(FieldProblem(where, f"unknown column; use {', '.join(COLUMNS)}"))
        elif name in found:
            problems.append(FieldProblem(where, f"the column {name!r} appears twice"))
        else:
            found[name] = index
    for name in _missing(found, one_kpi=one_kpi):
        if name != "kpi":
            problems.append(FieldProblem(row, f"the header has no {name!r} column"))
    if one_kpi and "kpi" in found:
        problems.append(
            FieldProblem(f"{row}.kpi", "a KPI is named for the whole file: leave out this column")
        )
    if not one_kpi and "kpi" not in found:
        problems.append(
            FieldProblem(row, "the header has no 'kpi' column and no KPI is named for the file")
        )
    return found, problems


def _missing(found: dict[str, int], *, one_kpi: bool) -> list[str]:
    """The columns a row cannot be read without that the header lacks."""
    needed = ("at", "value") if one_kpi else ("kpi", "at", "value")
    return [name for name in needed if name not in found]


class _KpiLookup:
    """KPIs by id, key or name (names compared without case); ambiguity is a problem."""

    def __init__(self, kpis: Sequence[Kpi]) -> None:
        self.by_id = {k.id: k for k in kpis}
        self.by_key = {k.key: k for k in kpis if k.key}
        self.by_name: dict[str, list[Kpi]] = {}
        for k in kpis:
            self.by_name.setdefault(k.name.strip().casefold(), []).append(k)

    def find(self, field: str, cell: Cell) -> Kpi | FieldProblem:
        text = _text(cell)
        if not text:
            return FieldProblem(field, "is required")
        if _WHOLE.fullmatch(text) and int(text) in self.by_id:
            return self.by_id[int(text)]
        if text in self.by_key:
            return self.by_key[text]
        named = self.by_name.get(text.casefold(), [])
        if len(named) == 1:
            return named[0]
        if named:
            ids = ", ".join(str(k.id) for k in named)
            return FieldProblem(field, f"{len(named)} KPIs are named {text!r}: use an id ({ids})")
        return FieldProblem(field, f"no KPI has the id, key or name {text!r}")


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a spreadsheet stores the id 7 as 7.0
    return str(cell).strip()


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _day(field: str, cell: Cell) -> date | FieldProblem:
    if _blank(cell):
        return FieldProblem(field, "is required")
    if isinstance(cell, datetime):
        if cell.time() != datetime.min.time():
            return FieldProblem(field, "must be a date without a time of day")
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str):
        return parse_day(field, cell)
    return FieldProblem(field, "must be a date (YYYY-MM-DD)")


def _value(field: str, cell: Cell) -> float | FieldProblem:
    if _blank(cell):
        return FieldProblem(field, "is required")
    if isinstance(cell, str):
        return parse_number(field, cell)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    return FieldProblem(field, "must be a number")


def _rows(
    sheet: Sheet, columns: dict[str, int], lookup: _KpiLookup, one_kpi: Kpi | None, today: date
) -> tuple[dict[int, list[MeasurementInput]], ProblemList]:
    """The measurements of each KPI, in file order, and every problem of every row."""
    by_kpi: dict[int, list[MeasurementInput]] = {}
    problems = ProblemList()
    header = sheet.header
    for number, cells in sheet.rows:

        def cell(name: str, cells: list[Cell] = cells) -> Cell:
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        def field(name: str, number: int = number) -> str:
            return f"row {number}.{header[columns[name]]}"

        extra = [c for i, c in enumerate(cells) if i >= len(header) and _text(c)]
        if extra:
            problems.append(FieldProblem(f"row {number}", "has a value beyond the last column"))
        kpi = one_kpi if one_kpi is not None else lookup.find(field("kpi"), cell("kpi"))
        at = _day(field("at"), cell("at"))
        value = _value(field("value"), cell("value"))
        if not (isinstance(kpi, Kpi) and isinstance(at, date) and isinstance(value, float)):
            problems.extend(x for x in (kpi, at, value) if isinstance(x, FieldProblem))
            continue
        item = MeasurementInput(value=value, at=at, note=_text(cell("note")), source=KpiSource.CSV)
        problems.extend(
            FieldProblem(field(p.field), p.message) for p in measurement_problems(item, kpi, today)
        )
        by_kpi.setdefault(kpi.id, []).append(item)
    if not sheet.rows:
        problems.append(FieldProblem("file", f"{sheet.name} has a header but no measurements"))
    return by_kpi, problems


def may_import(
    uow: UnitOfWork, workspace: Workspace, *, kpi_id: int | None = None, caller: Caller
) -> None:
    """PermissionDenied (or NotFound) unless the caller may import into this KPI, or into some
    KPI; asked before the file is read, so that a refused upload is never parsed. The import
    asks again for each KPI the file names."""
    with uow.reading():
        conn = uow.conn
        if kpi_id is not None:
            require_recording(
                caller, conn, workspace, kpi_store.get_kpi(conn, workspace.id, kpi_id)
            )
        else:
            require(
                caller,
                conn,
                workspace,
                "import measurements",
                lambda actor, _tree: permissions.can_write_something(actor),
                units=(),
            )


def _require_recording_each(
    caller: Caller, conn: Connection, workspace: Workspace, kpis: Sequence[Kpi]
) -> None:
    """PermissionDenied (naming the first KPI refused) unless the caller may record
    measurements of each of these KPIs: the person and the unit tree are read once for all."""
    refused: list[Kpi] = []

    def each(actor: permissions.Actor, tree: permissions.UnitTree) -> bool:
        refused.extend(k for k in kpis if not permissions.can_record_measurement(actor, k, tree))
        return not refused

    what = f"record measurements of {kpis[0].name!r}" if kpis else "record measurements"
    try:
        require(caller, conn, workspace, what, each, units=[k.owner_unit_id for k in kpis])
    except PermissionDenied:
        if refused:
            raise PermissionDenied(
                f"{caller.label} may not record measurements of {refused[0].name!r}"
            ) from None
        raise


def import_measurements(
    uow: UnitOfWork,
    workspace: Workspace,
    sheet: Sheet,
    *,
    kpi_id: int | None = None,
    caller: Caller,
    clock: Callable[[], datetime],
) -> list[KpiImported]:
    """Record a spreadsheet's measurements, all or nothing; what was done to each KPI."""
    now = clock()
    today = today_in(workspace, clock)
    columns, header_problems = _columns(sheet, one_kpi=kpi_id is not None)
    if _missing(columns, one_kpi=kpi_id is not None):
        raise ValidationFailed(header_problems.as_list())  # no row can be read
    with uow:
        conn = uow.conn
        one_kpi = kpi_store.get_kpi(conn, workspace.id, kpi_id) if kpi_id is not None else None
        lookup = _KpiLookup(kpi_store.load_kpis(conn, workspace.id))
        by_kpi, problems = _rows(sheet, columns, lookup, one_kpi, today)
        if header_problems or problems:
            header_problems.kept_from(problems)
            raise ValidationFailed(header_problems.as_list())
        _require_recording_each(caller, conn, workspace, [lookup.by_id[k] for k in by_kpi])
        done = []
        for kpi_id_, items in by_kpi.items():
            kpi = lookup.by_id[kpi_id_]
            batch = store_batch(
                conn, caller, workspace, kpi, items, replace=True, now=now, today=today
            )
            done.append(KpiImported(kpi.id, kpi.name, len(batch.created), batch.removed))
    return done
