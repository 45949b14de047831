"""Cross-team contributions over real HTTP: an objective's `contributes_to` (objectives) and
`contributes_to_key_results` (rollup key results) created, read, replaced, cleared and refused;
and the pages that show and edit them."""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

import httpx
import sqlalchemy as sa
from objective_rows import database as _db
from objective_rows import new_metric as _metric
from objective_rows import new_objective as _objective

from headway.store import tables as t
from live_server import signed_in_browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
_n = itertools.count()

Problems = dict[str, str]


def _rollup(http: Any, objective_id: int, title: str = "Teams delivered") -> dict[str, Any]:
    made = http.post(
        f"/objectives/{objective_id}/key-results", json={"title": title, "kind": "rollup"}
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def _problems(answer: httpx.Response) -> Problems:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return {e["field"]: e["message"] for e in answer.json()["errors"]}


def _links(live: Any, objective_id: int) -> list[tuple[int | None, int | None]]:
    c = t.objective_contribution.c
    engine = _db(live)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(c.target_objective_id, c.target_key_result_id)
            .where(c.objective_id == objective_id)
            .order_by(c.id)
        ).all()
    engine.dispose()
    return [(o, kr) for o, kr in rows]


def _other_workspace_objective(live: Any) -> int:
    engine = _db(live)
    with engine.connect() as conn:
        row_id = conn.execute(
            sa.select(t.objective.c.id)
            .join(t.workspace, t.workspace.c.id == t.objective.c.workspace_id)
            .where(t.workspace.c.name == "Other Co")
            .limit(1)
        ).scalar_one()
    engine.dispose()
    return int(row_id)


def test_contributions_are_created_read_replaced_and_cleared(live: Any) -> None:
    with live.client("admin") as http:
        sales = _objective(live, http, title="Close more deals")
        company = _objective(live, http, title="Grow the company", owner_unit_id=None)
        rollup = _rollup(http, company["id"])
        marketing = _objective(
            live,
            http,
            title="Bring in qualified leads",
            owner_unit_id=live.ids["unit:marketing"],
            contributes_to=[sales["id"]],
            contributes_to_key_results=[rollup["id"]],
        )
        assert marketing["contributes_to"] == [sales["id"]]
        assert marketing["contributes_to_key_results"] == [rollup["id"]]
        assert http.get(f"/objectives/{marketing['id']}").json() == marketing
        assert _links(live, marketing["id"]) == [(sales["id"], None), (None, rollup["id"])]
        listed = http.get("/objectives", params={"limit": 100}).json()["items"]
        (row,) = [o for o in listed if o["id"] == marketing["id"]]
        assert (row["contributes_to"], row["contributes_to_key_results"]) == (
            [sales["id"]],
            [rollup["id"]],
        )

        # A PATCH replaces the set it names, in its order; the other set stays as it was.
        replaced = http.patch(
            f"/objectives/{marketing['id']}", json={"contributes_to": [company["id"], sales["id"]]}
        )
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["contributes_to"] == [company["id"], sales["id"]]
        assert replaced.json()["contributes_to_key_results"] == [rollup["id"]]
        # Omitted: unchanged.
        renamed = http.patch(f"/objectives/{marketing['id']}", json={"title": "Bring in leads"})
        assert renamed.json()["contributes_to"] == [company["id"], sales["id"]]
        # Empty and null both clear.
        cleared = http.patch(
            f"/objectives/{marketing['id']}",
            json={"contributes_to": [], "contributes_to_key_results": None},
        )
        assert cleared.status_code == 200, cleared.text
        assert (cleared.json()["contributes_to"], cleared.json()["contributes_to_key_results"]) == (
            [],
            [],
        )
        assert _links(live, marketing["id"]) == []

    # The audit log holds each change of the links, before and after.
    engine = _db(live)
    with engine.connect() as conn:
        events = conn.execute(
            sa.select(t.audit_event.c.action, t.audit_event.c.before, t.audit_event.c.after)
            .where(
                t.audit_event.c.subject_type == "objective",
                t.audit_event.c.subject_id == marketing["id"],
            )
            .order_by(t.audit_event.c.id)
        ).all()
    engine.dispose()
    assert [e.action for e in events] == ["create", "update", "update", "update"]
    assert events[0].after["contributes_to"] == [sales["id"]]
    assert events[1].before["contributes_to"] == [sales["id"]]
    assert events[1].after["contributes_to"] == [company["id"], sales["id"]]
    assert "contributes_to" not in events[2].after  # the title alone changed
    assert events[3].after["contributes_to_key_results"] == []


def test_every_bad_link_is_refused_with_its_field_and_nothing_is_written(live: Any) -> None:
    other_workspace = _other_workspace_objective(live)
    with live.client("admin") as http:
        target = _objective(live, http, title="Target of links")
        year = _objective(live, http, title="A goal of the year", period_id=live.ids["period:2026"])
        year_rollup = _rollup(http, year["id"])
        mine = _objective(live, http, title="Links to check")
        own_rollup = _rollup(http, mine["id"])
        metric = _metric(http, target["id"])
        refused = http.patch(
            f"/objectives/{mine['id']}",
            json={
                "contributes_to": [
                    mine["id"],
                    target["id"],
                    target["id"],
                    year["id"],
                    other_workspace,
                    2**40,
                ],
                "contributes_to_key_results": [own_rollup["id"], metric["id"], year_rollup["id"]],
            },
        )
        no_such = "no such objective in this period"
        assert _problems(refused) == {
            "contributes_to[0]": "is the objective itself: it cannot contribute to itself",
            "contributes_to[2]": "is listed more than once",
            "contributes_to[3]": no_such,
            # Another workspace's objective is as absent as one that never was.
            "contributes_to[4]": no_such,
            "contributes_to[5]": no_such,
            "contributes_to_key_results[0]": (
                "is one of this objective's own key results: it cannot contribute to it"
            ),
            "contributes_to_key_results[1]": (
                "is a metric key result: only a rollup key result counts the objectives "
                "contributing to it"
            ),
            "contributes_to_key_results[2]": "no such key result in this period",
        }
        assert http.get(f"/objectives/{mine['id']}").json()["contributes_to"] == []
        # On creation too, and the objective is not made.
        before = len(http.get("/objectives", params={"limit": 100}).json()["items"])
        body = {
            "title": "Never made",
            "period_id": live.ids["period:2026-Q4"],
            "contributes_to": [year["id"]],
        }
        assert _problems(http.post("/objectives", json=body)) == {"contributes_to[0]": no_such}
        assert len(http.get("/objectives", params={"limit": 100}).json()["items"]) == before
        # The parent counts its child already.
        child = _objective(live, http, title="A child", parent_id=target["id"])
        twice = http.patch(f"/objectives/{child['id']}", json={"contributes_to": [target["id"]]})
        assert _problems(twice) == {
            "contributes_to[0]": "is already the objective's parent: it counts there once"
        }
        # Not a list of ids: the request's own shape.
        shape = http.patch(f"/objectives/{mine['id']}", json={"contributes_to": ["12"]})
        assert shape.status_code == 422
        assert [e["field"] for e in shape.json()["errors"]] == ["contributes_to[0]"]


def test_no_cycle_forms_through_contributions_parents_or_key_results(live: Any) -> None:
    cycle = "would form a cycle: the objective would be its own ancestor"
    with live.client("admin") as http:
        a = _objective(live, http, title="Cycle A")
        b = _objective(live, http, title="Cycle B", contributes_to=[a["id"]])
        # Direct: A cannot serve B, which serves A.
        direct = http.patch(f"/objectives/{a['id']}", json={"contributes_to": [b["id"]]})
        assert _problems(direct) == {"contributes_to[0]": cycle}
        # Through a parent: C is aligned under B, so B cannot serve C...
        c = _objective(live, http, title="Cycle C", parent_id=b["id"])
        through_parent = http.patch(f"/objectives/{b['id']}", json={"contributes_to": [c["id"]]})
        assert _problems(through_parent) == {"contributes_to[0]": cycle}
        # ...and A cannot be aligned under C, which sits under B, which serves A.
        realign = http.patch(f"/objectives/{a['id']}", json={"parent_id": c["id"]})
        assert _problems(realign) == {
            "parent_id": "alignment would form a cycle: the objective would be its own ancestor"
        }
        # Through a key result: A serves D's rollup key result, so D cannot serve A.
        d = _objective(live, http, title="Cycle D")
        d_rollup = _rollup(http, d["id"])
        served = http.patch(
            f"/objectives/{a['id']}", json={"contributes_to_key_results": [d_rollup["id"]]}
        )
        assert served.status_code == 200, served.text
        through_kr = http.patch(f"/objectives/{d['id']}", json={"contributes_to": [a["id"]]})
        assert _problems(through_kr) == {"contributes_to[0]": cycle}
        aligned = http.patch(f"/objectives/{d['id']}", json={"parent_id": b["id"]})
        assert _problems(aligned) == {
            "parent_id": "alignment would form a cycle: the objective would be its own ancestor"
        }


def _refused(answer: httpx.Response) -> str:
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    return str(answer.json()["detail"])


def test_nothing_served_is_deleted_until_its_contributors_let_go(live: Any) -> None:
    with live.client("admin") as http:
        target = _objective(live, http, title="Served objective")
        keeps = _objective(live, http, title="Keeps its rollup")
        rollup = _rollup(http, keeps["id"])
        serving = _objective(
            live,
            http,
            title="Serves both",
            contributes_to=[target["id"]],
            contributes_to_key_results=[rollup["id"]],
        )
        also = _objective(
            live, http, title="Serves the rollup", contributes_to_key_results=[rollup["id"]]
        )
        # A rollup that objectives contribute to stays one while they do...
        kind = http.patch(f"/key-results/{rollup['id']}", json={"kind": "milestone"})
        assert _problems(kind) == {
            "kind": f"objectives {serving['id']}, {also['id']} contribute to this rollup key "
            "result: it stays a rollup until they no longer do"
        }
        # ...and it, its objective and an objective served are not deleted under them.
        assert _refused(http.delete(f"/objectives/{target['id']}")) == (
            f"objective {target['id']} still has objectives contributing to it or to its key "
            f"results: 'Serves both' ({serving['id']}); remove those links first"
        )
        assert _refused(http.delete(f"/key-results/{rollup['id']}")) == (
            f"key result {rollup['id']} still has objectives contributing to it: "
            f"'Serves both' ({serving['id']}), 'Serves the rollup' ({also['id']}); "
            "remove those links first"
        )
        # Aligned and contributing objectives are named together, each with what to do.
        child = _objective(live, http, title="Aligned child", parent_id=keeps["id"])
        assert _refused(http.delete(f"/objectives/{keeps['id']}")) == (
            f"objective {keeps['id']} still has objectives aligned under it or carried over "
            f"from it: 'Aligned child' ({child['id']}); move or delete them first; and "
            "objectives contributing to it or to its key results: "
            f"'Serves both' ({serving['id']}), 'Serves the rollup' ({also['id']}); "
            "remove those links first"
        )
        assert _links(live, serving["id"]) == [(target["id"], None), (None, rollup["id"])]
        assert _links(live, also["id"]) == [(None, rollup["id"])]

        # Once the links are gone, the deletes go through, each with its audit event.
        cleared = http.patch(
            f"/objectives/{serving['id']}",
            json={"contributes_to": [], "contributes_to_key_results": None},
        )
        assert cleared.status_code == 200, cleared.text
        assert http.delete(f"/objectives/{target['id']}").status_code == 204
        # A contributor itself goes with its own links, which its delete event records.
        assert http.delete(f"/objectives/{also['id']}").status_code == 204
        assert _links(live, also["id"]) == []
        event = http.get(
            "/audit", params={"subject_type": "objective", "subject_id": also["id"]}
        ).json()["items"][0]
        assert event["action"] == "delete"
        assert event["before"]["contributes_to_key_results"] == [rollup["id"]]
        assert http.delete(f"/key-results/{rollup['id']}").status_code == 204


def test_an_objective_moves_period_with_every_problem_named_at_once(live: Any) -> None:
    with live.client("admin") as http:
        made = http.post(
            "/periods",
            json={
                "name": "Links November",
                "kind": "custom",
                "start_date": "2026-11-01",
                "end_date": "2026-11-30",
            },
        )
        assert made.status_code == 201, made.text
        november = made.json()["id"]
        served = _objective(live, http, title="Served in Q4")
        other = _objective(live, http, title="Has a rollup")
        rollup = _rollup(http, other["id"])
        mover = _objective(
            live,
            http,
            title="Mover",
            contributes_to=[served["id"]],
            contributes_to_key_results=[rollup["id"]],
        )
        early = _metric(http, mover["id"], title="Early", due_date="2026-10-15")
        # Its outgoing links, and the key result due outside November, in one answer.
        moved = http.patch(f"/objectives/{mover['id']}", json={"period_id": november})
        assert moved.status_code == 422, moved.text
        assert [(e["field"], e["message"]) for e in moved.json()["errors"]] == [
            (
                "period_id",
                f"contributes to objectives {served['id']} and key results {rollup['id']} of "
                "its period: clear `contributes_to` and `contributes_to_key_results` to move it",
            ),
            (
                "period_id",
                f"key result {early['id']} (Early) is due 2026-10-15, outside 2026-11-01 to "
                "2026-11-30: change its due date first",
            ),
        ]
        # Objectives serving it from its period stay named too.
        served_by = _objective(live, http, title="Serves the mover", contributes_to=[mover["id"]])
        both = http.patch(
            f"/objectives/{mover['id']}",
            json={"period_id": november, "contributes_to": [], "contributes_to_key_results": []},
        )
        assert both.status_code == 422, both.text
        assert [(e["field"], e["message"]) for e in both.json()["errors"]] == [
            (
                "period_id",
                f"objectives {served_by['id']} contribute to it from its period: it moves to "
                "another period only once nothing contributes to it",
            ),
            (
                "period_id",
                f"key result {early['id']} (Early) is due 2026-10-15, outside 2026-11-01 to "
                "2026-11-30: change its due date first",
            ),
        ]
        assert _links(live, mover["id"]) == [(served["id"], None), (None, rollup["id"])]
        # Links named with the move are checked in the new period, on their own fields.
        elsewhere = http.patch(
            f"/objectives/{mover['id']}",
            json={"period_id": november, "contributes_to": [served["id"]]},
        )
        assert _problems(elsewhere)["contributes_to[0]"] == "no such objective in this period"

        # A key result moved under an objective of another period: every problem at once.
        november_objective = _objective(live, http, title="November goal", period_id=november)
        served_kr = _rollup(http, other["id"], title="Served rollup")
        _objective(
            live, http, title="Serves a rollup", contributes_to_key_results=[served_kr["id"]]
        )
        kr_moved = http.patch(
            f"/key-results/{served_kr['id']}",
            json={"objective_id": november_objective["id"], "due_date": "2026-10-20"},
        )
        assert kr_moved.status_code == 422, kr_moved.text
        assert sorted(e["field"] for e in kr_moved.json()["errors"]) == [
            "due_date",
            "objective_id",
        ]


def test_a_key_result_id_in_contributes_to_is_named_as_one(live: Any) -> None:
    with live.client("admin") as http:
        made = http.post(
            "/periods",
            json={
                "name": "Links by id",
                "kind": "custom",
                "start_date": "2026-10-01",
                "end_date": "2026-12-31",
            },
        )
        assert made.status_code == 201, made.text
        period = made.json()["id"]
        # Objective ids and key-result ids are separate sequences: this period's objectives
        # are these two, its key results have ids that neither has.
        holder = _objective(live, http, title="Holds the rollup", period_id=period)
        linking = _objective(live, http, title="Links by id", period_id=period)
        objectives = {holder["id"], linking["id"]}
        rollup = _rollup(http, holder["id"])
        while rollup["id"] in objectives:
            rollup = _rollup(http, holder["id"])
        metric = _metric(http, holder["id"])
        while metric["id"] in objectives:
            metric = _metric(http, holder["id"])
        wrong = http.patch(f"/objectives/{linking['id']}", json={"contributes_to": [rollup["id"]]})
        assert _problems(wrong) == {
            "contributes_to[0]": "no such objective in this period, but rollup key result "
            f"{rollup['id']} is: a key result goes in contributes_to_key_results"
        }
        # A metric key result could not be served anyway: no hint.
        not_rollup = http.patch(
            f"/objectives/{linking['id']}", json={"contributes_to": [metric["id"]]}
        )
        assert _problems(not_rollup) == {"contributes_to[0]": "no such objective in this period"}
        backwards = http.patch(
            f"/objectives/{linking['id']}", json={"contributes_to_key_results": [holder["id"]]}
        )
        assert _problems(backwards) == {
            "contributes_to_key_results[0]": "no such key result in this period, but objective "
            f"{holder['id']} is: an objective goes in contributes_to"
        }
        assert _links(live, linking["id"]) == []


def test_a_member_writes_links_of_their_objectives_only(live: Any) -> None:
    with live.client("admin") as http:
        support = _objective(
            live, http, title="Support goal", owner_unit_id=live.ids["unit:support"]
        )
    with live.client("sales_member") as http:
        sales = _objective(live, http, title="Sales goal serving support")
        linked = http.patch(f"/objectives/{sales['id']}", json={"contributes_to": [support["id"]]})
        assert linked.status_code == 200, linked.text
        # Serving another team's objective changes nothing of it: its owner keeps it.
        theirs = http.patch(f"/objectives/{support['id']}", json={"contributes_to": [sales["id"]]})
        assert theirs.status_code == 403


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_pages_show_and_edit_contributions(live: Any) -> None:
    with live.client("admin") as http:
        served = _objective(live, http, title="Served <b>objective</b>")
        rollup = _rollup(http, served["id"], title="Departments & teams delivered")
        serving = _objective(
            live,
            http,
            title="Serving objective",
            owner_unit_id=live.ids["unit:marketing"],
            contributes_to=[served["id"]],
        )
    email = f"contributions-{next(_n)}@example.com"
    live.new_person("Contributions", email, "admin", PASSWORD)
    with signed_in_browser(live.base_url, email, PASSWORD) as browser:
        page = browser.get(f"/objectives/{serving['id']}")
        assert page.status_code == 200
        text = page.text
        assert '<label for="edit-contributes-to">Also contributes to</label>' in text
        assert f'<option value="o:{served["id"]}" selected>' in text
        assert f'<option value="kr:{rollup["id"]}" >' in text
        # Titles are escaped wherever they show.
        assert "Served <b>objective</b>" not in text
        assert html.escape("Served <b>objective</b>") in text
        contributes = re.search(r"<strong>Contributes to:</strong>(.*?)</p>", text, re.S)
        assert contributes is not None
        assert f'href="/objectives/{served["id"]}"' in contributes.group(1)

        target_page = browser.get(f"/objectives/{served['id']}").text
        contributors = re.search(r"<strong>Contributors:</strong>(.*?)</p>", target_page, re.S)
        assert contributors is not None
        assert f'<a href="/objectives/{serving["id"]}">Serving objective</a>' in (
            contributors.group(1)
        )

        alignment = browser.get("/alignment", params={"period": live.ids["period:2026-Q4"]})
        serves = re.findall(r'<p class="also-serves">(.*?)</p>', alignment.text, re.S)
        assert any(f'href="/objectives/{served["id"]}"' in s for s in serves)

        # The edit form replaces the links: the rollup key result instead of the objective.
        edit = {
            "csrf_token": _csrf(page),
            "action": "save",
            "title": "Serving objective",
            "description": "",
            "type": "committed",
            "state": "active",
            "contributes_to_shown": "1",
            "contributes_to": [f"kr:{rollup['id']}"],
        }
        saved = browser.post(f"/objectives/{serving['id']}/edit", data=edit)
        assert saved.status_code == 303, saved.text
        with live.client("admin") as http:
            now = http.get(f"/objectives/{serving['id']}").json()
        assert (now["contributes_to"], now["contributes_to_key_results"]) == ([], [rollup["id"]])
        # A refused link shows beside the select, with what was chosen kept.
        refused = browser.post(
            f"/objectives/{serving['id']}/edit",
            data=edit | {"contributes_to": [f"o:{serving['id']}", f"kr:{rollup['id']}"]},
        )
        assert refused.status_code == 422
        assert 'id="edit-contributes-to-error"' in refused.text
        assert "it cannot contribute to itself" in refused.text
        assert f'<option value="o:{serving["id"]}"' not in refused.text  # not offered: itself
        # None chosen clears them.
        cleared = browser.post(
            f"/objectives/{serving['id']}/edit",
            data={k: v for k, v in edit.items() if k != "contributes_to"},
        )
        assert cleared.status_code == 303
    with live.client("admin") as http:
        after = http.get(f"/objectives/{serving['id']}").json()
    assert (after["contributes_to"], after["contributes_to_key_results"]) == ([], [])
