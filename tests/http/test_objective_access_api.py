"""/api/v1/objectives over real HTTP, rights: other workspaces, roles, closed periods."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from objective_rows import database as _db
from objective_rows import new_metric as _metric
from objective_rows import new_objective as _objective

from headway.store import tables as t


def test_another_workspaces_objectives_do_not_exist(live: Any) -> None:
    revenue = live.ids["objective:revenue"]
    with live.client("other_admin") as http:
        assert http.get(f"/objectives/{revenue}").status_code == 404
        assert http.patch(f"/objectives/{revenue}", json={"title": "Mine"}).status_code == 404
        assert http.delete(f"/objectives/{revenue}").status_code == 404
        listed = http.get("/objectives", params={"period": live.ids["period:2026-Q4"]}).json()
        assert listed["items"] == []
        theirs = http.get("/objectives").json()["items"]
        assert revenue not in {o["id"] for o in theirs}
        foreign = http.post(
            "/objectives",
            json={
                "title": "Borrow a period",
                "period_id": live.ids["period:2026-Q4"],
                "parent_id": revenue,
            },
        )
        assert foreign.status_code == 422
        assert {e["field"] for e in foreign.json()["errors"]} == {"period_id", "parent_id"}
    with live.client("admin") as http:
        assert http.get(f"/objectives/{revenue}").json()["title"] == "Grow new business revenue"


def test_viewers_and_members_of_other_units_may_not_write(live: Any) -> None:
    revenue = live.ids["objective:revenue"]
    sales, support = live.ids["unit:sales"], live.ids["unit:support"]
    q4 = live.ids["period:2026-Q4"]
    for actor in ("viewer", "support_member"):
        with live.client(actor) as http:
            assert http.patch(f"/objectives/{revenue}", json={"title": "x"}).status_code == 403
            assert http.delete(f"/objectives/{revenue}").status_code == 403
            created = http.post(
                "/objectives", json={"title": "Sell", "period_id": q4, "owner_unit_id": sales}
            )
            assert created.status_code == 403
    with live.client("sales_member") as http:
        own = _objective(live, http, title="Sales plans its own")
        handed = http.patch(f"/objectives/{own['id']}", json={"owner_unit_id": support})
        assert handed.status_code == 403
        personal = http.post(
            "/objectives",
            json={"title": "Mine", "period_id": q4, "owner_id": live.ids["person:head-sales"]},
        )
        assert personal.status_code == 201
        ownerless = http.post("/objectives", json={"title": "Nobody's", "period_id": q4})
        assert ownerless.status_code == 403
        assert http.delete(f"/objectives/{own['id']}").status_code == 204
    with live.client("viewer") as http:
        assert http.get(f"/objectives/{revenue}").status_code == 200


def _closed_period_with_okrs(live: Any) -> dict[str, int]:
    """A 2025-Q3 period holding an objective, key result, check-in and initiative, then closed.

    The rows go in through the API while the period is active; the close itself is written
    straight into the database, independent of the periods resource.
    """
    engine = _db(live)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        workspace_id = conn.execute(
            sa.select(t.workspace.c.id).where(t.workspace.c.name == "Example Co")
        ).scalar_one()
        period_id = conn.execute(
            t.period.insert()
            .values(
                workspace_id=workspace_id,
                name="2025-Q3",
                kind="quarter",
                start_date=date(2025, 7, 1),
                end_date=date(2025, 9, 30),
                state="active",
                created_at=now,
                updated_at=now,
            )
            .returning(t.period.c.id)
        ).scalar_one()
    with live.client("admin") as http:
        objective = _objective(live, http, title="Last summer", period_id=period_id)
        kr = _metric(http, objective["id"])
        check_in = {"value": 4, "effective_date": "2025-09-01"}
        assert http.post(f"/key-results/{kr['id']}/check-ins", json=check_in).status_code == 201
        planned = http.post(f"/key-results/{kr['id']}/initiatives", json={"title": "Plan"})
        assert planned.status_code == 201
    with engine.begin() as conn:
        conn.execute(t.period.update().where(t.period.c.id == period_id).values(state="closed"))
    engine.dispose()
    return {
        "period": period_id,
        "objective": objective["id"],
        "key_result": kr["id"],
        "initiative": planned.json()["id"],
    }


def test_a_closed_periods_okrs_are_read_only(live: Any) -> None:
    closed = _closed_period_with_okrs(live)
    objective, kr, initiative = closed["objective"], closed["key_result"], closed["initiative"]
    with live.client("admin") as http:
        other = _objective(live, http, title="Still open")
        attempts = [
            http.post("/objectives", json={"title": "Late", "period_id": closed["period"]}),
            http.patch(f"/objectives/{other['id']}", json={"period_id": closed["period"]}),
            http.patch(f"/objectives/{objective}", json={"title": "Rewrite history"}),
            http.delete(f"/objectives/{objective}"),
            http.post(
                f"/objectives/{objective}/key-results", json={"title": "M", "kind": "milestone"}
            ),
            http.patch(f"/key-results/{kr}", json={"title": "Rewrite history"}),
            http.delete(f"/key-results/{kr}"),
            http.post(f"/key-results/{kr}/check-ins", json={"value": 9}),
            http.post(f"/key-results/{kr}/initiatives", json={"title": "Too late"}),
            http.patch(f"/initiatives/{initiative}", json={"status": "done"}),
            http.delete(f"/initiatives/{initiative}"),
        ]
        for attempt in attempts:
            assert attempt.status_code == 409, (attempt.request.url, attempt.text)
            assert attempt.json()["status"] == 409
        read = http.get(f"/objectives/{objective}")
        assert read.status_code == 200
        assert read.json()["title"] == "Last summer"
        assert read.json()["key_results"][0]["current_value"] == 4
        assert http.get(f"/objectives/{other['id']}").json()["period_id"] != closed["period"]
