"""A real `headway serve` process on 127.0.0.1, for the HTTP and browser tests.

The server binds port 0 itself and prints the port the system gave it, so that servers started
at once (pytest-xdist workers, a test with two servers) can never race for a port: a port picked
here, released and then bound by the child could be taken by another process in between.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI

from headway.config import load_settings
from headway.services.access.actors import Caller
from headway.services.access.people import update_person
from headway.services.access.workspaces import resolve_workspace
from headway.store import tables as t
from headway.store.uow import make_uow
from headway.web.app import create_app
from headway.web.ui.auth import LOGIN_CSRF_COOKIE

# The process serving each base URL, for tests that measure it (memory, CPU).
SERVER_PIDS: dict[str, int] = {}

# `headway serve` prints this line once its socket is bound (src/headway/cli/main.py).
_ANNOUNCED = re.compile(r"Headway on http://127\.0\.0\.1:(\d+)")


def _announced_port(log: Path) -> int | None:
    found = _ANNOUNCED.search(log.read_text(errors="replace"))
    return int(found.group(1)) if found else None


@contextmanager
def headway_server(
    database_url: str,
    settings: Mapping[str, str] | None = None,
    *,
    options: Sequence[str] = (),
    startup_seconds: float = 30,
) -> Iterator[str]:
    """Serve the database with `headway serve` on a port of its own; yields the base URL.

    `settings`: HEADWAY_* variables for the server (none of the test run's own reach it);
    `options`: more options of `headway serve` (`--workers 2`, whose processes take longer to
    start: `startup_seconds`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_")}
    env |= settings or {}
    # The output goes to a file, not a pipe that nobody reads: a server that logs much (a
    # fuzzer's requests) would block once a pipe's buffer is full.
    with tempfile.TemporaryDirectory(prefix="headway-serve-") as folder:
        log = Path(folder) / "serve.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                [
                    sys.executable,
                    "-m",
                    "headway",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--database",
                    database_url,
                    *options,
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                # A process group of its own, so that a server that will not stop is killed
                # with every process it started (`--workers`).
                start_new_session=True,
            )
        try:
            base_url = _wait_until_up(process, log, startup_seconds)
            SERVER_PIDS[base_url] = process.pid
            try:
                yield base_url
            finally:
                del SERVER_PIDS[base_url]
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kill_group(process)


@contextmanager
def served_app(app: Any) -> Iterator[str]:
    """Serve an app with uvicorn on a free port of 127.0.0.1, in a thread of this process,
    as `headway serve` serves it; its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical")
    sock = config.bind_socket()
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "uvicorn did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@contextmanager
def served_here(database_url: str, **settings: object) -> Iterator[tuple[str, FastAPI]]:
    """The app on the database (settings override) served by `served_app`, for tests that
    read what the app holds (the statistics of its report cache): its base URL and the app."""
    app = create_app(load_settings(database_url=database_url, **settings))
    try:
        with served_app(app) as base_url:
            yield base_url, app
    finally:
        app.state.engine.dispose()


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill a server started in a session of its own, and every process it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], log: Path, seconds: float) -> str:
    """The base URL once `/healthz` answers 200; fails the test with the server's output if not."""
    deadline = time.monotonic() + seconds
    port = None
    while True:
        port = port or _announced_port(log)
        if port is not None:
            base_url = f"http://127.0.0.1:{port}"
            try:
                if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                    return base_url
            except httpx.TransportError:
                pass
        if process.poll() is not None or time.monotonic() > deadline:
            kill_group(process)
            pytest.fail(f"headway serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)


def server_pid(base_url: str) -> int:
    """The id of the `headway serve` process answering at `base_url`."""
    return SERVER_PIDS[base_url]


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(f"{field} not in /proc/{pid}/status")


def memory_now(pid: int) -> int:
    """The process's resident memory now, in bytes (VmRSS)."""
    return _status_kb(pid, "VmRSS") * 1024


def memory_peak(pid: int) -> int:
    """The process's peak resident memory, in bytes (VmHWM), since start or the last reset."""
    return _status_kb(pid, "VmHWM") * 1024


def children(pid: int) -> list[int]:
    """The ids of the processes whose parent is `pid` (found in /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    """`pid` and every process it started, and they started, ... (a `headway serve --workers N`:
    the supervisor, its N serving processes and multiprocessing's resource tracker)."""
    tree = [pid]
    for parent in tree:  # grows as it goes: breadth first
        tree += children(parent)
    return tree


def memory_peaks(pid: int) -> dict[int, int]:
    """The peak resident memory (VmHWM, bytes) of each process of `pid`'s tree, by id; a
    process that ended meanwhile is left out. Their sum is what the server took at most (each
    process's peak may have come at a different time)."""
    peaks = {}
    for member in process_tree(pid):
        try:
            peaks[member] = memory_peak(member)
        except (OSError, LookupError):
            continue  # it ended meanwhile (or is a zombie, with no memory left)
    return peaks


def reset_memory_peak(pid: int) -> None:
    """Start measuring the peak afresh: VmHWM becomes the memory in use now (Linux clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def cpu_seconds(pid: int) -> float:
    """CPU time the process has used so far (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def give_passwords(
    database_url: str, emails: Sequence[str], password: str, workspace_name: str = "Example Co"
) -> None:
    """Give each of the workspace's people with these emails the password (so that they can
    sign in through the form); asserts that each exists."""
    uow = make_uow(load_settings(database_url=database_url))
    workspace = resolve_workspace(uow, workspace_name)
    with uow:
        people = uow.conn.execute(
            sa.select(t.person.c.id).where(
                t.person.c.workspace_id == workspace.id, t.person.c.email.in_(emails)
            )
        ).scalars()
        ids = list(people)
    assert len(ids) == len(emails)
    for person_id in ids:
        update_person(
            uow,
            workspace,
            person_id,
            {"password": password},
            caller=Caller.operator(),
            clock=lambda: datetime.now(UTC),
        )
    uow.engine.dispose()


def metric_key_result(
    http: httpx.Client,
    ids: Mapping[str, int],
    objective: str,
    title: str = "Onboard 100 customers",
    start: float = 0,
    target: float = 100,
) -> dict[str, Any]:
    """A metric key result (the API's answer) on a new Sales objective of 2026-Q4, made
    through `http`, an /api/v1 client of the seeded company."""
    made = http.post(
        "/objectives",
        json={
            "title": objective,
            "period_id": ids["period:2026-Q4"],
            "owner_unit_id": ids["unit:sales"],
        },
    )
    assert made.status_code == 201, made.text
    key_result = http.post(
        f"/objectives/{made.json()['id']}/key-results",
        json={"title": title, "kind": "metric", "start_value": start, "target_value": target},
    )
    assert key_result.status_code == 201, key_result.text
    return dict(key_result.json())


@contextmanager
def signed_in_browser(base_url: str, email: str, password: str) -> Iterator[httpx.Client]:
    """A browser-like client (it keeps cookies, follows no redirect) signed in through the
    sign-in form as the person with this email."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=60) as browser:
        sign_in_through_form(browser, email, password)
        yield browser


def sign_in_through_form(browser: httpx.Client, email: str, password: str) -> None:
    """Sign in through the sign-in form; the client keeps the session cookie."""
    assert browser.get("/login").status_code == 200
    form = {
        "email": email,
        "password": password,
        "csrf_token": browser.cookies[LOGIN_CSRF_COOKIE],
        "next": "/",
    }
    signed = browser.post("/login", data=form)
    assert signed.status_code == 303, signed.text
