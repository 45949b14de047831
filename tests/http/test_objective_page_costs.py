"""The objective page and its forms compute the period once, over real HTTP on both databases.

The period report is the page's whole cost on a large company, so a form that computed it to
check its input and again for its answer paid twice; and the page shows no coaching findings,
so it skips the coaching. The server's cache of period reports counts what it did (reports
computed, coached, served warm: counts, not timings), so the server runs in this process:
`create_app` on the seeded database, served by uvicorn on a socket of its own, as `headway
serve` does, and the tests read the statistics of the cache the app holds.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from headway.services.reads.warm_reports import CacheStats, WarmReports
from headway.web.ui import context
from headway.web.ui.context import FRAGMENT_HEADER
from live_server import served_here, signed_in_browser

PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password
_n = itertools.count()


@pytest.fixture(scope="module")
def served(live: Any) -> Iterator[tuple[str, WarmReports]]:
    with served_here(live.database_url) as (base_url, app):
        yield base_url, app.state.warm_reports


@pytest.fixture(scope="module")
def here(served: tuple[str, WarmReports]) -> str:
    return served[0]


@pytest.fixture
def counted(
    served: tuple[str, WarmReports],
) -> Callable[[Callable[[], httpx.Response]], tuple[httpx.Response, CacheStats]]:
    """The answer of an action, and what the server's report cache did while it was made."""
    warm = served[1]

    def count(action: Callable[[], httpx.Response]) -> tuple[httpx.Response, CacheStats]:
        before = warm.stats
        answer = action()
        return answer, warm.stats.since(before)

    return count


Counted = Callable[[Callable[[], httpx.Response]], tuple[httpx.Response, CacheStats]]


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


@pytest.fixture
def signed_in(live: Any, here: str) -> Iterator[httpx.Client]:
    """A browser-like client of the in-process server, signed in as a new admin."""
    email = f"costs-{next(_n)}@example.com"
    live.new_person("Costs", email, "admin", PASSWORD)
    with signed_in_browser(here, email, PASSWORD) as browser:
        yield browser


def _objective(live: Any) -> tuple[int, int]:
    """An objective of the seeds with key results, and its first key result."""
    with live.client("admin") as admin:
        items = admin.get("/objectives", params={"limit": 100}).json()["items"]
    chosen = next(o for o in items if o["key_results"])
    return chosen["id"], chosen["key_results"][0]["id"]


def _other_objective(live: Any, objective_id: int) -> int:
    """Another objective of the seeds than `objective_id`."""
    with live.client("admin") as admin:
        items = admin.get("/objectives", params={"limit": 100}).json()["items"]
    return int(next(o["id"] for o in items if o["id"] != objective_id))


@pytest.fixture
def form_page(live: Any, signed_in: httpx.Client) -> tuple[int, int, str]:
    """An objective with key results, its first key result, and the CSRF token of its page."""
    objective_id, kr_id = _objective(live)
    return objective_id, kr_id, _csrf(signed_in.get(f"/objectives/{objective_id}"))


def test_the_objective_page_computes_its_period_once_without_coaching_then_serves_it_warm(
    live: Any, signed_in: httpx.Client, counted: Counted
) -> None:
    objective_id, _ = _objective(live)
    # Signing in a new person was a write: the period is computed again, once, uncoached.
    page, did = counted(lambda: signed_in.get(f"/objectives/{objective_id}"))
    assert page.status_code == 200
    assert did == CacheStats(computed=1)

    # Nothing written since: the same report, served as kept.
    again, did = counted(lambda: signed_in.get(f"/objectives/{objective_id}"))
    assert again.status_code == 200
    assert did == CacheStats(served_warm=1)


def test_the_objective_page_renders_each_person_s_owner_option_once_for_all_its_pickers(
    live: Any, signed_in: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every person is an option of each key result's owner picker and of the new key
    result's: rendered once for them all, not once a picker (a company's people times its
    key results)."""
    rendered: Counter[tuple[str, str]] = Counter()
    option = context._option

    def counted_option(value: object, label: object, selected: str = "") -> str:
        rendered[str(value), str(label)] += 1
        return option(value, label, selected)

    monkeypatch.setattr(context, "_option", counted_option)
    objective_id, _ = _objective(live)
    with live.client("admin") as admin:
        people = admin.get("/people", params={"limit": 100}).json()["items"]
        key_results = admin.get(f"/objectives/{objective_id}").json()["key_results"]
    page = signed_in.get(f"/objectives/{objective_id}")
    assert page.status_code == 200
    pickers = len(key_results) + 1
    for person in people:
        assert page.text.count(f'<option value="{person["id"]}"') >= pickers, person["name"]
        assert rendered[str(person["id"]), person["name"]] == 1, person["name"]


def test_adding_and_changing_an_initiative_computes_no_figure_again(
    live: Any, signed_in: httpx.Client, form_page: tuple[int, int, str], counted: Counted
) -> None:
    objective_id, kr_id, csrf = form_page
    fragment = {FRAGMENT_HEADER: "1"}
    title = f"Initiative {next(_n)}"
    add = f"/objectives/{objective_id}/key-results/{kr_id}/initiatives"

    # The page's script asks for the changed part: one report, for the answer. No figure
    # reads initiatives, so the write moved the revision on but the report kept for the
    # page (form_page showed it) is served as it was.
    added, did = counted(
        lambda: signed_in.post(add, data={"csrf_token": csrf, "title": title}, headers=fragment)
    )
    assert added.status_code == 200, added.text
    assert title in added.text
    assert did == CacheStats(served_warm=1)

    # Without a script the answer is a redirect: no report at all.
    redirected, did = counted(
        lambda: signed_in.post(add, data={"csrf_token": csrf, "title": title + " again"})
    )
    assert redirected.status_code == 303
    assert did.requested == 0

    # A refused form shows the page again with its errors: one report, warm.
    refused, did = counted(
        lambda: signed_in.post(
            add, data={"csrf_token": csrf, "title": "", "due_date": "not a day"}, headers=fragment
        )
    )
    assert refused.status_code == 422
    assert did == CacheStats(served_warm=1)

    with live.client("admin") as admin:
        listed = admin.get(f"/key-results/{kr_id}/initiatives")
        initiative_id = next(i["id"] for i in listed.json()["items"] if i["title"] == title)
    change = f"/objectives/{objective_id}/initiatives/{initiative_id}"
    changed, did = counted(
        lambda: signed_in.post(
            change, data={"csrf_token": csrf, "status": "in_progress"}, headers=fragment
        )
    )
    assert changed.status_code == 200, changed.text
    assert did == CacheStats(served_warm=1)


def test_an_initiative_form_of_another_objective_is_not_found_and_computes_nothing(
    live: Any, signed_in: httpx.Client, form_page: tuple[int, int, str], counted: Counted
) -> None:
    objective_id, kr_id, csrf = form_page
    other = _other_objective(live, objective_id)
    forms = {
        f"/objectives/{other}/key-results/{kr_id}/initiatives": {"title": "Not here"},
        f"/objectives/{other}/initiatives/999999": {"status": "done"},
    }
    for path, fields in forms.items():
        missing, did = counted(
            lambda: signed_in.post(path, data={"csrf_token": csrf} | fields)  # noqa: B023
        )
        assert missing.status_code == 404, path
        assert did.requested == 0, path


def test_editing_a_key_result_computes_the_period_only_to_show_a_refusal(
    live: Any, signed_in: httpx.Client, form_page: tuple[int, int, str], counted: Counted
) -> None:
    objective_id, kr_id, csrf = form_page
    with live.client("admin") as admin:
        kr = admin.get(f"/key-results/{kr_id}").json()
    fields = {
        "csrf_token": csrf,
        "title": kr["title"] + " (edited)",
        "unit_label": kr.get("unit_label") or "",
        "start_value": "" if kr.get("start_value") is None else str(kr["start_value"]),
        "target_value": "" if kr.get("target_value") is None else str(kr["target_value"]),
        "weight": str(kr.get("weight") or 1),
        "owner_id": "" if kr.get("owner_id") is None else str(kr["owner_id"]),
    }
    edit = f"/objectives/{objective_id}/key-results/{kr_id}/edit"
    saved, did = counted(lambda: signed_in.post(edit, data=fields))
    assert saved.status_code == 303, saved.text
    assert did.requested == 0
    with live.client("admin") as admin:
        assert admin.get(f"/key-results/{kr_id}").json()["title"] == fields["title"]

    refused, did = counted(lambda: signed_in.post(edit, data=fields | {"title": ""}))
    assert refused.status_code == 422
    assert did.requested == 1

    other = _other_objective(live, objective_id)
    missing, did = counted(
        lambda: signed_in.post(f"/objectives/{other}/key-results/{kr_id}/edit", data=fields)
    )
    assert missing.status_code == 404
    assert did.requested == 0
