"""/api/v1/kpis/{id}/measurements over real HTTP: one or a batch, all or nothing, replace."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from headway.store import tables as t

_names = itertools.count()


def _fresh_kpi(http: httpx.Client, live: Any, **fields: Any) -> int:
    """A KPI of Support with no measurements, so each test sees only its own."""
    made = http.post(
        "/kpis",
        json={
            "name": f"Backlog {next(_names)}",
            "owner_unit_id": live.ids["unit:support"],
            "direction": "lower_is_better",
            "target": 100,
            "warning": 150,
            "cadence": "daily",
            "aggregation": "last",
            **fields,
        },
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _stored(http: httpx.Client, kpi_id: int) -> list[tuple[str, float, str, str]]:
    items = http.get(f"/kpis/{kpi_id}/measurements", params={"limit": 500}).json()["items"]
    return sorted((m["at"], m["value"], m["source"], m["note"]) for m in items)


def _post_raw(http: httpx.Client, kpi_id: int, text: str) -> httpx.Response:
    return http.post(
        f"/kpis/{kpi_id}/measurements",
        content=text.encode(),
        headers={"content-type": "application/json"},
    )


def test_one_measurement_is_recorded_and_moves_the_kpi(live: Any) -> None:
    with live.client("support_member") as http:
        kpi_id = _fresh_kpi(http, live)
        made = http.post(
            f"/kpis/{kpi_id}/measurements",
            json={"at": "2026-11-02", "value": 120, "note": "after the outage"},
        )
        assert made.status_code == 201, made.text
        m = made.json()
        assert {"id", "at", "value", "note", "source"} <= set(m)
        assert (m["at"], m["value"], m["note"], m["source"]) == (
            "2026-11-02",
            120,
            "after the outage",
            "manual",
        )
        kpi = http.get(f"/kpis/{kpi_id}", params={"as_of": "2026-11-02"}).json()
        assert (kpi["latest_value"], kpi["health"]) == (120, "warning")
        # Without a date, the measurement is dated today.
        today = http.post(f"/kpis/{kpi_id}/measurements", json={"value": 90}).json()
        assert today["at"] >= "2026-11-23"


def test_measurements_list_by_date_range_and_pages(live: Any) -> None:
    with live.client("admin") as http:
        kpi_id = _fresh_kpi(http, live)
        days = [f"2026-10-{d:02d}" for d in range(1, 8)]
        batch = [{"at": day, "value": i} for i, day in enumerate(days)]
        assert http.post(f"/kpis/{kpi_id}/measurements", json=batch).status_code == 201
    with live.client("viewer") as http:
        window = http.get(
            f"/kpis/{kpi_id}/measurements", params={"from": "2026-10-03", "to": "2026-10-05"}
        ).json()
        assert [m["at"] for m in window["items"]] == days[2:5]
        first = http.get(f"/kpis/{kpi_id}/measurements", params={"limit": 4}).json()
        rest = http.get(
            f"/kpis/{kpi_id}/measurements", params={"limit": 4, "cursor": first["next_cursor"]}
        ).json()
        assert [m["at"] for m in first["items"] + rest["items"]] == days
        assert rest["next_cursor"] is None
        backwards = http.get(
            f"/kpis/{kpi_id}/measurements", params={"from": "2026-10-05", "to": "2026-10-01"}
        )
        assert backwards.status_code == 422
        assert backwards.json()["errors"][0]["field"] == "to"


def test_a_batch_with_one_bad_item_stores_nothing_and_names_it(live: Any) -> None:
    with live.client("support_member") as http:
        kpi_id = _fresh_kpi(http, live)
        good = {"at": "2026-11-01", "value": 1}
        typed = http.post(
            f"/kpis/{kpi_id}/measurements",
            json=[good, good, {"at": "2026-11-03", "value": "3"}, good],
        )
        assert typed.status_code == 422
        assert [e["field"] for e in typed.json()["errors"]] == ["[2].value"]
        future = http.post(
            f"/kpis/{kpi_id}/measurements",
            json=[good, {"at": "2999-01-01", "value": 2}, {"value": 3, "note": "n" * 10_001}],
        )
        assert future.status_code == 422
        assert [e["field"] for e in future.json()["errors"]] == ["[1].at", "[2].note"]
        empty = http.post(f"/kpis/{kpi_id}/measurements", json=[])
        assert empty.status_code == 422
        assert _stored(http, kpi_id) == []


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"at": "2026-11-02", "value": NaN}', "value"),
        ('{"at": "2026-11-02", "value": Infinity}', "value"),
        ('[{"at": "2026-11-02", "value": 1}, {"at": "2026-11-02", "value": 1e999}]', "[1].value"),
        ('[{"at": "2026-11-02", "value": -Infinity}]', "[0].value"),
        ('{"at": "2026-11-02", "value": "12"}', "value"),
        ('{"at": "2026-11-02", "value": true}', "value"),
        ('{"at": "2026-11-02", "value": null}', "value"),
        ('{"at": "2026-11-02"}', "value"),
        ('{"at": "02/11/2026", "value": 1}', "at"),
        ('{"at": "2026-11-02", "value": 1, "unit": "min"}', "unit"),
        ('[{"at": "2026-11-02", "value": 1, "source": "fax"}]', "[0].source"),
        ('{"at": "2026-11-02", "value": ', "body"),
        ("42", "body"),
    ],
)
def test_bad_measurement_json_is_refused_and_stores_nothing(
    live: Any, text: str, field: str
) -> None:
    with live.client("support_member") as http:
        kpi_id = _fresh_kpi(http, live)
        response = _post_raw(http, kpi_id, text)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        fields = [e["field"] for e in response.json()["errors"]]
        # Malformed JSON names the position in the text where it broke.
        assert field in fields or (field == "body" and fields)
        assert _stored(http, kpi_id) == []


def test_a_batch_with_replace_twice_changes_nothing(live: Any) -> None:
    batch = [
        {"at": "2026-11-02", "value": 130},
        {"at": "2026-11-02", "value": 125, "note": "recount"},
        {"at": "2026-11-03", "value": 110},
    ]
    with live.client("support_member") as http:
        kpi_id = _fresh_kpi(http, live)
        # Outside the batch's dates, or of another source: never touched by it.
        kept = [
            {"at": "2026-11-01", "value": 140},
            {"at": "2026-11-02", "value": 999, "source": "push"},
        ]
        assert http.post(f"/kpis/{kpi_id}/measurements", json=kept).status_code == 201
        first = http.post(f"/kpis/{kpi_id}/measurements", params={"replace": "true"}, json=batch)
        assert first.status_code == 201, first.text
        assert (len(first.json()["items"]), first.json()["removed"]) == (3, 0)
        after_once = _stored(http, kpi_id)
        figures_once = http.get(f"/kpis/{kpi_id}", params={"as_of": "2026-11-03"}).json()

        second = http.post(f"/kpis/{kpi_id}/measurements", params={"replace": "true"}, json=batch)
        assert second.status_code == 201
        assert second.json()["removed"] == 3
        assert _stored(http, kpi_id) == after_once
        assert http.get(f"/kpis/{kpi_id}", params={"as_of": "2026-11-03"}).json() == figures_once
        assert len(after_once) == 5
        # On one date the later in the list counts as recorded last (aggregation `last`).
        on_the_2nd = http.get(f"/kpis/{kpi_id}", params={"as_of": "2026-11-02"}).json()
        assert on_the_2nd["latest_value"] == 125

        # Without replace, the same batch is appended.
        assert http.post(f"/kpis/{kpi_id}/measurements", json=batch).status_code == 201
        assert len(_stored(http, kpi_id)) == 8


def test_measurement_writes_are_audited(live: Any) -> None:
    with live.client("support_member") as http:
        kpi_id = _fresh_kpi(http, live)
        one = [{"at": "2026-11-02", "value": 1}]
        first = http.post(f"/kpis/{kpi_id}/measurements", json=one).json()["items"][0]["id"]
        again = http.post(f"/kpis/{kpi_id}/measurements", params={"replace": "true"}, json=one)
        second = again.json()["items"][0]["id"]
    engine = sa.create_engine(live.database_url)
    try:
        with engine.connect() as conn:
            events = conn.execute(
                sa.select(
                    t.audit_event.c.action, t.audit_event.c.subject_id, t.audit_event.c.actor_label
                )
                .where(t.audit_event.c.subject_type == "measurement")
                .order_by(t.audit_event.c.id.desc())
                .limit(3)
            ).all()
    finally:
        engine.dispose()
    actions = [(action, subject) for action, subject, _ in reversed(events)]
    assert actions == [("create", first), ("delete", first), ("create", second)]
    assert {label for *_, label in events} == {"support-lead@example.com"}


def test_only_the_kpis_unit_records_measurements(live: Any) -> None:
    reply = live.ids["kpi:reply-time"]
    body = {"at": "2026-11-02", "value": 30}
    for actor in ("viewer", "sales_member"):
        with live.client(actor) as http:
            denied = http.post(f"/kpis/{reply}/measurements", json=body)
            assert denied.status_code == 403, actor
            assert http.get(f"/kpis/{reply}/measurements").status_code == 200
    with live.client("other_admin") as http:
        assert http.post(f"/kpis/{reply}/measurements", json=body).status_code == 404
        assert http.get(f"/kpis/{reply}/measurements").status_code == 404
    with live.client("admin") as http:
        assert len(http.get(f"/kpis/{reply}/measurements").json()["items"]) == 5


# --- the plausible range ---------------------------------------------------------------------


def _ranged_kpi(http: httpx.Client, live: Any) -> int:
    """A fresh KPI whose values lie from 0 to 100 (a percentage)."""
    kpi_id = _fresh_kpi(http, live, min_value=0, max_value=100)
    read = http.get(f"/kpis/{kpi_id}").json()
    assert (read["min_value"], read["max_value"]) == (0, 100)
    return kpi_id


def _errors(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_a_measurement_outside_the_range_is_refused_one_or_in_a_batch(live: Any) -> None:
    with live.client("support_member") as http:
        kpi_id = _ranged_kpi(http, live)
        path = f"/kpis/{kpi_id}/measurements"
        one = http.post(path, json={"at": "2026-11-02", "value": 100.84})
        assert _errors(one) == {"value": "must be between 0 and 100"}
        batch = [{"at": "2026-11-02", "value": 99.5}, {"at": "2026-11-03", "value": -1}]
        assert _errors(http.post(path, json=batch)) == {"[1].value": "must be between 0 and 100"}
        text = "at,value\n2026-11-02,99.2\n2026-11-03,100.84\n"
        headers = {"content-type": "text/csv"}
        from_file = http.post(f"{path}/import", content=text.encode(), headers=headers)
        assert _errors(from_file) == {"row 3.value": "must be between 0 and 100"}
        assert _stored(http, kpi_id) == []
        assert http.post(path, json={"at": "2026-11-02", "value": 100}).status_code == 201
        assert _stored(http, kpi_id) == [("2026-11-02", 100, "manual", "")]


def test_the_range_is_checked_and_cannot_leave_recorded_measurements_outside(live: Any) -> None:
    with live.client("support_member") as http:
        kpi_id = _ranged_kpi(http, live)
        upside_down = http.patch(f"/kpis/{kpi_id}", json={"min_value": 100, "max_value": 0})
        assert _errors(upside_down) == {"max_value": "must not be below min_value (100)"}
        batch = [{"at": f"2026-11-0{d}", "value": v} for d, v in ((2, 97), (3, 99), (4, 98))]
        assert http.post(f"/kpis/{kpi_id}/measurements", json=batch).status_code == 201
        narrower = http.patch(f"/kpis/{kpi_id}", json={"min_value": 98.5})
        assert _errors(narrower) == {
            "min_value": "2 recorded measurements are not between 98.5 and 100 "
            "(the first dated 2026-11-02): correct them first"
        }
        assert http.get(f"/kpis/{kpi_id}").json()["min_value"] == 0
        cleared = http.patch(f"/kpis/{kpi_id}", json={"min_value": None, "max_value": 99})
        assert cleared.status_code == 200, cleared.text
        assert (cleared.json()["min_value"], cleared.json()["max_value"]) == (None, 99)
