"""What the objectives API tests share: objectives and key results made over HTTP, the database."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def new_objective(live: Any, http: Any, **fields: Any) -> dict[str, Any]:
    """A new objective of Sales in 2026-Q4 (fields override), as the API answered it."""
    body = {
        "title": "Win the mid-market",
        "period_id": live.ids["period:2026-Q4"],
        "owner_unit_id": live.ids["unit:sales"],
    } | fields
    made = http.post("/objectives", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def new_metric(http: Any, objective_id: int, **fields: Any) -> dict[str, Any]:
    """A new metric key result of the objective (fields override), as the API answered it."""
    body = {"title": "Sign 10 partners", "kind": "metric", "start_value": 0, "target_value": 10}
    made = http.post(f"/objectives/{objective_id}/key-results", json=body | fields)
    assert made.status_code == 201, made.text
    return dict(made.json())


def database(live: Any) -> sa.Engine:
    """An engine on the live server's database that keeps no connection open."""
    return sa.create_engine(live.database_url, poolclass=sa.NullPool)
