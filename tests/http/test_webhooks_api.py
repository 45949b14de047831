"""Outgoing webhooks over real HTTP: admins make, list and delete them; a write queues its
event in its own transaction; the "webhooks" job posts each body, signed, to a real receiver
on 127.0.0.1, retries what failed after its back-off, and reports a timeout or a refused
connection as a problem line while it goes on with the next delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

import headway
from headway.config import load_settings
from headway.domain.webhooks import WebhookEvent
from headway.services.access.workspaces import resolve_workspace
from headway.services.jobs.registry import JobContext, JobRun, run_job
from headway.services.webhooks import outbox
from headway.store.uow import make_uow
from live_server import signed_in_browser

PROBLEM = "application/problem+json"
HOOK_FIELDS = {"id", "url", "events", "created_by", "created_at", "active"}


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that keeps what it was sent and answers each POST
    with the next of `answers` (then 200), after waiting `delay` seconds."""

    answers: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    url: str = ""


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.received.append((body, {k.lower(): v for k, v in self.headers.items()}))
            time.sleep(receiver.delay)
            status = receiver.answers.pop(0) if receiver.answers else 200
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender gave up waiting

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nobody listens there once it is closed


def _run(live: Any, now: datetime, **settings: Any) -> JobRun:
    """Run the "webhooks" job on the live server's database, as `headway jobs run` does."""
    config = load_settings(database_url=live.database_url, **settings)
    uow = make_uow(config)
    try:
        return run_job("webhooks", JobContext(uow=uow, settings=config, now=now))
    finally:
        uow.engine.dispose()


def _hook(live: Any, **body: Any) -> dict[str, Any]:
    with live.client("admin") as http:
        made = http.post("/webhooks", json=body)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _deliveries(live: Any, hook_id: int) -> list[dict[str, Any]]:
    with live.client("admin") as http:
        got = http.get(f"/webhooks/{hook_id}/deliveries")
    assert got.status_code == 200, got.text
    return list(got.json()["items"])


def _delete(live: Any, hook_id: int) -> None:
    with live.client("admin") as http:
        assert http.delete(f"/webhooks/{hook_id}").status_code == 204


def _signed(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_an_admin_makes_lists_and_deletes_a_webhook_whose_secret_is_shown_once(
    live: Any,
) -> None:
    made = _hook(live, url="https://chat.example/hooks/abc", events=["period.closed"])
    assert set(made) == HOOK_FIELDS | {"secret"}
    assert made["secret"].startswith("whsec_") and len(made["secret"]) > 40
    assert made["events"] == ["period.closed"]
    assert made["created_by"] == live.ids["person:ceo"]
    given = _hook(live, url="http://127.0.0.1:9/x", events=["kpi.alert"], secret="s3cret!")
    assert given["secret"] == "s3cret!"
    with live.client("admin") as http:
        listed = http.get("/webhooks")
        assert listed.status_code == 200, listed.text
        by_id = {h["id"]: h for h in listed.json()["items"]}
        assert by_id[made["id"]] == {k: v for k, v in made.items() if k != "secret"}
        assert made["secret"] not in listed.text and "s3cret!" not in listed.text
        assert http.get(f"/webhooks/{made['id']}/deliveries").json()["items"] == []
        assert http.delete(f"/webhooks/{made['id']}").status_code == 204
        assert http.delete(f"/webhooks/{made['id']}").status_code == 404
        assert http.get(f"/webhooks/{made['id']}/deliveries").status_code == 404
        assert made["id"] not in {h["id"] for h in http.get("/webhooks").json()["items"]}
        audit = http.get("/audit", params={"subject_type": "webhook"})
        assert "s3cret!" not in audit.text
    _delete(live, given["id"])


def test_every_problem_of_a_new_webhook_is_named_with_its_field(live: Any) -> None:
    with live.client("admin") as http:
        bad = http.post(
            "/webhooks", json={"url": "ftp://x.example/", "events": ["kpi.alert", "nope"]}
        )
        assert bad.status_code == 422, bad.text
        assert bad.headers["content-type"].startswith(PROBLEM)
        fields = {e["field"] for e in bad.json()["errors"]}
        assert fields == {"url", "events[1]"}
        long_url = "https://x.example/" + "a" * 2000
        bad = http.post("/webhooks", json={"url": long_url, "events": [], "secret": " "})
        assert bad.status_code == 422, bad.text
        assert {e["field"] for e in bad.json()["errors"]} == {"url", "events", "secret"}
        missing = http.post("/webhooks", json={"url": "https://x.example/"})
        assert missing.status_code == 422, missing.text
        assert "events" in {e["field"] for e in missing.json()["errors"]}
        assert http.get("/webhooks").json()["items"] == []  # nothing was stored


@pytest.mark.parametrize("actor", ["sales_member", "viewer"])
def test_only_admins_may_see_or_touch_webhooks(live: Any, actor: str) -> None:
    made = _hook(live, url="https://chat.example/x", events=["checkin.created"])
    with live.client(actor) as http:
        assert http.get("/webhooks").status_code == 403
        body = {"url": "https://chat.example/y", "events": ["checkin.created"]}
        assert http.post("/webhooks", json=body).status_code == 403
        assert http.delete(f"/webhooks/{made['id']}").status_code == 403
        assert http.get(f"/webhooks/{made['id']}/deliveries").status_code == 403
    with live.client("other_admin") as http:  # another workspace's admin: not theirs
        assert http.delete(f"/webhooks/{made['id']}").status_code == 404
        assert http.get("/webhooks").json()["items"] == []
    _delete(live, made["id"])


def test_a_failed_delivery_is_retried_after_its_back_off_and_then_delivered(live: Any) -> None:
    with receiving(Receiver(answers=[500])) as receiver:
        hook = _hook(live, url=receiver.url, events=["checkin.created"], secret="topsecret")
        other = _hook(live, url=receiver.url, events=["period.closed"])  # not subscribed
        kr = live.ids["key_result:deals"]
        with live.client("admin") as http:
            recorded = http.post(
                f"/key-results/{kr}/check-ins", json={"value": 41, "confidence": 6}
            )
            assert recorded.status_code == 201, recorded.text
            # A refused write queues nothing.
            bad = http.post(f"/key-results/{kr}/check-ins", json={"value": 1, "confidence": 11})
            assert bad.status_code == 422
        [queued] = _deliveries(live, hook["id"])
        assert queued["status"] == "pending" and queued["attempts"] == 0
        assert _deliveries(live, other["id"]) == []

        start = datetime.now(UTC)
        first = _run(live, start)
        assert first.lines == []
        [problem] = first.problems
        assert "answered 500" in problem and receiver.url in problem
        [after_one] = _deliveries(live, hook["id"])
        assert after_one["status"] == "pending"
        assert after_one["attempts"] == 1 and after_one["last_status"] == 500
        assert after_one["last_error"] == "answered 500"
        retry_at = datetime.fromisoformat(after_one["next_attempt_at"])
        assert retry_at == start + timedelta(minutes=1)

        early = _run(live, start + timedelta(seconds=59))  # not due yet: nothing is sent
        assert early.lines == [] and early.problems == []
        assert len(receiver.received) == 1

        second = _run(live, start + timedelta(minutes=1))
        assert second.problems == []
        assert len(second.lines) == 1 and "delivered (200)" in second.lines[0]
        [done] = _deliveries(live, hook["id"])
        assert done["status"] == "delivered" and done["attempts"] == 2
        assert done["last_status"] == 200 and done["last_error"] is None
        assert done["delivered_at"] is not None and done["next_attempt_at"] is None
        assert _run(live, start + timedelta(days=1)).lines == []  # delivered once, for good

    assert len(receiver.received) == 2
    (body1, _), (body2, headers) = receiver.received
    assert body1 == body2  # a retry sends the same bytes
    assert headers["content-type"] == "application/json"
    assert headers["x-headway-signature"] == _signed("topsecret", body2)
    sent = json.loads(body2)
    assert set(sent) == {"event", "workspace", "occurred_at", "data", "text"}
    assert sent["event"] == "checkin.created" and sent["workspace"] == "Example Co"
    assert sent["data"]["key_result_id"] == kr and sent["data"]["value"] == 41
    assert sent["data"]["confidence"] == 6
    assert sent["data"]["check_in_id"] == recorded.json()["id"]
    assert "41" in sent["text"] and "confidence 6/10" in sent["text"]
    _delete(live, hook["id"])
    _delete(live, other["id"])


def test_a_timeout_or_refused_connection_is_a_problem_line_and_the_run_goes_on(
    live: Any,
) -> None:
    with (
        receiving(Receiver(delay=3)) as slow,
        receiving(Receiver()) as good,
    ):
        refused = _hook(
            live, url=f"http://127.0.0.1:{_closed_port()}/", events=["measurement.created"]
        )
        timing_out = _hook(live, url=slow.url, events=["measurement.created"])
        fine = _hook(live, url=good.url, events=["measurement.created"], secret="k")
        kpi = live.ids["kpi:clv"]
        with live.client("admin") as http:
            items = [{"value": 10, "at": "2026-11-01"}, {"value": 12.5, "at": "2026-11-02"}]
            recorded = http.post(f"/kpis/{kpi}/measurements", json=items)
            assert recorded.status_code in (200, 201), recorded.text
        now = datetime.now(UTC)
        run = _run(live, now, webhook_timeout_seconds=0.5)
        assert len(run.problems) == 2
        assert any("timed out" in p and slow.url in p for p in run.problems)
        assert any("ConnectError" in p for p in run.problems)
        assert len(run.lines) == 1 and good.url in run.lines[0]
        [delivered] = _deliveries(live, fine["id"])
        assert delivered["status"] == "delivered"
        [late] = _deliveries(live, timing_out["id"])
        assert late["status"] == "pending" and late["last_status"] is None
        assert late["last_error"] == "timed out" and late["attempts"] == 1
        [(body, headers)] = good.received
        assert headers["x-headway-signature"] == _signed("k", body)
        sent = json.loads(body)
        assert sent["event"] == "measurement.created"  # one event for the batch of two
        assert [m["value"] for m in sent["data"]["measurements"]] == [10, 12.5]
        expected = (
            "“Customer Lifetime Value”: 2 measurements recorded, the last 12.5 $ on 2026-11-02"
        )
        assert sent["text"] == expected
    for hook in (refused, timing_out, fine):
        _delete(live, hook["id"])


def test_a_delivery_that_fails_every_attempt_is_marked_failed(live: Any) -> None:
    hook = _hook(live, url=f"http://127.0.0.1:{_closed_port()}/", events=["measurement.created"])
    with live.client("admin") as http:
        kpi = live.ids["kpi:clv"]
        assert http.post(f"/kpis/{kpi}/measurements", json={"value": 3}).status_code == 201
    at = datetime.now(UTC)
    for _ in range(6):  # 1 min, 5 min, 30 min, 2 h, 12 h: the sixth attempt is the last
        run = _run(live, at)
        assert len(run.problems) == 1
        at += timedelta(hours=13)
    assert "failed for good after 6 attempts" in run.problems[0]
    [failed] = _deliveries(live, hook["id"])
    assert failed["status"] == "failed" and failed["attempts"] == 6
    assert failed["next_attempt_at"] is None
    assert _run(live, at + timedelta(days=30)).problems == []
    _delete(live, hook["id"])


def test_an_event_of_a_rolled_back_write_is_never_queued(live: Any) -> None:
    hook = _hook(live, url="https://chat.example/z", events=["kpi.alert"])
    uow = make_uow(load_settings(database_url=live.database_url))
    try:
        workspace = resolve_workspace(uow, "Example Co")
        with pytest.raises(RuntimeError), uow:
            queued = outbox.emit(
                uow.conn,
                workspace,
                WebhookEvent.KPI_ALERT,
                data={},
                text="x",
                now=datetime.now(UTC),
            )
            assert queued == 1
            raise RuntimeError("the write fails after its event was queued")
        assert _deliveries(live, hook["id"]) == []
        with uow:
            outbox.emit(
                uow.conn,
                workspace,
                WebhookEvent.KPI_ALERT,
                data={},
                text="x",
                now=datetime.now(UTC),
            )
        assert len(_deliveries(live, hook["id"])) == 1
    finally:
        uow.engine.dispose()
    _delete(live, hook["id"])


PASSWORD = "correct horse battery"  # noqa: S105 - a test person's password


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_webhooks_page_adds_shows_once_and_deletes(live: Any) -> None:
    live.new_person("Hook admin", "hook-admin@example.com", "admin", PASSWORD)
    live.new_person("Hook member", "hook-member@example.com", "member", PASSWORD)
    with signed_in_browser(live.base_url, "hook-admin@example.com", PASSWORD) as browser:
        home = browser.get("/")
        assert 'href="/webhooks"' in home.text  # in the admin's menu
        page = browser.get("/webhooks")
        assert page.status_code == 200
        assert '<label for="url">URL</label>' in page.text
        assert "<legend>Events</legend>" in page.text
        assert '<label for="secret">Secret (optional)</label>' in page.text
        csrf = _csrf(page)
        form = {"url": "https://chat.example/page", "events": ["period.closed"]}
        assert browser.post("/webhooks", data=form).status_code == 403  # no CSRF token
        bad = browser.post("/webhooks", data={"url": "mailto:x@example.com", "csrf_token": csrf})
        assert bad.status_code == 422
        assert "must be an http:// or https:// URL" in bad.text
        assert "must name at least one event" in bad.text
        made = browser.post("/webhooks", data={**form, "secret": "page-secret", "csrf_token": csrf})
        assert made.status_code == 201, made.text
        assert made.headers["cache-control"] == "no-store"
        assert '<p class="token" id="new-secret">page-secret</p>' in made.text
        again = browser.get("/webhooks")
        assert "https://chat.example/page" in again.text
        assert "page-secret" not in again.text  # shown once
        with live.client("admin") as http:
            [hook] = [
                h for h in http.get("/webhooks").json()["items"] if h["url"].endswith("/page")
            ]
        assert hook["events"] == ["period.closed"]
        gone = browser.post(f"/webhooks/{hook['id']}/delete", data={"csrf_token": csrf})
        assert gone.status_code == 303
        assert "https://chat.example/page" not in browser.get("/webhooks").text
    with signed_in_browser(live.base_url, "hook-member@example.com", PASSWORD) as browser:
        assert 'href="/webhooks"' not in browser.get("/").text
        assert browser.get("/webhooks").status_code == 403


def test_headway_jobs_run_webhooks_sends_what_is_due_and_exits_1_on_a_failure(
    live: Any,
) -> None:
    with receiving(Receiver()) as good:
        fine = _hook(live, url=good.url, events=["period.closed"], secret="cli")
        broken = _hook(live, url=f"http://127.0.0.1:{_closed_port()}/", events=["period.closed"])
        with live.client("admin") as http:
            made = http.post(
                "/periods",
                json={
                    "name": "Webhook CLI",
                    "kind": "custom",
                    "start_date": "2026-01-01",
                    "end_date": "2026-01-31",
                },
            )
            assert made.status_code == 201, made.text
            closed = http.post(f"/periods/{made.json()['id']}/close")
            assert closed.status_code == 200, closed.text
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_")}
        env["PYTHONPATH"] = str(Path(headway.__file__).parent.parent)
        command = [sys.executable, "-m", "headway", "jobs", "run", "webhooks"]
        ran = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
            [*command, "--database", live.database_url],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert ran.returncode == 1, ran.stderr
        assert f"to {good.url} delivered (200)" in ran.stdout
        assert "ConnectError" in ran.stderr and "next attempt at" in ran.stderr
        [(body, headers)] = good.received
        assert headers["x-headway-signature"] == _signed("cli", body)
        sent = json.loads(body)
        assert sent["event"] == "period.closed" and sent["data"]["period"] == "Webhook CLI"
        assert sent["text"] == "Period Webhook CLI closed: 0 objectives graded"
    _delete(live, fine["id"])
    _delete(live, broken["id"])
