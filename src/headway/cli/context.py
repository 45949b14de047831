"""What every command shares: its options, settings, the unit of work and who is acting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from headway.config import Settings, load_settings
from headway.domain.model import Workspace
from headway.domain.typed_text import parse_day
from headway.domain.validation import validate_day
from headway.services.access.actors import Caller
from headway.services.access.workspaces import resolve_workspace
from headway.store.schema import (
    SchemaOutOfDate,
    ensure_current,
    schema_revision,
    upgrade_database,
)
from headway.store.uow import UnitOfWork, make_uow

Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL (default: $HEADWAY_DATABASE_URL, else sqlite:///./var/headway.db).",
        show_default=False,
    ),
]
WorkspaceName = Annotated[
    str | None,
    typer.Option("--workspace", help="Workspace name (needed when there are several)."),
]
MAX_ID = 2**63 - 1  # the largest id a database integer column holds


def now() -> datetime:
    """The clock every command acts by."""
    return datetime.now(UTC)


def day_option(option: str) -> Callable[[str], date]:
    """A parser for a YYYY-MM-DD option, refusing dates Headway does not reckon with."""
    return lambda text: _iso_date(text, option)


AsOf = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        parser=day_option("--as-of"),
        metavar="YYYY-MM-DD",
        help="Compute as of this date (default: today in the workspace's timezone).",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _iso_date(text: str, option: str) -> date:
    day = parse_day(option, text)
    if not isinstance(day, date):
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option)
    for problem in validate_day(option, day):
        raise typer.BadParameter(problem.message, param_hint=option)
    return day


@dataclass(slots=True)
class CommandContext:
    settings: Settings
    uow: UnitOfWork
    caller: Caller

    @property
    def safe_url(self) -> str:
        """The database URL without its password, for messages."""
        return make_url(self.settings.database_url).render_as_string(hide_password=True)

    @property
    def revision(self) -> str | None:
        return schema_revision(self.uow.engine)

    def workspace(self, name: str | None) -> Workspace:
        return resolve_workspace(self.uow, name)


def command_context(database: str | None, *, migrate: bool = False) -> CommandContext:
    """Settings from the environment (and --database), on a schema that is current.

    Commands that create data (`init`, `demo`, `import`) bring the schema up to date
    themselves; the others refuse an out-of-date schema with a message saying what to run.
    """
    overrides = {"database_url": database} if database else {}
    settings = load_settings(**overrides)
    url = make_url(settings.database_url)
    path = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    if path is not None and str(path) != ":memory:":
        if migrate:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.exists():
            # Connecting would create an empty file (and no schema): say what to run instead.
            raise SchemaOutOfDate(f"there is no database at {path}: run `headway init`")
    uow = make_uow(settings)
    if migrate:
        upgrade_database(uow.engine)
    else:
        ensure_current(uow.engine)
    return CommandContext(settings=settings, uow=uow, caller=Caller.operator())


def workspace_context(
    database: str | None, workspace: str | None
) -> tuple[CommandContext, Workspace]:
    """The context of a command that acts in one workspace, and that workspace."""
    ctx = command_context(database)
    return ctx, ctx.workspace(workspace)
