"""Writers who meet: concurrent requests over real HTTP, on SQLite and PostgreSQL.

Each round sends its requests from threads released together on a barrier, over connections
already open, so that they reach the server at once; the server serves them on threads of its
own. Rounds repeat enough for a race that is not prevented to show (on PostgreSQL, before the
row locks, nearly every round lost a change). What must hold: no change is lost, the rules
that span rows (an active admin, alignment is a tree, one email once) hold, and a request
that loses a race is answered 4xx naming the field, never 500.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import sqlalchemy as sa
from objective_rows import database, new_objective

from headway.store import tables as t

ROUNDS = 20
_n = itertools.count()


def _race(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Run the calls on threads released together; their answers, in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[httpx.Response | None] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(i: int, call: Callable[[], httpx.Response]) -> None:
        try:
            barrier.wait(timeout=30)
            answers[i] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return [a for a in answers if a is not None]


@contextmanager
def _clients(live: Any, *tokens: str) -> Iterator[list[httpx.Client]]:
    """One API client per token, each with its connection already open (a first request
    made), so a round's requests are not held up by connecting."""
    with ExitStack() as stack:
        clients = []
        for token in tokens:
            client = stack.enter_context(
                httpx.Client(
                    base_url=live.base_url + "/api/v1",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
            )
            assert client.get("/units", params={"limit": 1}).status_code == 200
            clients.append(client)
        yield clients


def _never_500(answers: list[httpx.Response]) -> None:
    for answer in answers:
        assert answer.status_code < 500, answer.text


def test_two_people_changing_two_fields_at_once_both_keep_their_change(live: Any) -> None:
    with live.client("admin") as admin:
        objective = new_objective(live, admin, title="Edited by two people at once")
    path = f"/objectives/{objective['id']}"
    with _clients(live, live.tokens["admin"], live.tokens["sales_member"]) as (one, other):
        for i in range(ROUNDS):
            answers = _race(
                lambda i=i: one.patch(path, json={"title": f"Title {i}"}),
                lambda i=i: other.patch(path, json={"description": f"Description {i}"}),
            )
            _never_500(answers)
            assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
            stored = one.get(path).json()
            assert (stored["title"], stored["description"]) == (f"Title {i}", f"Description {i}")


def _active_admins(live: Any, workspace_name: str) -> int:
    p = t.person.c
    engine = database(live)
    try:
        with engine.connect() as conn:
            workspace_id = conn.execute(
                sa.select(t.workspace.c.id).where(t.workspace.c.name == workspace_name)
            ).scalar_one()
            q = sa.select(sa.func.count()).where(
                p.workspace_id == workspace_id, p.role == "admin", p.active.is_(True)
            )
            return int(conn.execute(q).scalar_one())
    finally:
        engine.dispose()


def test_two_admins_demoting_each_other_at_once_leave_an_admin(live: Any) -> None:
    # Other Co has one admin; a second one is added, and each round the two demote each other.
    with live.client("other_admin") as ceo:
        people = ceo.get("/people", params={"limit": 100}).json()["items"]
        ceo_id = next(p["id"] for p in people if p["email"] == "ceo@other.example")
        email = f"second-admin-{next(_n)}@other.example"
        made = ceo.post("/people", json={"name": "Second", "email": email, "role": "admin"})
        assert made.status_code == 201, made.text
        second_id = made.json()["id"]
    second_token = live.new_token(email, "Other Co")
    with _clients(live, live.tokens["other_admin"], second_token) as (first, second):
        for _ in range(ROUNDS):
            answers = _race(
                lambda: first.patch(f"/people/{second_id}", json={"role": "member"}),
                lambda: second.patch(f"/people/{ceo_id}", json={"role": "member"}),
            )
            _never_500(answers)
            assert _active_admins(live, "Other Co") == 1, [a.text for a in answers]
            # The one who went second is no longer an admin (403) or would leave none (409).
            statuses = sorted(a.status_code for a in answers)
            assert statuses[0] == 200 and statuses[1] in (403, 409), [a.text for a in answers]
            # Two admins again for the next round.
            if answers[1].status_code == 200:
                assert second.patch(f"/people/{ceo_id}", json={"role": "admin"}).status_code == 200
            assert first.patch(f"/people/{second_id}", json={"role": "admin"}).status_code == 200
        gone = first.patch(f"/people/{second_id}", json={"role": "member", "active": False})
        assert gone.status_code == 200, gone.text
    assert _active_admins(live, "Other Co") == 1


def _parents(live: Any, *objective_ids: int) -> dict[int, int | None]:
    o = t.objective.c
    engine = database(live)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(o.id, o.parent_id).where(o.id.in_(objective_ids)))
            return {row.id: row.parent_id for row in rows}
    finally:
        engine.dispose()


def test_two_realignments_at_once_never_make_a_cycle(live: Any) -> None:
    token = live.tokens["admin"]
    with _clients(live, token, token) as (one, other):
        for i in range(ROUNDS):
            a = new_objective(live, one, title=f"Aligned A {i}")["id"]
            b = new_objective(live, one, title=f"Aligned B {i}")["id"]
            answers = _race(
                lambda a=a, b=b: one.patch(f"/objectives/{a}", json={"parent_id": b}),
                lambda a=a, b=b: other.patch(f"/objectives/{b}", json={"parent_id": a}),
            )
            _never_500(answers)
            parents = _parents(live, a, b)
            assert not (parents[a] == b and parents[b] == a), [x.text for x in answers]
            statuses = sorted(x.status_code for x in answers)
            assert statuses == [200, 422], [x.text for x in answers]
            refused = next(x for x in answers if x.status_code == 422)
            assert [e["field"] for e in refused.json()["errors"]] == ["parent_id"]


def test_one_email_added_six_times_at_once_is_added_once(live: Any) -> None:
    token = live.tokens["admin"]
    with _clients(live, *[token] * 6) as clients:
        for _ in range(ROUNDS):
            body = {"name": "Twin", "email": f"twin-{next(_n)}@example.com", "role": "member"}
            answers = _race(*[lambda c=c, b=body: c.post("/people", json=b) for c in clients])
            _never_500(answers)
            statuses = sorted(a.status_code for a in answers)
            assert statuses == [201] + [409] * 5, [a.text for a in answers]
            for refused in (a for a in answers if a.status_code == 409):
                assert refused.headers["content-type"].startswith("application/problem+json")
                assert [e["field"] for e in refused.json()["errors"]] == ["email"]
