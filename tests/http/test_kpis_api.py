"""/api/v1/kpis over real HTTP: read shapes with figures, writes, validation, KPI -> OKR."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
import sqlalchemy as sa

from headway.services.kpis.kpis import KPI_FIELDS as WRITABLE_KPI_FIELDS
from headway.store import tables as t

AS_OF = "2026-11-15"
# What a KPI reads as: its id and every field a client writes.
KPI_FIELDS = {"id", *WRITABLE_KPI_FIELDS}
_names = itertools.count()


def _body(live: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": f"First contact resolution {next(_names)}",
        "owner_unit_id": live.ids["unit:support"],
        "category": "Support",
        "unit_label": "%",
        "direction": "higher_is_better",
        "target": 80,
        "warning": 70,
        "cadence": "weekly",
        "aggregation": "mean",
    }
    return body | overrides


def _rows(live: Any, query: sa.Select[Any]) -> list[Any]:
    engine = sa.create_engine(live.database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(query))
    finally:
        engine.dispose()


def _count(live: Any, table: sa.Table) -> int:
    return int(_rows(live, sa.select(sa.func.count()).select_from(table))[0][0])


def test_the_kpi_list_carries_figures_as_of_a_date_and_pages(live: Any) -> None:
    with live.client("viewer") as http:
        listed = http.get("/kpis", params={"as_of": AS_OF})
        assert listed.status_code == 200, listed.text
        kpis = {k["key"]: k for k in listed.json()["items"]}
        reply = kpis["reply-time"]
        assert KPI_FIELDS | {"latest_value", "health", "trend"} <= set(reply)
        assert (reply["latest_value"], reply["health"], reply["trend"]) == (
            35,
            "warning",
            "improving",
        )
        # Before the November measurements, the same KPI read 45 (the week of 2026-09-28).
        earlier = http.get("/kpis", params={"as_of": "2026-10-01"}).json()["items"]
        assert {k["key"]: k["latest_value"] for k in earlier}["reply-time"] == 45
        ids, cursor = [], None
        while True:
            params: dict[str, Any] = {"limit": 3, "as_of": AS_OF}
            if cursor:
                params["cursor"] = cursor
            page = http.get("/kpis", params=params).json()
            ids += [k["id"] for k in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert ids == sorted(k["id"] for k in listed.json()["items"])


def test_the_kpi_list_filters_by_unit_category_and_health(live: Any) -> None:
    with live.client("viewer") as http:

        def keys(**params: Any) -> set[str]:
            response = http.get("/kpis", params={"as_of": AS_OF, **params})
            assert response.status_code == 200, response.text
            return {k["key"] for k in response.json()["items"] if k["key"]}

        assert keys(unit=live.ids["unit:support"]) == {"reply-time", "tickets"}
        assert keys(category="finance") == {"arr", "churn"}
        assert keys(health="critical") == {"traffic"}
        assert keys(health="warning", category="Support") == {"reply-time", "tickets"}
        assert keys(health="warning", limit=1) <= {"arr", "nps-kpi", "reply-time", "tickets"}
        assert http.get("/kpis", params={"health": "poorly"}).status_code == 422
        assert http.get("/kpis", params={"as_of": "yesterday"}).status_code == 422


def test_a_kpi_reads_in_the_interface_shape(live: Any) -> None:
    kpi_id = live.ids["kpi:tickets"]
    with live.client("viewer") as http:
        response = http.get(f"/kpis/{kpi_id}", params={"as_of": AS_OF})
    assert response.status_code == 200
    kpi = response.json()
    assert kpi["id"] == kpi_id
    assert (kpi["direction"], kpi["target_low"], kpi["target_high"], kpi["target"]) == (
        "in_range",
        800,
        1200,
        None,
    )
    assert (kpi["latest_value"], kpi["health"]) == (1250, "warning")


def test_a_member_creates_changes_and_deletes_a_kpi_of_their_unit(live: Any) -> None:
    with live.client("support_member") as http:
        made = http.post("/kpis", json=_body(live, name="  CSAT  "))
        assert made.status_code == 201, made.text
        kpi = made.json()
        assert kpi["name"] == "CSAT"
        assert (kpi["health"], kpi["latest_value"], kpi["trend"]) == ("no_data", None, None)
        assert kpi["source"] == "manual"
        assert http.get(f"/kpis/{kpi['id']}").json()["name"] == "CSAT"

        changed = http.patch(f"/kpis/{kpi['id']}", json={"target": 85, "owner_id": None})
        assert changed.status_code == 200, changed.text
        assert changed.json()["target"] == 85

        # Turning it into a range KPI: the single target is cleared in the same request.
        ranged = http.patch(
            f"/kpis/{kpi['id']}",
            json={"direction": "in_range", "target": None, "target_low": 75, "target_high": 90},
        )
        assert ranged.status_code == 200, ranged.text
        assert (ranged.json()["target"], ranged.json()["target_low"]) == (None, 75)

        assert http.delete(f"/kpis/{kpi['id']}").status_code == 204
        assert http.get(f"/kpis/{kpi['id']}").status_code == 404
    actions = _rows(
        live,
        sa.select(t.audit_event.c.action)
        .where(t.audit_event.c.subject_type == "kpi", t.audit_event.c.subject_id == kpi["id"])
        .order_by(t.audit_event.c.id),
    )
    assert [a for (a,) in actions] == ["create", "update", "update", "delete"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"category": "c" * 101}, "category"),
        ({"target": None}, "target"),
        ({"warning": 90}, "warning"),  # higher is better: the warning sits below the target
        ({"direction": "in_range", "target_low": 1, "target_high": 2}, "target"),
        ({"direction": "sideways"}, "direction"),
        ({"cadence": "hourly"}, "cadence"),
        ({"owner_unit_id": 999_999}, "owner_unit_id"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"target": "80"}, "target"),
        ({"target": True}, "target"),
        ({"owner_unit_id": "3"}, "owner_unit_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_an_invalid_kpi_is_refused_naming_the_field(
    live: Any, overrides: dict[str, Any], field: str
) -> None:
    before = _count(live, t.kpi)
    with live.client("admin") as http:
        response = http.post("/kpis", json=_body(live, **overrides))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in {e["field"] for e in response.json()["errors"]}
    assert _count(live, t.kpi) == before


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_in_raw_json_are_refused(live: Any, raw: str) -> None:
    before = _count(live, t.kpi)
    body = _body(live, target="RAW", warning=None)
    text = json.dumps(body).replace('"RAW"', raw)
    with live.client("admin") as http:
        response = http.post(
            "/kpis", content=text.encode(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["target"]
    assert _count(live, t.kpi) == before


def test_a_patch_is_validated_against_the_whole_kpi(live: Any) -> None:
    reply = live.ids["kpi:reply-time"]
    with live.client("admin") as http:
        # Lower is better with target 25: a warning below the target makes no sense.
        bad = http.patch(f"/kpis/{reply}", json={"warning": 20})
        assert bad.status_code == 422
        assert [e["field"] for e in bad.json()["errors"]] == ["warning"]
        nulled = http.patch(f"/kpis/{reply}", json={"name": None, "cadence": None})
        assert nulled.status_code == 422
        assert {e["field"] for e in nulled.json()["errors"]} == {"name", "cadence"}
        malformed = http.patch(
            f"/kpis/{reply}", content=b'{"target": ', headers={"content-type": "application/json"}
        )
        assert malformed.status_code == 422
        assert http.get(f"/kpis/{reply}").json()["warning"] == 35


def test_a_kpi_linked_to_a_key_result_is_not_deleted(live: Any) -> None:
    reply = live.ids["kpi:reply-time"]
    with live.client("admin") as http:
        refused = http.delete(f"/kpis/{reply}")
        assert refused.status_code == 409
        assert "Reduce average reply time" in refused.json()["detail"]
        assert http.get(f"/kpis/{reply}").status_code == 200


def test_only_the_owning_units_members_write_a_kpi(live: Any) -> None:
    reply = live.ids["kpi:reply-time"]
    with live.client("viewer") as http:
        assert http.post("/kpis", json=_body(live)).status_code == 403
    with live.client("sales_member") as http:
        assert http.post("/kpis", json=_body(live)).status_code == 403
        assert http.patch(f"/kpis/{reply}", json={"target": 20}).status_code == 403
        assert http.delete(f"/kpis/{reply}").status_code == 403
    with live.client("support_member") as http:
        # A member may not hand a KPI to a unit they do not belong to.
        moved = http.patch(f"/kpis/{reply}", json={"owner_unit_id": live.ids["unit:sales"]})
        assert moved.status_code == 403
        # ...but may give it to a team below their own unit.
        below = http.patch(f"/kpis/{reply}", json={"owner_unit_id": live.ids["unit:support-emea"]})
        assert below.status_code == 200, below.text
        back = http.patch(f"/kpis/{reply}", json={"owner_unit_id": live.ids["unit:support"]})
        assert back.status_code == 200


def test_another_workspaces_kpi_does_not_exist(live: Any) -> None:
    reply = live.ids["kpi:reply-time"]
    with live.client("other_admin") as http:
        assert http.get(f"/kpis/{reply}").status_code == 404
        assert http.patch(f"/kpis/{reply}", json={"target": 20}).status_code == 404
        assert http.delete(f"/kpis/{reply}").status_code == 404
        assert http.post(f"/kpis/{reply}/propose-okr").status_code == 404
        assert reply not in {k["id"] for k in http.get("/kpis").json()["items"]}
        # Their own KPI cannot be owned by one of Example Co's units.
        foreign = http.post("/kpis", json=_body(live))
        assert foreign.status_code == 422
        assert [e["field"] for e in foreign.json()["errors"]] == ["owner_unit_id"]
    with live.client(None) as http:
        assert http.get("/kpis").status_code == 401


def _objective_count(live: Any) -> int:
    return _count(live, t.objective)


def test_a_kpi_off_target_proposes_a_draft_objective_and_stores_nothing(live: Any) -> None:
    before = _objective_count(live)
    with live.client("viewer") as http:
        response = http.post(
            f"/kpis/{live.ids['kpi:reply-time']}/propose-okr", params={"as_of": AS_OF}
        )
    assert response.status_code == 200, response.text
    draft = response.json()
    assert draft["title"] == "Improve Average reply time"
    assert draft["kpi_id"] == live.ids["kpi:reply-time"]
    assert draft["period_id"] == live.ids["period:2026-Q4"]
    assert (draft["state"], draft["owner_unit_id"]) == ("draft", live.ids["unit:support"])
    [kr] = draft["key_results"]
    assert kr["title"] == "Average reply time from 35 to 25 min"
    assert (kr["start_value"], kr["target_value"], kr["unit_label"]) == (35, 25, "min")
    assert kr["kpi_id"] == live.ids["kpi:reply-time"]
    assert _objective_count(live) == before


def test_propose_okr_with_create_stores_the_draft_objective(live: Any) -> None:
    before = _objective_count(live)
    with live.client("support_member") as http:
        response = http.post(
            f"/kpis/{live.ids['kpi:reply-time']}/propose-okr",
            params={"create": "true", "as_of": AS_OF},
            json={"period_id": live.ids["period:2026-Q4"]},
        )
    assert response.status_code == 201, response.text
    objective = response.json()
    assert (objective["title"], objective["state"]) == ("Improve Average reply time", "draft")
    assert objective["period_id"] == live.ids["period:2026-Q4"]
    [kr] = objective["key_results"]
    assert kr["kpi_id"] == live.ids["kpi:reply-time"]
    assert (kr["start_value"], kr["target_value"], kr["current_value"]) == (35, 25, 35)
    assert {"score", "expected", "status"} <= set(objective)
    assert _objective_count(live) == before + 1
    stored = _rows(live, sa.select(t.objective.c.title).where(t.objective.c.id == objective["id"]))
    assert stored == [("Improve Average reply time",)]


def test_a_stored_proposal_goes_last_in_its_period_even_after_deletions(live: Any) -> None:
    period = live.ids["period:2026-Q4"]
    positions = sa.select(t.objective.c.id, t.objective.c.position).where(
        t.objective.c.period_id == period
    )
    with live.client("admin") as http:
        made = [
            http.post("/objectives", json={"title": f"Stopgap {n}", "period_id": period}).json()
            for n in range(3)
        ]
        for objective in made[:2]:
            assert http.delete(f"/objectives/{objective['id']}").status_code == 204
        stored = http.post(
            f"/kpis/{live.ids['kpi:reply-time']}/propose-okr",
            params={"create": "true", "as_of": AS_OF},
            json={"period_id": period},
        ).json()
    order = dict(_rows(live, positions))
    assert order[stored["id"]] == max(order.values())
    assert list(order.values()).count(order[stored["id"]]) == 1


def test_propose_okr_refusals(live: Any) -> None:
    before = _objective_count(live)
    reply = live.ids["kpi:reply-time"]
    with live.client("admin") as http:
        on_target = http.post(f"/kpis/{live.ids['kpi:churn']}/propose-okr", params={"as_of": AS_OF})
        assert on_target.status_code == 422
        assert on_target.json()["errors"][0]["field"] == "kpi"
        unknown = http.post(
            f"/kpis/{reply}/propose-okr", params={"create": "true"}, json={"period_id": 999_999}
        )
        assert unknown.status_code == 422
        assert unknown.json()["errors"][0]["field"] == "period_id"
        clash = http.post(
            f"/kpis/{reply}/propose-okr",
            params={"period_id": live.ids["period:2026"]},
            json={"period_id": live.ids["period:2026-Q4"]},
        )
        assert clash.status_code == 422
        assert http.post(f"/kpis/{reply}/propose-okr", json={"colour": 1}).status_code == 422
        assert http.post("/kpis/999999/propose-okr").status_code == 404
    for actor in ("viewer", "sales_member"):
        with live.client(actor) as http:
            denied = http.post(f"/kpis/{reply}/propose-okr", params={"create": "true"})
            assert denied.status_code == 403, actor
    assert _objective_count(live) == before


def test_kpi_ids_in_paths_are_integers(live: Any) -> None:
    with live.client("admin") as http:
        response = http.get("/kpis/reply-time")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kpi_id"
