"""The `headway` command: set-up, documents, reports and quick writes from a terminal."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import sqlalchemy.exc
import typer
from rich.console import Console

from headway.cli import output
from headway.cli.backups import backup, restore
from headway.cli.context import (
    MAX_ID,
    AsOf,
    Database,
    Json,
    WorkspaceName,
    command_context,
    day_option,
    now,
    workspace_context,
)
from headway.cli.measurement_files import kpi_import
from headway.config import SUPERVISOR_PID, SettingsError, size_text
from headway.domain.errors import DomainError, FieldProblem, ValidationFailed
from headway.reports import render, report_view
from headway.reports.formatting import number
from headway.schemas.insights import FindingOut, PeriodReportOut
from headway.services.access.people import add_person, create_token
from headway.services.documents.demo import load_demo
from headway.services.documents.document import dump_text, load_text
from headway.services.documents.exports import export_workspace
from headway.services.documents.imports import import_workspace
from headway.services.jobs.registry import JobContext, UnknownJob, run_job
from headway.services.kpis.ingest_tokens import DEFAULT_NAME as DEFAULT_INGEST_NAME
from headway.services.kpis.ingest_tokens import create_ingest_token
from headway.services.kpis.kpis import propose_okr_from_kpi, record_measurement
from headway.services.okrs.checkins import record_check_in
from headway.services.reads.reports import PeriodReport, period_report
from headway.store.schema import SchemaOutOfDate

if TYPE_CHECKING:
    import uvicorn

app = typer.Typer(
    name="headway",
    help="Headway: OKRs and KPIs in one place.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
kpi_app = typer.Typer(help="KPI measurements, ingest tokens and proposals.", no_args_is_help=True)
user_app = typer.Typer(help="People who sign in.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
jobs_app = typer.Typer(help="The jobs Headway runs on its rhythm.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(kpi_app, name="kpi")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(jobs_app, name="jobs")

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _created(row_id: int, message: str, *, as_json: bool) -> None:
    """What a command that adds one row prints: its id for machines, else a sentence."""
    if as_json:
        output.print_json({"id": row_id})
    else:
        output.say(message)


def _period_report(
    database: str | None, workspace: str | None, period: str | None, as_of: date | None
) -> PeriodReport:
    ctx, ws = workspace_context(database, workspace)
    thresholds = ctx.settings.thresholds()
    return period_report(ctx.uow, ws, period=period, as_of=as_of, thresholds=thresholds, clock=now)


@app.command()
def init(database: Database = None, as_json: Json = False) -> None:
    """Create the database schema, or upgrade it to this version."""
    ctx = command_context(database, migrate=True)
    if as_json:
        output.print_json({"database": ctx.safe_url, "revision": ctx.revision})
    else:
        output.say(f"Database ready: {ctx.safe_url} (schema {ctx.revision})")


@db_app.command("upgrade")
def db_upgrade(database: Database = None, as_json: Json = False) -> None:
    """Apply every pending schema migration."""
    init(database, as_json)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (0: any free port, printed at start).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Processes answering on the one socket (default: $HEADWAY_WORKERS, else 1).",
            show_default=False,
        ),
    ] = None,
    database: Database = None,
) -> None:
    """Serve the API (and web app) over HTTP; refuses an out-of-date schema."""
    ctx = command_context(database)
    # Imported here so that the other commands start without loading the web stack.
    import uvicorn

    host = host or ctx.settings.host
    workers = ctx.settings.workers if workers is None else workers
    if workers == 1:
        from headway.web.app import create_app

        app_: Callable[..., object] | str = create_app(ctx.settings)
    else:
        # Each process builds its own app (and engine) from the HEADWAY_* variables, which it
        # inherits: the database this command was given is set there, so all serve the same.
        os.environ["HEADWAY_DATABASE_URL"] = ctx.settings.database_url
        # And each stops when this process is gone, however it ended.
        os.environ[SUPERVISOR_PID] = str(os.getpid())
        app_ = "headway.web.app:create_app_from_environment"
    config = uvicorn.Config(
        app_,
        host=host,
        port=ctx.settings.port if port is None else port,
        workers=workers,
        factory=workers > 1,
        log_level="warning",
        # No proxy is trusted unless configured: X-Forwarded-For is then ignored.
        proxy_headers=bool(ctx.settings.forwarded_allow_ips.strip()),
        forwarded_allow_ips=ctx.settings.forwarded_allow_ips,
        # With several processes, one that does not answer the supervisor's ping for this long
        # is replaced; uvicorn's 5 s killed processes still importing on a busy machine.
        timeout_worker_healthcheck=30,
    )
    # Bound before the line below, so that it names the port (`--port 0`: one the system chose,
    # which no other process can take between this line and the first request). With several
    # processes, each accepts connections on this one socket.
    sock = as_tcp(config.bind_socket())
    port = sock.getsockname()[1]
    output.say(f"Headway on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)")
    if workers > 1:
        output.say(f"{workers} processes answer on this port; Ctrl+C or SIGTERM stops them all.")
        ctx.uow.engine.dispose()  # this process only watches over them
        _serve_with_processes(config, sock)
        return
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if not server.started:
        raise typer.Exit(3)  # uvicorn's "startup failed"


def as_tcp(sock: socket.socket) -> socket.socket:
    """The bound socket, marked as TCP. uvicorn binds it with protocol 0, and asyncio turns
    Nagle's algorithm off (TCP_NODELAY) only on connections accepted from a socket whose
    protocol is IPPROTO_TCP: without it, an answer sent in two writes (headers, then body)
    waits for the client's delayed ACK, some 40 ms on every kept-alive request."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.set_inheritable(True)  # as uvicorn's own: the processes of --workers share it
    return tcp


def _serve_with_processes(config: uvicorn.Config, sock: socket.socket) -> None:
    """Run `config.workers` processes on the bound socket until SIGINT or SIGTERM, which stops
    them all (each finishes the requests it is answering) before this process exits."""
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    supervisor = Multiprocess(config, sockets=[sock])
    supervisor.run()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise typer.Exit(3)  # a process could not start: each would fail the same way


@app.command()
def demo(
    database: Database = None,
    reset: Annotated[bool, typer.Option(help="Replace the demo workspace if it exists.")] = False,
    as_json: Json = False,
) -> None:
    """Load the demo company (a quarter around today, KPIs, check-ins)."""
    ctx = command_context(database, migrate=True)
    result = load_demo(ctx.uow, clock=now, replace=reset)
    if as_json:
        output.print_json({"loaded": result is not None, "counts": result.counts if result else {}})
        return
    if result is None:
        output.say("The demo workspace is already loaded (pass --reset to load it afresh).")
        return
    output.say(f"Loaded the demo company: {output.counts(result.counts)}.")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A workspace document (.yaml, .yml or .json).")],
    database: Database = None,
    replace: Annotated[bool, typer.Option(help="Overwrite a workspace of the same name.")] = False,
    as_json: Json = False,
) -> None:
    """Load a workspace document, all or nothing."""
    ctx = command_context(database, migrate=True)
    limit = ctx.settings.max_document_bytes
    try:
        with file.open("rb") as opened:
            raw = opened.read(limit + 1)
        if len(raw) > limit:
            problem = FieldProblem("", f"{file} is larger than {size_text(limit)}")
            raise ValidationFailed([problem])
        # utf-8-sig: a byte-order mark from a Windows editor is not part of the document.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem = FieldProblem("", f"{file} is not UTF-8 text")
        raise ValidationFailed([problem]) from None
    except OSError as exc:
        problem = FieldProblem("", f"cannot read {file}: {exc.strerror}")
        raise ValidationFailed([problem]) from None
    data = load_text(text, filename=file.name, max_values=ctx.settings.max_document_values)
    result = import_workspace(ctx.uow, data, actor_label="cli", clock=now, replace=replace)
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    if as_json:
        output.print_json(
            {
                "workspace_id": result.workspace_id,
                "counts": result.counts,
                "warnings": [str(w) for w in result.warnings],
            }
        )
    else:
        output.say(f"Imported {file.name}: {output.counts(result.counts)}.")


@app.command()
def export(
    database: Database = None,
    workspace: WorkspaceName = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file (.yaml or .json).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Write the workspace as a document that imports back to the same workspace."""
    ctx, ws = workspace_context(database, workspace)
    document = export_workspace(ctx.uow, ws.id)
    text = dump_text(document, as_json=as_json or (out is not None and out.suffix == ".json"))
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            problem = FieldProblem("output", f"cannot write {out}: {exc.strerror}")
            raise ValidationFailed([problem]) from None
        output.say(f"Exported {ws.name} to {out}.")


@app.command()
def report(
    database: Database = None,
    workspace: WorkspaceName = None,
    period: Annotated[str | None, typer.Option(help="Period name (default: the current).")] = None,
    as_of: AsOf = None,
    fmt: Annotated[
        output.ReportFormat, typer.Option("--format", help="text, md, html or json.")
    ] = output.ReportFormat.TEXT,
    as_json: Json = False,
) -> None:
    """The period's objectives, key results, KPIs and coaching, as of a date."""
    result = _period_report(database, workspace, period, as_of)
    if as_json or fmt is output.ReportFormat.JSON:
        output.print_json(PeriodReportOut.of(result).model_dump(mode="json"))
    else:
        sys.stdout.write(render(report_view(result), fmt.value))


@app.command()
def lint(
    database: Database = None,
    workspace: WorkspaceName = None,
    period: Annotated[str | None, typer.Option(help="Period name (default: the current).")] = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Coaching advice on the period's OKRs and on the KPIs (never a block)."""
    result = _period_report(database, workspace, period, as_of)
    if as_json:
        output.print_json([FindingOut.of(f).model_dump(mode="json") for f in result.findings])
    else:
        output.print_findings(result.findings)


@app.command()
def checkin(
    key_result_id: Annotated[int, typer.Argument(help="The key result's id.", min=1, max=MAX_ID)],
    value: Annotated[float, typer.Argument(help="The key result's value now.")],
    confidence: Annotated[int | None, typer.Option(help="0 (no chance) to 10 (certain).")] = None,
    note: Annotated[str, typer.Option(help="What changed, in a sentence.")] = "",
    on: Annotated[
        date | None,
        typer.Option(
            "--date",
            parser=day_option("--date"),
            metavar="YYYY-MM-DD",
            help="Effective date (default today).",
        ),
    ] = None,
    database: Database = None,
    workspace: WorkspaceName = None,
    as_json: Json = False,
) -> None:
    """Record a check-in on a key result."""
    ctx, ws = workspace_context(database, workspace)
    check_in_id = record_check_in(
        ctx.uow,
        ws,
        key_result_id,
        value=value,
        confidence=confidence,
        note=note,
        effective_date=on,
        caller=ctx.caller,
        clock=now,
    )
    _created(
        check_in_id, f"Checked in {number(value)} on key result {key_result_id}.", as_json=as_json
    )


@kpi_app.command("record")
def kpi_record(
    kpi_id: Annotated[int, typer.Argument(help="The KPI's id.", min=1, max=MAX_ID)],
    value: Annotated[float, typer.Argument(help="The measured value.")],
    at: Annotated[
        date | None,
        typer.Option(
            parser=day_option("--at"), metavar="YYYY-MM-DD", help="Date measured (default today)."
        ),
    ] = None,
    note: Annotated[str, typer.Option(help="A note on the measurement.")] = "",
    database: Database = None,
    workspace: WorkspaceName = None,
    as_json: Json = False,
) -> None:
    """Record a KPI measurement."""
    ctx, ws = workspace_context(database, workspace)
    measurement_id = record_measurement(
        ctx.uow,
        ws,
        kpi_id,
        value=value,
        at=at,
        note=note,
        caller=ctx.caller,
        clock=now,
    )
    _created(measurement_id, f"Recorded {number(value)} on KPI {kpi_id}.", as_json=as_json)


@kpi_app.command("token")
def kpi_token(
    kpi_id: Annotated[int, typer.Argument(help="The KPI's id.", min=1, max=MAX_ID)],
    name: Annotated[str, typer.Option(help="What the token is for.")] = DEFAULT_INGEST_NAME,
    database: Database = None,
    workspace: WorkspaceName = None,
    as_json: Json = False,
) -> None:
    """Make an ingest token for a KPI (shown once; only its hash is kept): it may read and
    record that KPI's measurements through the API, and nothing else."""
    ctx, ws = workspace_context(database, workspace)
    info, token = create_ingest_token(ctx.uow, ws, kpi_id, name=name, caller=ctx.caller, clock=now)
    if as_json:
        output.print_json({"id": info.id, "kpi_id": info.kpi_id, "name": info.name, "token": token})
    else:
        shown = f"Ingest token {info.name!r} of KPI {kpi_id} (shown once, keep it safe):"
        output.say(f"{shown}\n{token}")


@kpi_app.command("propose")
def kpi_propose(
    kpi_id: Annotated[int, typer.Argument(help="The KPI's id.", min=1, max=MAX_ID)],
    as_of: AsOf = None,
    database: Database = None,
    workspace: WorkspaceName = None,
    as_json: Json = False,
) -> None:
    """Propose an objective and key result from a KPI that is off target."""
    ctx, ws = workspace_context(database, workspace)
    proposal = propose_okr_from_kpi(ctx.uow, ws, kpi_id, as_of=as_of, clock=now)
    if as_json:
        output.print_json(output.proposal_shape(proposal))
    else:
        output.say(
            f"Objective: {proposal.objective_title}\nKey result: {proposal.key_result_title}"
        )


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="Their email (stored lower-case).")],
    name: Annotated[str, typer.Option(help="Their full name.")],
    role: Annotated[str, typer.Option(help="admin, member or viewer.")],
    password: Annotated[str | None, typer.Option(help="A password to sign in with.")] = None,
    unit: Annotated[
        list[str] | None, typer.Option(help="A unit (key or name); repeatable.")
    ] = None,
    database: Database = None,
    workspace: WorkspaceName = None,
    as_json: Json = False,
) -> None:
    """Add a person to the workspace."""
    ctx, ws = workspace_context(database, workspace)
    person_id = add_person(
        ctx.uow,
        ws,
        email=email,
        name=name,
        role=role,
        password=password,
        unit_keys=tuple(unit or ()),
        caller=ctx.caller,
        clock=now,
    )
    _created(person_id, f"Added {email.strip().lower()} ({role}) to {ws.name}.", as_json=as_json)


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Argument(help="Whose token it is.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    database: Database = None,
    workspace: WorkspaceName = None,
    as_json: Json = False,
) -> None:
    """Create a personal API token (shown once; only its hash is kept)."""
    ctx, ws = workspace_context(database, workspace)
    new = create_token(ctx.uow, ws, email=email, name=name, caller=ctx.caller, clock=now)
    if as_json:
        output.print_json({"token": new.token})
    else:
        output.say(f"Token for {email} (shown once, keep it safe):\n{new.token}")


kpi_app.command("import")(kpi_import)

app.command()(backup)
app.command()(restore)


@jobs_app.command("run")
def jobs_run(
    job_name: Annotated[str, typer.Argument(metavar="JOB", help="The job to run now.")],
    database: Database = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Run one job now, exactly as the scheduler would on that day; print what it did."""
    ctx = command_context(database)
    context = JobContext(uow=ctx.uow, settings=ctx.settings, now=now(), as_of=as_of)
    try:
        done = run_job(job_name, context)
    except UnknownJob as exc:
        raise typer.BadParameter(str(exc), param_hint="JOB") from None
    if as_json:
        output.print_json({"job": done.job, "done": done.lines, "problems": done.problems})
    else:
        for line in done.lines or [f"{done.job}: nothing to do"]:
            output.say(line)
        for line in done.problems:
            sys.stderr.write(f"{line}\n")
    if done.problems:
        raise typer.Exit(1)


def main() -> None:
    """Run the CLI: bad input exits non-zero with a clear line, never a traceback."""
    try:
        app()
    except ValidationFailed as exc:
        for line in [str(p) for p in exc.problems] or [str(exc)]:
            err.print(f"error: {line}", markup=False)
        sys.exit(1)
    except (DomainError, SettingsError, SchemaOutOfDate) as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(1)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        reason = getattr(exc, "orig", None) or exc
        err.print(f"error: the database refused: {str(reason).splitlines()[0]}", markup=False)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
        err.print(f"error: unexpected {type(exc).__name__}: {exc}", markup=False)
        sys.exit(1)
