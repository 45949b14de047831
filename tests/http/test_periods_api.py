"""/api/v1/periods over real HTTP: planning periods, closing one, and its grades."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from headway.store import tables as t

_n = itertools.count()

PERIOD_FIELDS = {
    "id",
    "name",
    "kind",
    "start_date",
    "end_date",
    "state",
    "retro_worked",
    "retro_didnt",
    "retro_next",
}


def _period(http: Any, **fields: Any) -> dict[str, Any]:
    body = {
        "name": f"Period {next(_n)}",
        "kind": "custom",
        "start_date": "2027-01-01",
        "end_date": "2027-03-31",
        **fields,
    }
    made = http.post("/periods", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_everyone_reads_the_periods(live: Any) -> None:
    with live.client("viewer") as http:
        listed = http.get("/periods")
        assert listed.status_code == 200
        by_name = {p["name"]: p for p in listed.json()["items"]}
        q4 = by_name["2026-Q4"]
        assert q4 == {
            "id": live.ids["period:2026-Q4"],
            "name": "2026-Q4",
            "kind": "quarter",
            "start_date": "2026-10-01",
            "end_date": "2026-12-31",
            "state": "active",
            "retro_worked": "",
            "retro_didnt": "",
            "retro_next": "",
        }
        assert http.get(f"/periods/{q4['id']}").json() == q4  # no grades while open
        page = http.get("/periods", params={"limit": 1}).json()
        assert len(page["items"]) == 1
        assert page["next_cursor"] is not None


def test_admin_plans_a_period_and_changes_it(live: Any) -> None:
    with live.client("admin") as http:
        made = _period(http, name=" 2027-Q1 ", kind="quarter", retro_next="start early")
        assert set(made) == PERIOD_FIELDS
        assert made["name"] == "2027-Q1"
        assert made["state"] == "planning"
        assert made["retro_next"] == "start early"
        changed = http.patch(
            f"/periods/{made['id']}",
            json={
                "state": "active",
                "kind": "custom",
                "end_date": "2027-03-30",
                "retro_next": None,
            },
        )
        assert changed.status_code == 200, changed.text
        assert changed.json() == {
            **made,
            "state": "active",
            "kind": "custom",
            "end_date": "2027-03-30",
            "retro_next": "",
        }
        assert http.get(f"/periods/{made['id']}").json() == changed.json()


def test_a_period_name_is_unique_in_its_workspace(live: Any) -> None:
    with live.client("admin") as http:
        clash = http.post(
            "/periods",
            json={
                "name": "2026-Q4",
                "kind": "quarter",
                "start_date": "2026-10-01",
                "end_date": "2026-12-31",
            },
        )
        assert clash.status_code == 409
        other = _period(http)
        renamed = http.patch(f"/periods/{other['id']}", json={"name": "2026"})
        assert renamed.status_code == 409
    with live.client("other_admin") as http:
        # Another workspace has its own 2026-Q4: names are unique per workspace only.
        assert http.get(f"/periods/{live.ids['period:2026-Q4']}").status_code == 404
        assert _period(http, name="Shared name")["name"] == "Shared name"
    with live.client("admin") as http:
        assert _period(http, name="Shared name")["name"] == "Shared name"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2026-12-31"}, "end_date"),
        ({"start_date": "2027-13-01"}, "start_date"),
        ({"start_date": 20270101}, "start_date"),
        ({"start_date": "2027-01-01T00:00:00"}, "start_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"kind": "quarter", "start_date": "2027-02-01", "end_date": "2027-04-30"}, "start_date"),
        ({"kind": "year", "end_date": "2027-12-30"}, "start_date"),
        ({"kind": "semester"}, "kind"),
        ({"state": "closed"}, "state"),
        ({"state": "done"}, "state"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": 2027}, "name"),
        ({"retro_worked": "x" * 10_001}, "retro_worked"),
        ({"retro_didnt": 1.5}, "retro_didnt"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_period_inputs_are_422_naming_the_field(
    live: Any, change: dict[str, Any], field: str
) -> None:
    body = {"name": "Bad", "kind": "custom", "start_date": "2027-01-01", "end_date": "2027-03-31"}
    with live.client("admin") as http:
        refused = http.post("/periods", json={**body, **change})
        assert refused.status_code == 422, refused.text
        assert field in {e["field"] for e in refused.json()["errors"]}
        names = {p["name"] for p in http.get("/periods", params={"limit": 500}).json()["items"]}
        assert "Bad" not in names


def test_bad_period_changes_are_422_and_change_nothing(live: Any) -> None:
    with live.client("admin") as http:
        period = _period(http)
        target = f"/periods/{period['id']}"
        for change, field in [
            ({"start_date": "2027-04-01"}, "start_date"),
            ({"end_date": "2026-12-31"}, "end_date"),
            ({"kind": "quarter", "end_date": "2027-03-30"}, "start_date"),
            ({"name": None}, "name"),
            ({"state": "closed"}, "state"),
        ]:
            refused = http.patch(target, json=change)
            assert refused.status_code == 422, refused.text
            assert [e["field"] for e in refused.json()["errors"]] == [field]
        assert http.get(target).json() == period


def test_members_and_viewers_cannot_plan_periods(live: Any) -> None:
    with live.client("admin") as http:
        period = _period(http)
    for actor in ("sales_member", "viewer"):
        with live.client(actor) as http:
            assert http.patch(f"/periods/{period['id']}", json={"name": "x"}).status_code == 403
            assert http.post(f"/periods/{period['id']}/close").status_code == 403
    with live.client("admin") as http:
        assert http.get(f"/periods/{period['id']}").json() == period


# --- closing -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db(live: Any) -> Iterator[sa.Engine]:
    """The live server's database, for rows the objectives API is not needed to make."""
    engine = sa.create_engine(live.database_url)
    yield engine
    engine.dispose()


def _plant(db: sa.Engine, period_id: int, objectives: list[dict[str, Any]]) -> dict[str, int]:
    """Objectives, key results and check-ins of a period, written straight into the database;
    the ids by key."""
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    with db.begin() as conn:
        ws = conn.execute(sa.select(t.workspace.c.id).where(t.workspace.c.name == "Example Co"))
        workspace_id = ws.scalar_one()
        stamps = {"workspace_id": workspace_id, "created_at": now, "updated_at": now}
        for position, o in enumerate(objectives):
            ids[o["key"]] = conn.execute(
                t.objective.insert().values(
                    **stamps,
                    period_id=period_id,
                    title=o["key"],
                    description="",
                    type=o["type"],
                    state=o.get("state", "active"),
                    parent_id=ids.get(o.get("parent", "")),
                    parent_key_result_id=ids.get(o.get("under", "")),
                    position=position,
                )
            ).inserted_primary_key[0]
            for kr_position, kr in enumerate(o.get("key_results", [])):
                ids[kr["key"]] = conn.execute(
                    t.key_result.insert().values(
                        **stamps,
                        objective_id=ids[o["key"]],
                        title=kr["key"],
                        kind=kr.get("kind", "metric"),
                        unit_label="",
                        start_value=kr.get("start"),
                        target_value=kr.get("target"),
                        weight=1.0,
                        position=kr_position,
                    )
                ).inserted_primary_key[0]
                for day, value in kr.get("check_ins", []):
                    conn.execute(
                        t.check_in.insert().values(
                            workspace_id=workspace_id,
                            key_result_id=ids[kr["key"]],
                            value=value,
                            note="",
                            effective_date=date.fromisoformat(day),
                            created_at=now,
                        )
                    )
    return ids


# A quarter long gone, so its figures are as of its end: a check-in after it does not count.
PAST_QUARTER = [
    {
        "key": "delight",
        "type": "aspirational",
        "key_results": [
            {
                "key": "csat",
                "start": 0,
                "target": 10,
                "check_ins": [("2025-02-01", 4), ("2025-03-31", 6.5), ("2025-04-10", 10)],
            },
            {"key": "wait", "start": 100, "target": 50, "check_ins": [("2025-03-01", 60)]},
        ],
    },
    {
        "key": "ship",
        "type": "committed",
        "key_results": [
            {"key": "uptime", "start": 0, "target": 10, "check_ins": [("2025-03-02", 9)]}
        ],
    },
    {"key": "launch", "type": "committed", "key_results": [{"key": "site", "kind": "milestone"}]},
    {
        "key": "stretch",
        "type": "aspirational",
        "key_results": [
            {"key": "half", "start": 0, "target": 10, "check_ins": [("2025-01-05", 4)]}
        ],
    },
    {"key": "empty", "type": "aspirational"},
]


def test_closing_a_period_grades_and_closes_its_objectives(live: Any, db: sa.Engine) -> None:
    with live.client("admin") as http:
        period = _period(
            http, name="2025-Q1", kind="quarter", start_date="2025-01-01", end_date="2025-03-31"
        )
        ids = _plant(db, period["id"], PAST_QUARTER)
        closed = http.post(
            f"/periods/{period['id']}/close", json={"retro_worked": "weekly check-ins"}
        )
        assert closed.status_code == 200, closed.text
        body = closed.json()
        assert body["state"] == "closed"
        assert body["retro_worked"] == "weekly check-ins"
        grades = {g.get("objective_id") or g["key_result_id"]: g for g in body["grades"]}
        expected = {
            "delight": (0.725, "green", False),  # (0.65 + 0.8) / 2; aspirational lands >= 0.6
            "csat": (0.65, "yellow", None),  # 6.5 on the last day; the 10 after the end is ignored
            "wait": (0.8, "green", None),  # 100 -> 50 at 60
            "ship": (0.9, "green", True),  # committed and below 1.0
            "uptime": (0.9, "green", None),
            "launch": (0.0, "red", True),  # a milestone never done
            "site": (0.0, "red", None),
            "stretch": (0.4, "yellow", True),  # exactly on the yellow line; aspirational < 0.6
            "half": (0.4, "yellow", None),
            "empty": (None, None, None),  # no key results, no children: no score
        }
        assert set(grades) == {ids[k] for k in expected}
        for key, (score, band, short) in expected.items():
            grade = grades[ids[key]]
            assert grade["score"] == (None if score is None else pytest.approx(score)), key
            assert grade["band"] == band, key
            if "objective_id" in grade:
                assert grade["fell_short"] is short, key
            else:
                assert set(grade) == {"key_result_id", "score", "band"}
        assert http.get(f"/periods/{period['id']}").json() == body
    with db.connect() as conn:
        q = sa.select(t.objective.c.id, t.objective.c.state)
        states = {row.id: row.state for row in conn.execute(q)}
    assert {states[ids[k]] for k in ("delight", "ship", "launch", "stretch", "empty")} == {"closed"}
    assert states[live.ids["objective:cx"]] == "active"  # another period's objective


# Drafts count nowhere but on their own page: a draft child and a draft under a rollup.
WITH_DRAFTS = [
    {"key": "company", "type": "committed", "key_results": [{"key": "teams", "kind": "rollup"}]},
    {"key": "team", "type": "committed", "under": "teams"},
    {
        "key": "adopted",
        "type": "committed",
        "parent": "team",
        "key_results": [
            {"key": "signups", "start": 0, "target": 10, "check_ins": [("2025-09-01", 6)]}
        ],
    },
    {
        "key": "proposal",
        "type": "committed",
        "state": "draft",
        "parent": "team",
        "key_results": [
            {"key": "replies", "start": 0, "target": 10, "check_ins": [("2025-09-01", 10)]}
        ],
    },
    {
        "key": "idea",
        "type": "aspirational",
        "state": "draft",
        "under": "teams",
        "key_results": [
            {"key": "visits", "start": 0, "target": 10, "check_ins": [("2025-09-01", 2)]}
        ],
    },
]


def test_closing_a_period_grades_no_draft_and_leaves_drafts_drafts(
    live: Any, db: sa.Engine
) -> None:
    with live.client("admin") as http:
        period = _period(
            http, name="2025-Q3", kind="quarter", start_date="2025-07-01", end_date="2025-09-30"
        )
        ids = _plant(db, period["id"], WITH_DRAFTS)
        closed = http.post(f"/periods/{period['id']}/close")
        assert closed.status_code == 200, closed.text
        grades = {g.get("objective_id") or g["key_result_id"]: g for g in closed.json()["grades"]}
        # Without the drafts everything above "adopted" is its 0.6; counting them, "team"
        # would be (0.6 + 1.0) / 2 = 0.8 and the rollup (0.8 + 0.2) / 2 = 0.5.
        expected = {
            "company": (0.6, "yellow", True),
            "teams": (0.6, "yellow", None),
            "team": (0.6, "yellow", True),
            "adopted": (0.6, "yellow", True),
            "signups": (0.6, "yellow", None),
        }
        assert set(grades) == {ids[k] for k in expected}
        for key, (score, band, short) in expected.items():
            grade = grades[ids[key]]
            assert (grade["score"], grade["band"]) == (pytest.approx(score), band), key
            assert grade.get("fell_short") is short, key
        events = http.get(
            "/audit", params={"subject_type": "period", "subject_id": period["id"]}
        ).json()["items"]
    close = next(e for e in events if e["action"] == "close")
    assert close["after"]["objectives_closed"] == sorted(
        ids[k] for k in ("company", "team", "adopted")
    )
    with db.connect() as conn:
        q = sa.select(t.objective.c.id, t.objective.c.state)
        states = {row.id: row.state for row in conn.execute(q)}
    assert {k: states[ids[k]] for k in ("company", "team", "adopted", "proposal", "idea")} == {
        "company": "closed",
        "team": "closed",
        "adopted": "closed",
        "proposal": "draft",
        "idea": "draft",
    }


def test_a_closed_period_takes_only_retrospective_notes(live: Any, db: sa.Engine) -> None:
    with live.client("admin") as http:
        period = _period(http, start_date="2025-04-01", end_date="2025-06-30")
        _plant(db, period["id"], [{"key": "lonely", "type": "committed"}])
        target = f"/periods/{period['id']}"
        first = http.post(f"{target}/close").json()
        again = http.post(f"{target}/close", json={"retro_next": "x"})
        assert again.status_code == 409
        for change in (
            {"name": "Reopened?"},
            {"state": "active"},
            {"end_date": "2025-07-31"},
            {"retro_didnt": "too many goals", "kind": "quarter"},
        ):
            refused = http.patch(target, json=change)
            assert refused.status_code == 409, (change, refused.text)
        assert http.get(target).json() == first
        notes = http.patch(
            target,
            json={"retro_didnt": "too many goals", "retro_next": "fewer", "name": first["name"]},
        )
        assert notes.status_code == 200, notes.text
        assert notes.json() == {**first, "retro_didnt": "too many goals", "retro_next": "fewer"}
        assert notes.json()["grades"] == first["grades"]


def test_closing_an_unfinished_period_grades_it_as_of_today(live: Any) -> None:
    with live.client("admin") as http:
        before = datetime.now(UTC).date()
        period = _period(http, start_date="2026-01-01", end_date="2099-12-31")
        assert http.post(f"/periods/{period['id']}/close").status_code == 200
        after = datetime.now(UTC).date()
        events = http.get(
            "/audit", params={"subject_type": "period", "subject_id": period["id"]}
        ).json()["items"]
    close = next(e for e in events if e["action"] == "close")
    assert close["after"]["as_of"] in {before.isoformat(), after.isoformat()}
    assert close["actor_label"] == "ceo@example.com"
