"""Text that breaks things, over real HTTP on SQLite and PostgreSQL (issue 9, finding 6).

One rule for text (domain/validation/fields.py) stands behind every write: no NUL or other
control character (newlines and tabs only in notes and descriptions), no lone surrogate, no
bidirectional override or isolate; titles and names on one line with a visible character.
Each refusal is a 422 naming the field, and the value is stored nowhere: at the end of the
module no text column of any table holds a refused character, so the documented move from
SQLite to PostgreSQL (backup, restore) can never meet a NUL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from markdown_it import MarkdownIt
from objective_rows import database as _db

from headway.store.tables import metadata

# Each refused because of what it holds, whichever field it is sent in.
ANYWHERE = {
    "NUL": "Launch\x00v2",
    "escape sequence": "Clear\x1b[2J screen",
    "bell": "Ding\x07",
    "C1 control": "CSI\x9bx",
    "right-to-left override": "Invoice \u202egnp.exe",
    "left-to-right isolate": "Pay \u2066evil\u2069",
}
# Refused in a title or a name, kept in a note or a description.
IN_TITLES = {
    "newline": "Grow\n# Injected heading",
    "CRLF": "Grow\r\n[link](https://evil.example)",
    "tab": "Grow\tfast",
    "line separator": "Grow\u2028fast",
    "zero-width spaces only": "\u200b\u200b\u200b",
    "zero-width joiners and a no-break space": "\u200d\u00a0\u200d",
    "Hangul fillers": "\u3164\u3164",
    "word joiner and BOM": "\u2060\ufeff",
}
REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

Write = Callable[[Any, httpx.Client, str], httpx.Response]


def _objective(live: Any, http: httpx.Client, title: str, description: str = "") -> httpx.Response:
    body = {
        "title": title,
        "description": description,
        "period_id": live.ids["period:2026-Q4"],
        "owner_unit_id": live.ids["unit:sales"],
    }
    return http.post("/objectives", json=body)


def _one_field(
    method: str, field: str, path: str, key: str | None = None, **rest: Any
) -> tuple[str, Write]:
    """The field and a write that sends it alone (with `rest`) to `path`, whose `{}` is the id of
    the seeds' row `key`."""

    def write(live: Any, http: httpx.Client, text: str) -> httpx.Response:
        where = path.format(live.ids[key]) if key else path
        return http.request(method, where, json={field: text, **rest})

    return field, write


# Where a title or name goes in: (field the API names, the write).
TITLE_WRITES: dict[str, tuple[str, Write]] = {
    "objective title": ("title", lambda live, http, text: _objective(live, http, text)),
    "objective title, changed": _one_field("PATCH", "title", "/objectives/{}", "objective:revenue"),
    "key result title": _one_field(
        "POST",
        "title",
        "/objectives/{}/key-results",
        "objective:revenue",
        kind="metric",
        start_value=0,
        target_value=5,
    ),
    "initiative title": _one_field(
        "POST", "title", "/key-results/{}/initiatives", "key_result:deals"
    ),
    "person name": _one_field(
        "POST", "name", "/people", email="new.hire@example.com", role="member"
    ),
    "unit name": _one_field("PATCH", "name", "/units/{}", "unit:marketing"),
    "KPI name": _one_field("PATCH", "name", "/kpis/{}", "kpi:traffic"),
    "KPI category": _one_field("PATCH", "category", "/kpis/{}", "kpi:traffic"),
    "period name": _one_field(
        "POST", "name", "/periods", kind="custom", start_date="2027-01-04", end_date="2027-02-05"
    ),
    "token name": _one_field("POST", "name", "/tokens"),
}
# Where a note or description goes in.
NOTE_WRITES: dict[str, tuple[str, Write]] = {
    "objective description": (
        "description",
        lambda live, http, text: _objective(live, http, "Notes hold lines", text),
    ),
    "check-in note": _one_field(
        "POST", "note", "/key-results/{}/check-ins", "key_result:qbrs", value=3
    ),
    "KPI description": _one_field("PATCH", "description", "/kpis/{}", "kpi:traffic"),
}


def _send(http: httpx.Client, method: str, path: str, body: Any) -> httpx.Response:
    # json.dumps escapes what httpx's own encoder may refuse to send (a lone surrogate).
    content = json.dumps(body)
    return http.request(method, path, content=content, headers={"content-type": "application/json"})


def _refused(answer: httpx.Response, field: str) -> str:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    errors = answer.json()["errors"]
    assert [e["field"] for e in errors] == [field], errors
    return str(errors[0]["message"])


@pytest.mark.parametrize("write", TITLE_WRITES)
@pytest.mark.parametrize("hostile", [*ANYWHERE, *IN_TITLES])
def test_a_title_or_name_holding_what_the_rule_refuses_is_a_422_naming_the_field(
    live: Any, write: str, hostile: str
) -> None:
    field, send = TITLE_WRITES[write]
    text = ANYWHERE.get(hostile) or IN_TITLES[hostile]
    with live.client("admin") as http:
        message = _refused(send(live, http, text), field)
    if hostile in ANYWHERE:
        assert "must not contain" in message
    elif "only" in hostile or "fillers" in hostile or "joiner" in hostile:
        assert message in (
            "must hold a visible character, not only invisible ones",
            "must be empty or hold a visible character",
        )
    else:
        assert message == "must be a single line (no line breaks or tabs)"


@pytest.mark.parametrize("write", NOTE_WRITES)
@pytest.mark.parametrize("hostile", ANYWHERE)
def test_a_note_holding_a_control_or_override_character_is_a_422_naming_the_field(
    live: Any, write: str, hostile: str
) -> None:
    field, send = NOTE_WRITES[write]
    with live.client("admin") as http:
        assert "must not contain" in _refused(send(live, http, ANYWHERE[hostile]), field)


def test_notes_keep_their_lines_and_tabs(live: Any) -> None:
    note = "First line\n\tindented\r\nlast line"
    with live.client("admin") as http:
        made = _objective(live, http, "Notes keep lines", note)
        assert made.status_code == 201, made.text
        assert made.json()["description"] == note
        assert http.delete(f"/objectives/{made.json()['id']}").status_code == 204


@pytest.mark.parametrize(
    "title",
    [
        "\u05d4\u05d2\u05d3\u05dc\u05ea \u05de\u05db\u05d9\u05e8\u05d5\u05ea\u200f 2027",  # RLM
        "\u0646\u0645\u0648 \u0627\u0644\u0645\u0628\u064a\u0639\u0627\u062a",
        "Ship \U0001f468\u200d\U0001f469\u200d\U0001f467 features",  # a ZWJ emoji sequence
        "\u200bZero-width inside is fine\u200b",
        "# x [a](b) | *y*",
    ],
)
def test_titles_in_any_script_with_visible_characters_are_accepted(live: Any, title: str) -> None:
    with live.client("admin") as http:
        made = _objective(live, http, title)
        assert made.status_code == 201, made.text
        assert made.json()["title"] == title.strip()
        assert http.delete(f"/objectives/{made.json()['id']}").status_code == 204


def test_a_lone_surrogate_in_a_title_is_a_422_not_a_500(live: Any) -> None:
    body = {
        "title": "a\ud800b",
        "period_id": live.ids["period:2026-Q4"],
        "owner_unit_id": live.ids["unit:sales"],
    }
    with live.client("admin") as http:
        message = _refused(_send(http, "POST", "/objectives", body), "title")
        assert message == "must be Unicode text (it holds a lone surrogate)"
        changed = _send(
            http, "PATCH", f"/people/{live.ids['person:auditor']}", {"name": "\udfffObserver"}
        )
        _refused(changed, "name")


def test_a_markdown_report_shows_a_title_with_markdown_syntax_as_text(live: Any) -> None:
    title = "# x [a](b) | *y* ~~z~~ <b>"
    with live.client("admin") as http:
        made = _objective(live, http, title)
        assert made.status_code == 201, made.text
        report = http.get(f"/reports/period/{live.ids['period:2026-Q4']}", params={"format": "md"})
        assert http.delete(f"/objectives/{made.json()['id']}").status_code == 204
    assert report.status_code == 200, report.text
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(report.text)
    assert "<a " not in html and "<em>" not in html and "<s>" not in html and "<b>" not in html
    # The objective's heading holds its title as written, and no heading more comes of it.
    assert "<h3># x [a](b) | *y* ~~z~~ &lt;b&gt; — " in html
    assert "<h1>x" not in html and "<h1># x" not in html


def test_a_spreadsheet_note_holding_what_the_rule_refuses_is_a_422_naming_the_row(
    live: Any,
) -> None:
    kpi = live.ids["kpi:traffic"]
    csv = (
        "at,value,note\n"
        "2026-11-02,10,fine\n"
        '2026-11-03,11,"Clear\x1b[2J"\n'
        '2026-11-04,12,"Pay \u202eevil"\n'
        '2026-11-05,13,"two\nlines"\n'
    )
    with live.client("admin") as http:
        before = http.get(f"/kpis/{kpi}/measurements").json()["items"]
        answer = http.post(
            f"/kpis/{kpi}/measurements/import",
            content=csv.encode(),
            headers={"content-type": "text/csv"},
        )
        assert answer.status_code == 422, answer.text
        assert [e["field"] for e in answer.json()["errors"]] == ["row 3.note", "row 4.note"]
        assert http.get(f"/kpis/{kpi}/measurements").json()["items"] == before


def test_no_refused_character_was_stored_anywhere(live: Any) -> None:
    """Last in the module: whatever the tests above sent, no text column holds it."""
    engine = _db(live)
    found = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String)]
            if not columns:
                continue
            for row in conn.execute(sa.select(*columns)):
                found += [
                    (table.name, value)
                    for value in row
                    if isinstance(value, str) and REFUSED_CHARACTERS.search(value)
                ]
    engine.dispose()
    assert found == []
