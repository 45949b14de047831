"""/api/v1/objectives over real HTTP: figures as of a date, filters, writes, alignment, rights."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from headway.store import tables as t

WORKED_AS_OF = "2026-11-15"


def _objective(live: Any, http: Any, **fields: Any) -> dict[str, Any]:
    """A new objective of Sales in 2026-Q4 (fields override), as the API answered it."""
    body = {
        "title": "Win the mid-market",
        "period_id": live.ids["period:2026-Q4"],
        "owner_unit_id": live.ids["unit:sales"],
    } | fields
    made = http.post("/objectives", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _metric(http: Any, objective_id: int, **fields: Any) -> dict[str, Any]:
    body = {"title": "Sign 10 partners", "kind": "metric", "start_value": 0, "target_value": 10}
    made = http.post(f"/objectives/{objective_id}/key-results", json=body | fields)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _db(live: Any) -> sa.Engine:
    return sa.create_engine(live.database_url, poolclass=sa.NullPool)


def _count(live: Any, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    engine = _db(live)
    with engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar()
    engine.dispose()
    return int(n or 0)


def _by_key(live: Any, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    keys = {v: k.split(":", 1)[1] for k, v in live.ids.items() if k.startswith("objective:")}
    return {keys[o["id"]]: o for o in items if o["id"] in keys}


def test_the_worked_example_scores_revenue_as_of_mid_november(live: Any) -> None:
    with live.client("viewer") as http:
        answer = http.get(
            "/objectives", params={"period": live.ids["period:2026-Q4"], "as_of": WORKED_AS_OF}
        )
        assert answer.status_code == 200, answer.text
        seeded = _by_key(live, answer.json()["items"])
    revenue = seeded["revenue"]
    assert revenue["score"] == pytest.approx(0.2875)
    assert revenue["expected"] == pytest.approx(0.5)
    assert revenue["status"] == "at_risk"
    assert [kr["id"] for kr in revenue["key_results"]] == [
        live.ids["key_result:deals"],
        live.ids["key_result:pipeline"],
        live.ids["key_result:qbrs"],
    ]
    deals = revenue["key_results"][0]
    assert (deals["current_value"], deals["progress"], deals["score"]) == (36000, 0.45, 0.45)
    assert deals["status"] == "on_track"
    assert {k: deals[k] for k in ("start_value", "target_value", "weight", "kind")} == {
        "start_value": 0,
        "target_value": 80000,
        "weight": 2,
        "kind": "metric",
    }
    assert set(revenue) >= {
        "id",
        "title",
        "description",
        "period_id",
        "owner_unit_id",
        "owner_id",
        "parent_id",
        "parent_key_result_id",
        "type",
        "state",
        "score",
        "expected",
        "status",
        "key_results",
    }
    assert seeded["support"]["parent_key_result_id"] == live.ids["key_result:support-speed"]
    assert seeded["cx"]["score"] == pytest.approx(0.625)  # the rollup counts the support objective
    assert seeded["funnel"]["score"] == pytest.approx(1 / 3)


def test_as_of_recomputes_an_earlier_state(live: Any) -> None:
    revenue = live.ids["objective:revenue"]
    with live.client("viewer") as http:
        october = http.get(f"/objectives/{revenue}", params={"as_of": "2026-10-31"}).json()
        november = http.get(f"/objectives/{revenue}", params={"as_of": WORKED_AS_OF}).json()
        bad = http.get(f"/objectives/{revenue}", params={"as_of": "2026-11-31"})
    assert october["score"] == pytest.approx((2 * 0.25 + 0.25 + 0) / 4)
    assert october["key_results"][0]["current_value"] == 20000
    assert november["score"] == pytest.approx(0.2875)
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["as_of"]


def test_filters_by_period_unit_owner_and_status(live: Any) -> None:
    q4 = live.ids["period:2026-Q4"]
    with live.client("viewer") as http:

        def ids(**params: Any) -> set[int]:
            answer = http.get("/objectives", params={"as_of": WORKED_AS_OF, **params})
            assert answer.status_code == 200, answer.text
            return {o["id"] for o in answer.json()["items"]}

        everything = http.get("/objectives", params={"period": q4, "as_of": WORKED_AS_OF}).json()
        by_status: dict[str | None, set[int]] = {}
        for o in everything["items"]:
            by_status.setdefault(o["status"], set()).add(o["id"])
        seeded = {k: v for k, v in live.ids.items() if k.startswith("objective:")}
        assert by_status["at_risk"] >= {
            seeded["objective:revenue"],
            seeded["objective:funnel"],
            seeded["objective:reach"],
        }
        for status in ("achieved", "on_track", "at_risk", "off_track"):
            assert ids(period=q4, status=status) == by_status.get(status, set()), status
        sales = ids(unit=live.ids["unit:sales"])
        assert {seeded["objective:revenue"], seeded["objective:funnel"]} <= sales
        assert seeded["objective:cx"] not in sales
        assert ids(owner=live.ids["person:head-marketing"]) == {seeded["objective:reach"]}
        assert ids(period=live.ids["period:2026"]) == set()
        assert ids(unit=live.ids["unit:support"], status="on_track") == {
            seeded["objective:support"]
        }
        assert http.get("/objectives", params={"status": "fine"}).status_code == 422
        for bad in ({"period": 0}, {"unit": "sales"}, {"owner": 2**64}):
            assert http.get("/objectives", params=bad).status_code == 422, bad


def test_the_list_pages_with_a_cursor(live: Any) -> None:
    with live.client("viewer") as http:
        seen: list[int] = []
        cursor = None
        while True:
            params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            body = http.get("/objectives", params=params).json()
            assert len(body["items"]) <= 2
            seen += [o["id"] for o in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == sorted(set(seen))
        assert {live.ids[f"objective:{k}"] for k in ("cx", "support", "revenue")} <= set(seen)
        assert http.get("/objectives", params={"limit": 0}).status_code == 422


def test_create_read_change_and_delete_an_objective_leaving_audit_events(live: Any) -> None:
    with live.client("admin") as http:
        made = _objective(
            live, http, title="  Open the Nordics  ", description="why", type="aspirational"
        )
        assert {k: made[k] for k in ("title", "description", "type", "state")} == {
            "title": "Open the Nordics",
            "description": "why",
            "type": "aspirational",
            "state": "active",
        }
        # Nothing to score yet: no key results and no children make no score, not 0.
        assert (made["score"], made["status"], made["key_results"]) == (None, None, [])
        assert http.get(f"/objectives/{made['id']}").json() == made
        changed = http.patch(
            f"/objectives/{made['id']}",
            json={"title": "Open the Nordic market", "owner_id": live.ids["person:head-sales"]},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["title"] == "Open the Nordic market"
        assert changed.json()["owner_id"] == live.ids["person:head-sales"]
        cleared = http.patch(f"/objectives/{made['id']}", json={"owner_id": None})
        assert cleared.json()["owner_id"] is None
        assert http.delete(f"/objectives/{made['id']}").status_code == 204
        assert http.get(f"/objectives/{made['id']}").status_code == 404
    actions = _count(
        live,
        t.audit_event,
        t.audit_event.c.subject_type == "objective",
        t.audit_event.c.subject_id == made["id"],
    )
    assert actions == 4  # create, two updates, delete


def test_deleting_an_objective_takes_its_key_results_check_ins_and_initiatives(live: Any) -> None:
    with live.client("admin") as http:
        made = _objective(live, http, title="Short-lived")
        kr = _metric(http, made["id"])
        assert http.post(f"/key-results/{kr['id']}/check-ins", json={"value": 3}).status_code == 201
        planned = http.post(f"/key-results/{kr['id']}/initiatives", json={"title": "Call"})
        assert planned.status_code == 201
        assert http.delete(f"/objectives/{made['id']}").status_code == 204
        assert http.get(f"/key-results/{kr['id']}").status_code == 404
    assert _count(live, t.check_in, t.check_in.c.key_result_id == kr["id"]) == 0
    assert _count(live, t.initiative, t.initiative.c.key_result_id == kr["id"]) == 0


def test_an_objective_with_objectives_aligned_under_it_is_not_deleted(live: Any) -> None:
    with live.client("admin") as http:
        parent = _objective(live, http, title="Parent")
        kr = _metric(http, parent["id"])
        child = _objective(live, http, title="Child", parent_id=parent["id"])
        refused = http.delete(f"/objectives/{parent['id']}")
        assert refused.status_code == 409
        assert refused.headers["content-type"].startswith("application/problem+json")
        moved = http.patch(
            f"/objectives/{child['id']}",
            json={"parent_id": None, "parent_key_result_id": kr["id"]},
        )
        assert moved.status_code == 200, moved.text
        assert http.delete(f"/objectives/{parent['id']}").status_code == 409
        assert http.get(f"/key-results/{kr['id']}").status_code == 200
        assert http.delete(f"/objectives/{child['id']}").status_code == 204
        assert http.delete(f"/objectives/{parent['id']}").status_code == 204


def test_an_objective_of_objectives_takes_the_mean_of_its_children(live: Any) -> None:
    with live.client("admin") as http:
        parent = _objective(live, http, title="Umbrella")
        for value in (2, 6):
            child = _objective(live, http, title=f"Child {value}", parent_id=parent["id"])
            kr = _metric(http, child["id"])
            http.post(f"/key-results/{kr['id']}/check-ins", json={"value": value})
        assert http.get(f"/objectives/{parent['id']}").json()["score"] == pytest.approx(0.4)


def test_alignment_cycles_are_refused(live: Any) -> None:
    with live.client("admin") as http:
        top = _objective(live, http, title="Top")
        middle = _objective(live, http, title="Middle", parent_id=top["id"])
        middle_kr = _metric(http, middle["id"])
        bottom = _objective(live, http, title="Bottom", parent_key_result_id=middle_kr["id"])
        cases = [
            ({"parent_id": bottom["id"]}, "parent_id"),
            ({"parent_id": top["id"]}, "parent_id"),
            ({"parent_key_result_id": middle_kr["id"]}, "parent_key_result_id"),
        ]
        for change, field in cases:
            refused = http.patch(f"/objectives/{top['id']}", json=change)
            assert refused.status_code == 422, (change, refused.text)
            assert [e["field"] for e in refused.json()["errors"]] == [field]
        assert http.get(f"/objectives/{top['id']}").json()["parent_id"] is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": 5}, "title"),
        ({"description": "x" * 10_001}, "description"),
        ({"period_id": 999_999}, "period_id"),
        ({"period_id": "1"}, "period_id"),
        ({"period_id": True}, "period_id"),
        ({"owner_unit_id": 999_999}, "owner_unit_id"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"parent_id": 999_999}, "parent_id"),
        ({"parent_key_result_id": 999_999}, "parent_key_result_id"),
        ({"type": "stretch"}, "type"),
        ({"state": "done"}, "state"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_objectives_are_refused_naming_the_field(
    live: Any, fields: dict[str, Any], field: str
) -> None:
    body = {
        "title": "Invalid on purpose",
        "period_id": live.ids["period:2026-Q4"],
        "owner_unit_id": live.ids["unit:sales"],
    } | fields
    before = _count(live, t.objective)
    with live.client("admin") as http:
        refused = http.post("/objectives", json=body)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in refused.json()["errors"]]
    assert _count(live, t.objective) == before


def test_both_parents_malformed_json_and_null_titles_are_refused(live: Any) -> None:
    with live.client("admin") as http:
        parent = _objective(live, http, title="One parent")
        kr = _metric(http, parent["id"])
        before = _count(live, t.objective)
        both = http.post(
            "/objectives",
            json={
                "title": "Two parents",
                "period_id": live.ids["period:2026-Q4"],
                "parent_id": parent["id"],
                "parent_key_result_id": kr["id"],
            },
        )
        assert both.status_code == 422
        assert [e["field"] for e in both.json()["errors"]] == ["parent_key_result_id"]
        broken = http.post(
            "/objectives", content=b'{"title": "x", ', headers={"content-type": "application/json"}
        )
        assert broken.status_code == 422
        assert _count(live, t.objective) == before
        nulled = http.patch(f"/objectives/{parent['id']}", json={"title": None})
        assert nulled.status_code == 422
        assert [e["field"] for e in nulled.json()["errors"]] == ["title"]


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
