"""/api/v1/export and /api/v1/import: the workspace as one document ("OKRs as code")."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.schemas.documents import ImportOut
from headway.services.documents.document import WorkspaceDoc, dump_text, load_text
from headway.services.documents.exports import export_workspace
from headway.services.documents.workspace_replace import may_replace, replace_workspace
from headway.web.deps import ApiContext
from headway.web.json_request import JsonRoute

router = APIRouter(tags=["documents"], route_class=JsonRoute)

YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
JSON_TYPES = {"application/json", ""}
_WORKSPACE_DOC = "#/components/schemas/WorkspaceDoc"


class DocumentFormat(StrEnum):
    JSON = "json"
    YAML = "yaml"


@router.get(
    "/export",
    # The document as it is exported, not re-checked on the way out: WorkspaceDoc (what an
    # import accepts) only describes it, in JSON and in YAML alike (a media type's schema
    # describes the data its text holds, not the text).
    response_model=None,
    responses={
        200: {
            "model": WorkspaceDoc,
            "content": {"application/yaml": {"schema": {"$ref": _WORKSPACE_DOC}}},
        }
    },
)
def export(
    api: ApiContext,
    format: Annotated[  # noqa: A002 - the query parameter's public name
        DocumentFormat, Query(description="`json` (default) or `yaml`.")
    ] = DocumentFormat.JSON,
) -> dict[str, Any] | Response:
    """The caller's workspace as a document that imports back to the same workspace."""
    document = export_workspace(api.uow, api.workspace.id)
    if format is DocumentFormat.YAML:
        return Response(dump_text(document), media_type="application/yaml")
    return document


def _may_replace(api: ApiContext) -> None:
    """Only admins import: asked before the body is read."""
    may_replace(api.uow, api.workspace, caller=api.caller)


async def _document_bytes(request: Request) -> tuple[bytes, str, int]:
    """The request body (BodyLimit bounds it), its media type and the values it may hold."""
    body = await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return body, media, request.app.state.settings.max_document_values


def _parse(raw: bytes, media: str, max_values: int) -> object:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed([FieldProblem("body", "must be UTF-8 text")]) from None
    if media in YAML_TYPES:
        return load_text(text, max_values=max_values, as_json=False, field="body")
    if media in JSON_TYPES or media.endswith("+json"):
        # NaN and Infinity load as floats, so the document check names their field.
        return load_text(text, max_values=max_values, as_json=True, field="body")
    raise HTTPException(415, "send the document as application/json or application/yaml")


_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "A workspace document naming the caller's workspace.",
        "content": {
            "application/json": {"schema": {"$ref": _WORKSPACE_DOC}},
            "application/yaml": {"schema": {"$ref": _WORKSPACE_DOC}},
        },
    }
}


@router.post("/import", openapi_extra=_IMPORT_BODY)
def import_document(
    api: ApiContext,
    _may: Annotated[None, Depends(_may_replace)],
    body: Annotated[tuple[bytes, str, int], Depends(_document_bytes)],
    replace: Annotated[
        bool, Query(description="Must be true: the import replaces the workspace's contents.")
    ] = False,
    dry_run: Annotated[
        bool, Query(description="Check the document and report, storing nothing.")
    ] = False,
) -> ImportOut:
    """Replace the caller's workspace with a document (admins), all or nothing.

    The document must name the caller's workspace and keep the caller an active admin.
    People who stay (by email) keep their passwords and tokens; the audit log is kept.
    Every problem comes back at once with its path (`objectives[2].key_results[0].target`).
    """
    result = replace_workspace(
        api.uow,
        api.workspace,
        lambda: _parse(*body),
        replace=replace,
        dry_run=dry_run,
        caller=api.caller,
        clock=api.clock,
    )
    return ImportOut.of(api.workspace.name, result, dry_run=dry_run)
