"""/api/v1/objectives over real HTTP, writing: create, change, delete, align, refuse bad input."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from objective_rows import database as _db
from objective_rows import new_metric as _metric
from objective_rows import new_objective as _objective

from headway.store import tables as t


def _count(live: Any, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    engine = _db(live)
    with engine.connect() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar()
    engine.dispose()
    return int(n or 0)


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
