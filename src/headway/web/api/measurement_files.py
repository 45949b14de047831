"""/api/v1/kpis/import and /api/v1/kpis/{id}/measurements/import: spreadsheets of measurements.

The body is the file itself (`curl --data-binary @march.csv -H 'Content-Type: text/csv'`),
read as `headway kpi import` reads it: every row checked, all stored or none. Who may not
import is refused before the file is read (BodyLimit has already bounded its size).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request

from headway.connectors.sheets import sheet_from_bytes
from headway.schemas.kpis import MeasurementImportOut
from headway.services.kpis.measurement_import import import_measurements, may_import
from headway.web.deps import ApiContext
from headway.web.inputs import RowId
from headway.web.json_request import JsonRoute

router = APIRouter(prefix="/kpis", tags=["kpis"], route_class=JsonRoute)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The file name a body is read as, by its media type.
READ_AS = {"text/csv": "upload.csv", "application/csv": "upload.csv", XLSX_TYPE: "upload.xlsx"}

_SPREADSHEET_BODY = {
    "requestBody": {
        "required": True,
        "description": "A CSV (UTF-8) or XLSX file: a header row (kpi, at, value, note), then "
        "one measurement a row.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def _read_as(request: Request) -> str:
    """The file name the body is read as, by its media type; 415 for any other."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in READ_AS:
        raise HTTPException(415, f"send the file as text/csv or {XLSX_TYPE}")
    return READ_AS[media]


def _may_import_any(api: ApiContext) -> None:
    may_import(api.uow, api.workspace, caller=api.caller)


def _may_import_one(kpi_id: RowId, api: ApiContext) -> None:
    may_import(api.uow, api.workspace, kpi_id=kpi_id, caller=api.caller)


async def _spreadsheet(request: Request) -> tuple[str, bytes]:
    """The file name the body is read as, and the body: read only after the permission
    dependencies before it (a route's dependencies run in the order they are declared)."""
    return _read_as(request), await request.body()


Spreadsheet = Annotated[tuple[str, bytes], Depends(_spreadsheet)]


@router.post("/import", openapi_extra=_SPREADSHEET_BODY)
def import_for_kpis(
    api: ApiContext, _may: Annotated[None, Depends(_may_import_any)], file: Spreadsheet
) -> MeasurementImportOut:
    """Import measurements of several KPIs (a `kpi` column names each row's: id, key or name)."""
    done = import_measurements(
        api.uow, api.workspace, sheet_from_bytes(*file), caller=api.caller, clock=api.clock
    )
    return MeasurementImportOut.of(done)


@router.post("/{kpi_id}/measurements/import", openapi_extra=_SPREADSHEET_BODY)
def import_for_kpi(
    kpi_id: RowId,
    api: ApiContext,
    _may: Annotated[None, Depends(_may_import_one)],
    file: Spreadsheet,
) -> MeasurementImportOut:
    """Import one KPI's measurements (columns at, value, note)."""
    done = import_measurements(
        api.uow,
        api.workspace,
        sheet_from_bytes(*file),
        kpi_id=kpi_id,
        caller=api.caller,
        clock=api.clock,
    )
    return MeasurementImportOut.of(done)
