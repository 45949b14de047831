"""Hostile uploads and bodies over real HTTP: refused before they are read, or while they
are read, with a short answer naming the limit, in bounded memory and CPU of the server.

The server is a real `headway serve` process; its memory is read from /proc (VmHWM, the peak
resident memory, reset before each request) and its CPU time from /proc/<pid>/stat.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from typing import Any
from urllib.parse import urlsplit

import pytest

import hostile_files
from live_server import cpu_seconds, memory_now, memory_peak, reset_memory_peak, server_pid

MB = 2**20
# What one request may add to the server's memory (the issue: under 200 MB above idle).
MEMORY_BUDGET = 200 * MB
# A refusal is a few hundred bytes; a capped list of problems a few tens of kilobytes.
SHORT = 4 * 1024


class Measured:
    """The server's peak memory above what it used before, around one request."""

    def __init__(self, live: Any) -> None:
        self.pid = server_pid(live.base_url)

    def __enter__(self) -> Measured:
        reset_memory_peak(self.pid)
        self.before = memory_now(self.pid)
        self.cpu_before = cpu_seconds(self.pid)
        return self

    def __exit__(self, *_: object) -> None:
        self.growth = memory_peak(self.pid) - self.before
        self.cpu = cpu_seconds(self.pid) - self.cpu_before


def _post_raw(
    live: Any, path: str, headers: dict[str, str], send_body: Callable[[HTTPConnection], None]
) -> tuple[int, bytes]:
    """POST over a bare connection: the headers, then what `send_body` sends; the answer."""
    where = urlsplit(live.base_url)
    connection = HTTPConnection(where.hostname or "", where.port, timeout=20)
    try:
        connection.putrequest("POST", path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        send_body(connection)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def _post_unfinished(
    live: Any, path: str, headers: dict[str, str], start: bytes, length: int
) -> tuple[int, bytes]:
    """POST announcing `length` bytes of body but sending only `start`: the server must answer
    without waiting for the rest (which never comes), so it cannot have read the body."""
    return _post_raw(
        live, path, headers | {"Content-Length": str(length)}, lambda to: to.send(start)
    )


def _post_chunked(
    live: Any, path: str, headers: dict[str, str], chunk: bytes, chunks: int
) -> tuple[int, bytes]:
    """POST a chunked body (no Content-Length) of `chunks` chunks, then read the answer."""

    def send_chunks(to: HTTPConnection) -> None:
        try:
            for _ in range(chunks):
                to.send(b"%x\r\n%b\r\n" % (len(chunk), chunk))
            to.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: its answer is read below

    return _post_raw(live, path, headers | {"Transfer-Encoding": "chunked"}, send_chunks)


def _bearer(live: Any, actor: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {live.tokens[actor]}"}


def _measurements(live: Any, kpi_id: int) -> list[Any]:
    with live.client("admin") as http:
        answer = http.get(f"/kpis/{kpi_id}/measurements", params={"limit": 500})
        return list(answer.json()["items"])


def _import_path(live: Any) -> str:
    return f"/api/v1/kpis/{live.ids['kpi:reply-time']}/measurements/import"


# --- finding 1: the XLSX zip bomb and ten million empty cells ------------------------------


def test_a_viewer_posting_a_zip_bomb_is_refused_before_the_file_is_read(live: Any) -> None:
    bomb = hostile_files.shared_strings_bomb()
    headers = _bearer(live, "viewer") | {"Content-Type": hostile_files.XLSX}
    with Measured(live) as measured:
        status, body = _post_unfinished(live, _import_path(live), headers, bomb[:4096], len(bomb))
    assert status == 403, body
    assert len(body) < SHORT
    assert measured.growth < 20 * MB
    # The same for every KPI at once, and on the page route's API twin.
    status, _ = _post_unfinished(live, "/api/v1/kpis/import", headers, bomb[:4096], len(bomb))
    assert status == 403


def test_an_editor_posting_a_zip_bomb_is_told_the_limit_in_bounded_memory(live: Any) -> None:
    kpi_id = live.ids["kpi:reply-time"]
    before = _measurements(live, kpi_id)
    with Measured(live) as measured, live.client("support_member") as http:
        answer = http.post(
            f"/kpis/{kpi_id}/measurements/import",
            content=hostile_files.shared_strings_bomb(),
            headers={"content-type": hostile_files.XLSX},
        )
    assert answer.status_code == 422, answer.text
    assert len(answer.content) < SHORT
    [problem] = answer.json()["errors"]
    assert problem["field"] == "file"
    assert "inflates to more than 100 MB" in problem["message"]
    assert measured.growth < MEMORY_BUDGET
    assert measured.cpu < 5
    assert _measurements(live, kpi_id) == before


def test_ten_million_empty_cells_are_refused_at_once(live: Any) -> None:
    with Measured(live) as measured, live.client("support_member") as http:
        answer = http.post(
            "/kpis/import",
            content=hostile_files.empty_cells(),
            headers={"content-type": hostile_files.XLSX},
        )
    assert answer.status_code == 422, answer.text
    assert len(answer.content) < SHORT
    assert "inflates more than 100 times" in answer.json()["errors"][0]["message"]
    assert measured.cpu < 5  # it took 80-105 s of CPU before
    assert measured.growth < MEMORY_BUDGET


# --- finding 2: a CSV with millions of columns, a document with millions of bad units -----


def test_a_csv_of_five_million_columns_gets_a_short_answer(live: Any) -> None:
    wide = hostile_files.wide_csv()
    headers = _bearer(live, "viewer") | {"Content-Type": "text/csv"}
    status, _ = _post_unfinished(live, "/api/v1/kpis/import", headers, wide[:4096], len(wide))
    assert status == 403
    with Measured(live) as measured, live.client("support_member") as http:
        answer = http.post("/kpis/import", content=wide, headers={"content-type": "text/csv"})
    assert answer.status_code == 422, answer.text[:1000]
    assert len(answer.content) < SHORT  # 620 MB before
    assert answer.json()["errors"] == [
        {"field": "file", "message": "upload.csv line 1 is longer than 100000 characters"}
    ]
    assert measured.growth < MEMORY_BUDGET


def test_a_csv_with_many_bad_rows_lists_the_first_hundred_problems(live: Any) -> None:
    text = "at,value\n" + "not a date,not a number\n" * 50_000
    with live.client("support_member") as http:
        answer = http.post(
            _import_path(live).removeprefix("/api/v1"),
            content=text.encode(),
            headers={"content-type": "text/csv"},
        )
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert len(errors) == 101
    assert errors[-1] == {"field": "", "message": "and 99900 more problems not listed"}
    assert len(answer.content) < 64 * 1024


def _document_with_bad_units(live: Any, count: int) -> bytes:
    with live.client("admin") as http:
        document = http.get("/export").json()
    document["units"] += [{"key": f"bad-{n}", "name": "", "kind": "nonsense"} for n in range(count)]
    return json.dumps(document).encode()


def test_a_document_with_many_bad_units_gets_capped_problems(live: Any) -> None:
    body = _document_with_bad_units(live, 40_000)
    assert len(body) < 8 * MB
    with Measured(live) as measured, live.client("admin") as http:
        answer = http.post(
            "/import",
            params={"replace": "true", "dry_run": "true"},
            content=body,
            headers={"content-type": "application/json"},
        )
    assert answer.status_code == 422, answer.text[:1000]
    errors = answer.json()["errors"]
    assert len(errors) == 101
    assert errors[-1]["message"].startswith("and ")
    assert errors[-1]["message"].endswith(" more problems not listed")
    assert len(answer.content) < 64 * 1024  # 514 MB before
    assert measured.growth < MEMORY_BUDGET


def test_a_document_of_many_unknown_fields_gets_capped_warnings(live: Any) -> None:
    with live.client("admin") as http:
        document = http.get("/export").json()
        document["units"][0] |= {f"colour_{n}": "red" for n in range(20_000)}
        answer = http.post("/import", params={"replace": "true", "dry_run": "true"}, json=document)
    assert answer.status_code == 200, answer.text[:1000]
    warnings = answer.json()["warnings"]
    assert len(warnings) == 101
    assert warnings[0] == {
        "field": "units[0].colour_0",
        "message": "is not a known field; it was ignored",
    }
    assert warnings[-1] == {"field": "", "message": "and 19900 more problems not listed"}


def test_a_document_past_its_limits_is_refused_naming_them(live: Any) -> None:
    headers = _bearer(live, "admin") | {"Content-Type": "application/json"}
    path = "/api/v1/import?replace=true&dry_run=true"
    status, body = _post_unfinished(live, path, headers, b'{"units": [', 9 * MB)
    assert status == 413
    assert json.loads(body)["detail"] == "a document may be at most 8 MB"
    many = b"[" + b",".join([b"0"] * 600_000) + b"]"
    with live.client("admin") as http:
        answer = http.post(
            "/import",
            params={"replace": "true", "dry_run": "true"},
            content=many,
            headers={"content-type": "application/json"},
        )
        assert answer.status_code == 422
        assert answer.json()["errors"] == [
            {
                "field": "body",
                "message": "holds more than 500000 values (lists, mappings, keys and values)",
            }
        ]
        laughs = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
        answer = http.post(
            "/import",
            params={"replace": "true", "dry_run": "true"},
            content=laughs.encode(),
            headers={"content-type": "application/yaml"},
        )
        assert answer.status_code == 422
        assert "anchors and aliases" in answer.json()["errors"][0]["message"]


def test_a_client_that_sends_all_of_a_large_body_still_reads_the_answer(live: Any) -> None:
    # The server does not close on a refused body (closing on unread data would reset the
    # connection and lose the answer); it drops the rest as it arrives.
    with live.client("admin") as http:
        for _ in range(3):
            answer = http.post(
                "/import",
                params={"replace": "true", "dry_run": "true"},
                content=b" " * (9 * MB),
                headers={"content-type": "application/json"},
            )
            assert answer.status_code == 413
            assert answer.json()["detail"] == "a document may be at most 8 MB"


def test_a_viewer_importing_a_document_is_refused_before_it_is_read(live: Any) -> None:
    headers = _bearer(live, "viewer") | {"Content-Type": "application/json"}
    path = "/api/v1/import?replace=true&dry_run=true"
    status, body = _post_unfinished(live, path, headers, b'{"workspace": "Ex', 5 * MB)
    assert status == 403, body


# --- finding 3: JSON bodies bounded before the token is checked ---------------------------


@pytest.mark.parametrize("token", [False, True])
def test_a_200_mb_body_is_refused_unread_with_or_without_a_token(live: Any, token: bool) -> None:
    headers = {"Content-Type": "application/json"} | (_bearer(live, "admin") if token else {})
    with Measured(live) as measured:
        status, body = _post_unfinished(
            live, "/api/v1/objectives", headers, b'{"title": "', 200 * MB
        )
    assert status == 413
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "Request too large",
        "status": 413,
        "detail": "a request body may be at most 1 MB",
    }
    assert measured.growth < 20 * MB  # 705 MB before


def test_four_200_mb_bodies_at_once_leave_the_memory_flat(live: Any) -> None:
    headers = {"Content-Type": "application/json"}
    start = threading.Barrier(4)

    def post(_: int) -> int:
        start.wait()
        return _post_unfinished(live, "/api/v1/objectives", headers, b"[", 200 * MB)[0]

    with Measured(live) as measured, ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(post, range(4)))
    assert statuses == [413] * 4
    assert measured.growth < 20 * MB  # 1.5 GB before


def test_a_chunked_body_is_refused_once_it_passes_the_limit(live: Any) -> None:
    headers = {"Content-Type": "application/json"}
    with Measured(live) as measured:
        status, body = _post_chunked(live, "/api/v1/objectives", headers, b" " * 65536, 40)
    assert status == 413, body
    assert json.loads(body)["detail"] == "a request body may be at most 1 MB"
    assert measured.growth < 50 * MB


def test_a_body_within_the_limit_still_reaches_the_route(live: Any) -> None:
    with live.client(None) as http:
        answer = http.post("/objectives", content=b"{" + b" " * (MB - 10) + b"}")
    assert answer.status_code == 401
    with live.client("admin") as http:
        answer = http.post("/objectives", json={"title": "x" * 100})
    assert answer.status_code == 422  # no period: the route read and checked the body
    assert isinstance(answer.json()["errors"], list)
