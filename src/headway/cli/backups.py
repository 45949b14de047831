"""`headway backup` and `headway restore`: the whole database in one file, and back again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from headway.cli.context import CommandContext, Database, Json, command_context, now
from headway.cli.output import plural, print_json, say
from headway.config import load_settings
from headway.domain.errors import FieldProblem, ValidationFailed
from headway.services.access.actors import Caller
from headway.services.documents.backups import (
    BackupSummary,
    backup_database,
    read_backup,
    restore_database,
)
from headway.store.uow import make_uow


def _rows_of(summary: BackupSummary) -> str:
    return f"{plural(summary.rows, 'row')} of {plural(summary.workspaces, 'workspace')}"


def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (replaced if it exists).")],
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Write every row of every workspace to one file, readable only by you."""
    ctx = command_context(database)
    try:
        summary = backup_database(ctx.uow, file, clock=now)
    except OSError as exc:
        problem = FieldProblem("", f"cannot write {file}: {exc.strerror or exc}")
        raise ValidationFailed([problem]) from None
    if as_json:
        print_json({"file": str(file), "revision": summary.revision, "counts": summary.counts})
    else:
        say(f"Backed up {_rows_of(summary)} to {file}.")


def restore(
    file: Annotated[Path, typer.Argument(help="A file `headway backup` wrote.")],
    database: Database = None,
    as_json: Json = False,
) -> None:
    """Load a backup into an empty database, then upgrade its schema to this version.

    Every row is checked first with the rules a workspace import obeys; any problem refuses
    the whole file and leaves the database untouched."""
    settings = load_settings(**({"database_url": database} if database else {}))
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed([FieldProblem("", f"{file} is not UTF-8 text")]) from None
    except OSError as exc:
        problem = FieldProblem("", f"cannot read {file}: {exc.strerror or exc}")
        raise ValidationFailed([problem]) from None
    backup = read_backup(text)  # the whole file is checked before the database is touched
    # Not command_context: the target may have no schema yet, and must not be upgraded to
    # this version's schema before rows of an older one go in.
    ctx = CommandContext(settings=settings, uow=make_uow(settings), caller=Caller.operator())
    summary = restore_database(ctx.uow, backup, clock=now)
    if as_json:
        print_json({"database": ctx.safe_url, "revision": ctx.revision, "counts": summary.counts})
    else:
        say(
            f"Restored {_rows_of(summary)} from {file} into {ctx.safe_url} (schema {ctx.revision})."
        )
