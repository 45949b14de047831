"""Importing KPI measurements from a spreadsheet in the browser: one KPI's, or several KPIs'.

The same import as `headway kpi import`: every row checked, all stored or none, and a file
imported again replaces what it stored the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from headway.connectors.sheets import sheet_from_bytes
from headway.domain.errors import FieldProblem, ValidationFailed
from headway.services.kpis.measurement_import import KpiImported, import_measurements, may_import
from headway.web.inputs import RowId
from headway.web.ui.context import Form, PageContext
from headway.web.ui.kpis import render_kpi, render_kpi_list, view_of

router = APIRouter(include_in_schema=False)


def _may_import_any(page: PageContext) -> None:
    """Who may not import is refused before the form (and its file) is read; BodyLimit has
    already bounded the upload's size."""
    may_import(page.uow, page.workspace, caller=page.caller)


def _may_import_one(kpi_id: RowId, page: PageContext) -> None:
    may_import(page.uow, page.workspace, kpi_id=kpi_id, caller=page.caller)


@dataclass(frozen=True, slots=True)
class Upload:
    """The file a form sent, or the problem with it."""

    name: str = ""
    data: bytes = b""
    problem: FieldProblem | None = None


async def uploaded_file(form: Form) -> Upload:
    """The spreadsheet posted in the form's `file` field."""
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return Upload(problem=FieldProblem("file", "choose a .csv or .xlsx file"))
    return Upload(name=sent.filename, data=await sent.read())


UploadedFile = Annotated[Upload, Depends(uploaded_file)]


def _imported(upload: Upload, page: PageContext, kpi_id: int | None) -> list[KpiImported]:
    if upload.problem is not None:
        raise ValidationFailed([upload.problem])
    sheet = sheet_from_bytes(upload.name, upload.data)
    return import_measurements(
        page.uow, page.workspace, sheet, kpi_id=kpi_id, caller=page.caller, clock=page.clock
    )


def _counts(done: list[KpiImported]) -> str:
    created = sum(d.created for d in done)
    replaced = sum(d.replaced for d in done)
    return f"imported={created}&replaced={replaced}&kpis={len(done)}"


@router.post("/kpis/import")
def import_for_kpis(
    page: PageContext, _may: Annotated[None, Depends(_may_import_any)], upload: UploadedFile
) -> Response:
    """Import a file whose `kpi` column names each row's KPI."""
    try:
        done = _imported(upload, page, None)
    except ValidationFailed as exc:
        return render_kpi_list(page, status_code=422, import_problems=exc.problems)
    return RedirectResponse(f"/kpis?{_counts(done)}#import", status_code=303)


@router.post("/kpis/{kpi_id}/measurements/import")
def import_for_kpi(
    kpi_id: RowId,
    page: PageContext,
    _may: Annotated[None, Depends(_may_import_one)],
    upload: UploadedFile,
) -> Response:
    """Import a file of this KPI's measurements (columns at, value, note)."""
    try:
        done = _imported(upload, page, kpi_id)
    except ValidationFailed as exc:
        view = view_of(page, kpi_id)
        return render_kpi(page, view, status_code=422, import_problems=exc.problems)
    return RedirectResponse(f"/kpis/{kpi_id}?{_counts(done)}#import", status_code=303)
