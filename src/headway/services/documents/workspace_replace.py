"""Replacing the caller's own workspace with a document (`POST /import`): all or nothing.

Unlike `headway import --replace`, which drops a workspace and creates it anew, this keeps
the workspace row and its id, the people who stay (matched by email, so their password
hashes and API tokens keep working) and the whole audit log, which is append-only: events of
people who go keep their actor label, with the actor id cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from headway.domain import validation
from headway.domain.errors import Conflict, FieldProblem, PermissionDenied
from headway.domain.model import Role, Workspace
from headway.services.access.actors import Caller, admins_only, audit, require
from headway.services.documents.document import WorkspaceDoc, unknown_fields
from headway.services.documents.document_rows import write_contents
from headway.services.documents.imports import ImportResult, checked_document
from headway.store import workspaces as workspace_store
from headway.store.uow import UnitOfWork


class _DryRun(Exception):  # noqa: N818 - control flow: roll the transaction back
    def __init__(self, result: ImportResult) -> None:
        self.result = result


def _own_problems(doc: WorkspaceDoc, workspace: Workspace, email: str) -> list[FieldProblem]:
    problems = []
    if doc.workspace != workspace.name:
        problems.append(
            FieldProblem(
                "workspace",
                f"must be {workspace.name!r}: an import replaces your own workspace",
            )
        )
    if not any(
        validation.normalise_email(p.email) == email and p.role is Role.ADMIN and p.active
        for p in doc.people
    ):
        problems.append(FieldProblem("people", "the document would remove your own admin access"))
    return problems


def may_replace(uow: UnitOfWork, workspace: Workspace, *, caller: Caller) -> None:
    """PermissionDenied unless the caller may replace the workspace: asked before the
    document is read, so that who may not import costs no reading (the import asks again)."""
    if caller.person is None:
        raise PermissionDenied("importing through the API needs a person")
    with uow.reading():
        require(caller, uow.conn, workspace, "import a workspace document", admins_only)


def replace_workspace(
    uow: UnitOfWork,
    workspace: Workspace,
    document: Callable[[], object],
    *,
    replace: bool,
    dry_run: bool = False,
    caller: Caller,
    clock: Callable[[], datetime],
) -> ImportResult:
    """Replace the caller's workspace with a document (admins), or only check it (dry run).

    `document` reads the document, once the caller is known to be allowed to import. It
    must name this workspace and keep the caller an active admin, and replacing must be
    asked for. Any problem leaves the database unchanged.
    """
    if caller.person is None:
        raise PermissionDenied("importing through the API needs a person")
    email = caller.person.email
    now = clock()
    try:
        with uow:
            conn = uow.conn
            require(caller, conn, workspace, "import a workspace document", admins_only)
            doc = checked_document(
                document(), now, own_rules=lambda doc: _own_problems(doc, workspace, email)
            )
            if not replace:
                raise Conflict(
                    f"workspace {workspace.name!r} exists: send replace=true to replace "
                    "everything in it with the document"
                )
            # Replacing spans every row: other rule-spanning writes wait for it, and it for them.
            workspace_store.lock_workspace(conn, workspace.id)
            keep = {validation.normalise_email(p.email) for p in doc.people}
            kept = workspace_store.clear_workspace(conn, workspace.id, keep)
            workspace_store.update_workspace_settings(
                conn,
                workspace.id,
                now,
                fiscal_year_start_month=doc.fiscal_year_start_month,
                timezone=doc.timezone,
            )
            counts = write_contents(conn, workspace.id, doc, now, people_by_email=kept)
            after = {"name": workspace.name, "replaced": True, **counts}
            audit(conn, caller, workspace, "import", "workspace", workspace.id, now, after=after)
            result = ImportResult(
                workspace_id=workspace.id, counts=counts, warnings=unknown_fields(doc)
            )
            if dry_run:
                raise _DryRun(result)
    except _DryRun as dry:
        return dry.result
    return result
