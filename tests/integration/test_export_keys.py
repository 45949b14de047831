"""An export never writes a document its own import refuses: no key names both an objective
and a key result, even when the stored keys clash (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from headway.services.documents.exports import export_workspace
from headway.services.documents.imports import import_workspace
from headway.store import contributions as contribution_store
from headway.store import tables as t
from headway.store.uow import UnitOfWork

CLOCK = lambda: datetime(2026, 11, 16, tzinfo=UTC)  # noqa: E731


def _objective(key: str, title: str, *krs: dict[str, Any]) -> dict[str, Any]:
    o = {"key": key, "title": title, "period": "Q4", "owner_unit": "co", "type": "committed"}
    return o | ({"key_results": list(krs)} if krs else {})


DOCUMENT: dict[str, Any] = {
    "workspace": "Keys Co",
    "fiscal_year_start_month": 1,
    "timezone": "UTC",
    "units": [{"key": "co", "name": "Keys Co", "kind": "company"}],
    "people": [],
    "periods": [
        {
            "name": "Q4",
            "kind": "custom",
            "start": "2026-10-01",
            "end": "2026-12-31",
            "state": "active",
        },
    ],
    "objectives": [
        # The objective `teams` and the rollup key result `teams` share a key: the import
        # takes it, as no contribution names it.
        _objective("teams", "Grow the teams"),
        _objective(
            "hiring",
            "Hire well",
            {"key": "teams", "title": "Teams staffed", "kind": "rollup"},
            {"key": "sales-thing", "title": "Sales thing", "kind": "milestone"},
            # Taken already, so the renamed `teams` skips it.
            {"key": "teams-2", "title": "Teams two", "kind": "milestone"},
        ),
        # Its key is cleared below, as for an objective created on a page: its made-up key
        # would be the key result's `sales-thing`.
        _objective("made-on-a-page", "Sales thing"),
    ],
}


def _keys(document: dict[str, Any]) -> tuple[list[str], list[str]]:
    objectives = document["objectives"]
    return (
        [o["key"] for o in objectives],
        [kr["key"] for o in objectives for kr in o.get("key_results", [])],
    )


def test_clashing_stored_keys_export_to_a_document_that_imports_back_unchanged(
    uow: UnitOfWork,
) -> None:
    workspace_id = import_workspace(uow, DOCUMENT, actor_label="test", clock=CLOCK).workspace_id
    with uow:
        o, kr = t.objective.c, t.key_result.c
        conn = uow.conn
        conn.execute(t.objective.update().where(o.key == "made-on-a-page").values(key=None))
        q = sa.select(o.title, o.id).where(o.workspace_id == workspace_id)
        ids: dict[str, int] = {row.title: row.id for row in conn.execute(q)}
        rollup = conn.execute(
            sa.select(kr.id).where(kr.workspace_id == workspace_id, kr.key == "teams")
        ).scalar_one()
        # `Grow the teams` serves the rollup `teams`, as a PATCH of its links would make it.
        contribution_store.add_contributions(
            conn, workspace_id, [(ids["Grow the teams"], None, rollup)]
        )

    first = export_workspace(uow, workspace_id)
    # The objective keeps its key and the key result's gives way (`teams-2` is taken); the
    # objective made on a page avoids the key result's `sales-thing`.
    assert _keys(first) == (
        ["teams", "hiring", "sales-thing-2"],
        ["teams-3", "sales-thing", "teams-2"],
    )
    assert first["objectives"][0]["contributes_to"] == ["teams-3"]

    again = import_workspace(
        uow, first | {"workspace": "Keys Again"}, actor_label="test", clock=CLOCK
    )
    second = export_workspace(uow, again.workspace_id)
    assert second == first | {"workspace": "Keys Again"}
