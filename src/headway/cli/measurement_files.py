"""`headway kpi import`: KPI measurements from a spreadsheet (CSV or XLSX)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from headway.cli import output
from headway.cli.context import MAX_ID, Database, Json, WorkspaceName, now, workspace_context
from headway.connectors.sheets import read_sheet
from headway.schemas.kpis import MeasurementImportOut
from headway.services.kpis.measurement_import import import_measurements


def kpi_import(
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8) or .xlsx file with a header row.")],
    kpi: Annotated[
        int | None,
        typer.Option(
            help="The KPI every row belongs to (else the file has a kpi column).",
            min=1,
            max=MAX_ID,
        ),
    ] = None,
    database: Database = None,
    workspace: WorkspaceName = None,
    as_json: Json = False,
) -> None:
    """Import KPI measurements (columns kpi, at, value, note), all or nothing."""
    ctx, ws = workspace_context(database, workspace)
    sheet = read_sheet(file, max_bytes=ctx.settings.max_upload_bytes)
    done = import_measurements(ctx.uow, ws, sheet, kpi_id=kpi, caller=ctx.caller, clock=now)
    imported = MeasurementImportOut.of(done)
    if as_json:
        output.print_json(imported.model_dump(mode="json"))
        return
    for d in done:
        output.say(f"{d.kpi_name} (KPI {d.kpi_id}): {output.plural(d.created, 'measurement')}")
    created, replaced = imported.created, imported.replaced
    replacing = f"; {replaced} from an earlier import of those dates replaced" if replaced else ""
    output.say(
        f"Imported {output.plural(created, 'measurement')} into {output.plural(len(done), 'KPI')}"
        f" from {file.name}{replacing}."
    )
