"""Property: the workspace document and the API keep one set of field rules.

Field values are drawn around their limits (lengths up to the limit + 5, any Unicode with a
NUL or a lone surrogate now and then, link schemes, numbers near their bounds). Whatever the
document check accepts, the database stores on SQLite and PostgreSQL (the import succeeds),
and the API accepts the same values over HTTP; whatever it refuses, the API refuses naming
the same fields, and so does the import.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fixed_time import NOW, clock
from headway.config import load_settings
from headway.domain.errors import ValidationFailed
from headway.domain.validation.limits import (
    MAX_CATEGORY,
    MAX_EMAIL,
    MAX_LINK,
    MAX_MAGNITUDE,
    MAX_NOTE,
    MAX_PERIOD_NAME,
    MAX_TITLE,
    MAX_UNIT_LABEL,
)
from headway.services.documents.document import parse_document
from headway.services.documents.imports import check_document, document_today, import_workspace
from headway.store.uow import UnitOfWork, make_uow

# Names and addresses the live server's rows hold already: a clash is not a field rule.
TAKEN = {"Example Co", "Other Co", "2026-Q4", "2026", "ceo@example.com"}
# A key result's document names, where the API's differ.
KEY_RESULT_NAMES = {"start": "start_value", "target": "target_value"}

pieces = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\ud800", " ", "\x1f", "é", "😀", "İ", "\u3000"]),
    ),
    min_size=1,
    max_size=6,
)


@st.composite
def texts(draw: st.DrawFn, limit: int) -> str:
    """Text a few characters long, or within a few characters of `limit`."""
    length = draw(st.one_of(st.integers(0, 3), st.integers(limit - 3, limit + 5)))
    return (draw(pieces) * length)[:length]


@st.composite
def links(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https://", "http://", "HTTPS://", "javascript:", "ftp://"]))
    return draw(st.just("") | texts(MAX_LINK - len(scheme)).map(lambda rest: scheme + rest))


numbers = st.one_of(
    st.sampled_from([0, 1, -1, 0.5, MAX_MAGNITUDE, -MAX_MAGNITUDE, MAX_MAGNITUDE + 2]),
    st.floats(-2 * MAX_MAGNITUDE, 2 * MAX_MAGNITUDE, allow_nan=False),
)
values = st.fixed_dictionaries(
    {
        "workspace": texts(MAX_TITLE),
        "kpi": st.fixed_dictionaries(
            {
                "name": texts(MAX_TITLE),
                "description": texts(MAX_NOTE),
                "category": texts(MAX_CATEGORY),
                "unit_label": texts(MAX_UNIT_LABEL),
                "target": numbers,
            }
        ),
        "key_result": st.fixed_dictionaries(
            {
                "title": texts(MAX_TITLE),
                "unit_label": texts(MAX_UNIT_LABEL),
                "start": numbers,
                "target": numbers,
            }
        ),
        "initiative": st.fixed_dictionaries({"title": texts(MAX_TITLE), "link": links()}),
        "period": st.fixed_dictionaries({"name": texts(MAX_PERIOD_NAME)}),
        "person": st.fixed_dictionaries(
            {
                "name": texts(MAX_TITLE),
                "email": texts(MAX_EMAIL - len("@example.com")).map(
                    lambda local: local + "@example.com"
                ),
            }
        ),
    }
)
VALID: dict[str, Any] = {
    "workspace": "Property Co",
    "kpi": {"name": "NPS", "description": "", "category": "", "unit_label": "", "target": 50},
    "key_result": {"title": "Reply sooner", "unit_label": "min", "start": 60, "target": 30},
    "initiative": {"title": "Hire", "link": "https://wiki.example.com"},
    "period": {"name": "Property period"},
    "person": {"name": "Pat", "email": "pat@example.com"},
}


def _document(given: dict[str, Any]) -> dict[str, Any]:
    """A document of one of each: the given values, and valid ones for everything else."""
    v = VALID | given
    return {
        "workspace": v["workspace"],
        "units": [{"key": "co", "name": "Co", "kind": "company"}],
        "people": [{"key": "p", "role": "member", **v["person"]}],
        "periods": [
            {"name": "2026-Q4", "kind": "custom", "start": "2026-10-01", "end": "2026-12-31"},
            {"kind": "custom", "start": "2026-10-01", "end": "2026-12-31", **v["period"]},
        ],
        "kpis": [
            {
                "key": "k",
                "owner_unit": "co",
                "direction": "higher_is_better",
                "cadence": "monthly",
                "aggregation": "last",
                **v["kpi"],
            }
        ],
        "objectives": [
            {
                "key": "o",
                "title": "Delight customers",
                "period": "2026-Q4",
                "owner_unit": "co",
                "key_results": [
                    {
                        "key": "kr",
                        "kind": "metric",
                        **v["key_result"],
                        "initiatives": [v["initiative"]],
                    }
                ],
            }
        ],
    }


def _refused_fields(document: dict[str, Any], entity: str = "") -> set[str]:
    """The fields the document check refuses, named as the API names the entity's fields."""
    try:
        doc = parse_document(document)
    except ValidationFailed as exc:
        problems = exc.problems
    else:
        problems = check_document(doc, document_today(doc, NOW))
    renamed = KEY_RESULT_NAMES if entity == "key_result" else {}
    names = {p.field.rsplit(".", 1)[-1] for p in problems}
    return {renamed.get(name, name) for name in names}


def _send(http: httpx.Client, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
    # json.dumps escapes a lone surrogate, which httpx's own encoder refuses to send.
    content = json.dumps(body)
    return http.request(method, path, content=content, headers={"content-type": "application/json"})


def _api_fields(answer: httpx.Response) -> set[str]:
    """The fields the API refused (none when it accepted)."""
    if answer.status_code in (200, 201):
        return set()
    assert answer.status_code == 422, answer.text
    return {error["field"] for error in answer.json()["errors"]}


class Api:
    """Writes over HTTP as Example Co's admin."""

    def __init__(self, live: Any, http: httpx.Client) -> None:
        self.live, self.http = live, http
        self.objective = live.ids["objective:cx"]
        # Periods and people have unique names and emails: one of each is made, then renamed.
        self.key_result = self._made(self.write("key_result", VALID["key_result"]))
        self.period = self._made(self.write("period", VALID["period"], new=True))
        self.person = self._made(self.write("person", VALID["person"], new=True))

    @staticmethod
    def _made(answer: httpx.Response) -> int:
        assert answer.status_code == 201, answer.text
        return int(answer.json()["id"])

    def write(self, entity: str, given: dict[str, Any], *, new: bool = False) -> httpx.Response:
        """Send one entity's values where the API takes them."""
        if entity == "kpi":
            body = given | {"owner_unit_id": self.live.ids["unit:co"], "cadence": "monthly"}
            body |= {"direction": "higher_is_better", "aggregation": "last"}
            return _send(self.http, "POST", "/kpis", body)
        if entity == "key_result":
            body = {KEY_RESULT_NAMES.get(name, name): value for name, value in given.items()}
            path = f"/objectives/{self.objective}/key-results"
            return _send(self.http, "POST", path, body | {"kind": "metric"})
        if entity == "initiative":
            return _send(self.http, "POST", f"/key-results/{self.key_result}/initiatives", given)
        if entity == "period" and new:
            dates = {"kind": "custom", "start_date": "2026-10-01", "end_date": "2026-12-31"}
            return _send(self.http, "POST", "/periods", given | dates)
        if entity == "period":
            return _send(self.http, "PATCH", f"/periods/{self.period}", given)
        assert entity == "person", entity
        if new:
            return _send(self.http, "POST", "/people", given | {"role": "member"})
        return _send(self.http, "PATCH", f"/people/{self.person}", given)


@pytest.fixture(scope="module")
def api(live: Any) -> Iterator[Api]:
    with live.client("admin") as http:
        yield Api(live, http)


@pytest.fixture(scope="module")
def store(live: Any) -> Iterator[UnitOfWork]:
    uow = make_uow(load_settings(database_url=live.database_url))
    yield uow
    uow.engine.dispose()


# The fields drawn for each entity, one at a time (a metric's start and target together:
# they are checked against each other), the entity's other fields kept valid.
FIELDS: dict[str, list[tuple[str, ...]]] = {
    "kpi": [("name",), ("description",), ("category",), ("unit_label",), ("target",)],
    "key_result": [("title",), ("unit_label",), ("start", "target")],
    "initiative": [("title",), ("link",)],
    "period": [("name",)],
    "person": [("name",), ("email",)],
}


@settings(max_examples=15, deadline=None)
@given(drawn=values)
def test_what_the_document_accepts_the_store_and_the_api_accept(
    drawn: dict[str, Any], api: Api, store: UnitOfWork
) -> None:
    names = {drawn["workspace"], drawn["period"]["name"], drawn["person"]["email"].lower()}
    assume(not {name.strip() for name in names} & TAKEN)
    accepted: dict[str, Any] = {entity: dict(VALID[entity]) for entity in FIELDS}
    for entity, groups in FIELDS.items():
        for group in groups:
            values_of_group = {name: drawn[entity][name] for name in group}
            given = VALID[entity] | values_of_group
            refused = _refused_fields(_document({entity: given}), entity)
            assert _api_fields(api.write(entity, given)) == refused, (entity, group)
            if not refused:
                accepted[entity] |= values_of_group
    workspace = {"workspace": drawn["workspace"]}
    if not _refused_fields(_document(workspace)):
        accepted |= workspace
    # Every value the check accepted, in one document: the database must hold them all.
    document = _document(accepted)
    assert _refused_fields(document) == set()
    result = import_workspace(store, document, actor_label="test", clock=clock, replace=True)
    assert result.counts["initiatives"] == 1
    if accepted != drawn:
        with pytest.raises(ValidationFailed):
            import_workspace(store, _document(drawn), actor_label="test", clock=clock)
