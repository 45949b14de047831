"""What importing a workspace document did (the document itself is `services.document`'s)."""

from __future__ import annotations

from headway.schemas.answer import Answer
from headway.schemas.problems import FieldProblemOut
from headway.services.documents.imports import ImportResult


class ImportOut(Answer):
    """The workspace a document replaced (or would, on a dry run): rows per kind, warnings."""

    workspace: str
    dry_run: bool
    counts: dict[str, int]
    warnings: list[FieldProblemOut]

    @classmethod
    def of(cls, workspace: str, result: ImportResult, *, dry_run: bool) -> ImportOut:
        """The import's counts and warnings (unknown fields it ignored)."""
        return cls(
            workspace=workspace,
            dry_run=dry_run,
            counts=result.counts,
            warnings=[FieldProblemOut.of(w) for w in result.warnings],
        )
