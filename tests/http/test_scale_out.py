"""Several processes on one database: `headway serve` beside `headway serve --workers 2`.

Server A is one process; server B is two, sharing B's socket. Both serve the same database
(SQLite and PostgreSQL): what one writes, the other reads at once, whichever of B's processes
answers. The processes are found the way an operator finds them, in /proc, not through any
answer of the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from live_server import (
    children,
    cpu_seconds,
    headway_server,
    kill_group,
    metric_key_result,
    server_pid,
)

SPAWNED = "multiprocessing.spawn"  # in the command line of each process uvicorn starts
# Three processes import the whole app at once: on a busy 2-core machine that takes a while.
STARTUP_SECONDS = 120


def _workers(pid: int) -> list[int]:
    """The serving processes of the `headway serve` process `pid` (not multiprocessing's
    resource tracker, which is a child too)."""
    workers = []
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if SPAWNED in command and "resource_tracker" not in command:
            workers.append(child)
    return sorted(workers)


@pytest.fixture(scope="module")
def two(live: Any) -> Iterator[tuple[Any, str]]:
    """`live` (server A, one process) and the base URL of server B (two processes) on the same
    database."""
    with headway_server(
        live.database_url, options=["--workers", "2"], startup_seconds=STARTUP_SECONDS
    ) as base_url:
        yield live, base_url


def _client(live: Any, base_url: str, actor: str = "admin") -> httpx.Client:
    headers = {"Authorization": f"Bearer {live.tokens[actor]}"}
    return httpx.Client(base_url=base_url + "/api/v1", headers=headers, timeout=30)


def _fresh_get(live: Any, base_url: str, path: str) -> Any:
    """GET on a new connection each time, so that any of the server's processes may answer."""
    with _client(live, base_url) as http:
        answer = http.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_server_b_runs_two_processes(two: tuple[Any, str]) -> None:
    live, b = two
    assert len(_workers(server_pid(b))) == 2
    assert _workers(server_pid(live.base_url)) == []  # A answers in its own process


def test_a_title_written_through_one_server_is_read_through_the_other_at_once(
    two: tuple[Any, str],
) -> None:
    live, b = two
    objective = live.ids["objective:revenue"]
    servers = [live.base_url, b]
    for round_ in range(6):
        writer, reader = servers[round_ % 2], servers[1 - round_ % 2]
        title = f"Revenue, round {round_}"
        with _client(live, writer) as http:
            changed = http.patch(f"/objectives/{objective}", json={"title": title})
        assert changed.status_code == 200, changed.text
        for _ in range(4):  # on new connections: both of B's processes in turn, most likely
            assert _fresh_get(live, reader, f"/objectives/{objective}")["title"] == title


def test_a_check_in_through_one_server_moves_the_other_servers_dashboard_at_once(
    two: tuple[Any, str],
) -> None:
    live, b = two
    period = live.ids["period:2026-Q4"]
    with _client(live, live.base_url, "sales_member") as http:
        key_result = metric_key_result(http, live.ids, "Onboard more customers", "Customers")["id"]
    dashboard = f"/dashboard?period={period}"
    before = _fresh_get(live, b, dashboard)
    servers = [live.base_url, b]
    for round_, value in enumerate([20, 45, 70, 95]):
        writer, reader = servers[round_ % 2], servers[1 - round_ % 2]
        with _client(live, writer, "sales_member") as http:
            recorded = http.post(
                f"/key-results/{key_result}/check-ins", json={"value": value, "confidence": 7}
            )
        assert recorded.status_code == 201, recorded.text
        for _ in range(3):
            after = _fresh_get(live, reader, dashboard)
            assert after != before
            assert after == _fresh_get(live, writer, dashboard)
            read = _fresh_get(live, reader, f"/key-results/{key_result}")
            assert read["progress"] == pytest.approx(value / 100)
        before = after


def test_both_processes_of_server_b_answer(two: tuple[Any, str]) -> None:
    """Requests from several clients at once, each on a new connection, are shared out: both
    processes spend CPU answering them, and every answer is the same."""
    live, b = two
    workers = _workers(server_pid(b))
    started = {pid: cpu_seconds(pid) for pid in workers}
    answers: list[Any] = []
    path = f"/dashboard?period={live.ids['period:2026-Q4']}"

    def ask() -> None:
        for _ in range(10):
            answers.append(_fresh_get(live, b, path))

    deadline = time.monotonic() + 60
    while True:
        threads = [threading.Thread(target=ask) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        spent = {pid: cpu_seconds(pid) - started[pid] for pid in workers}
        total = sum(spent.values())
        if all(seconds >= 0.1 * total for seconds in spent.values()) or time.monotonic() > deadline:
            break
    assert all(seconds >= 0.1 * total for seconds in spent.values()), spent
    assert all(answer == answers[0] for answer in answers)


def _start(database_url: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_")}
    log = folder / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            [sys.executable, "-m", "headway", "serve", "--port", "0", "--workers", "2"]
            + ["--database", database_url],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        text = log.read_text()
        if "127.0.0.1:" in text:
            port = text.split("127.0.0.1:", 1)[1].split()[0]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return process, log.read_text()
            except httpx.TransportError:
                pass
        time.sleep(0.05)
    kill_group(process)
    pytest.fail(f"headway serve did not start:\n{log.read_text()}")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_every_process_cleanly(
    seeded_sqlite: tuple[str, Any, Any], stop: signal.Signals
) -> None:
    """Stopping does not depend on the database: once, on the session's seeded SQLite file
    (which the server only reads here)."""
    database_url = seeded_sqlite[0]
    with tempfile.TemporaryDirectory(prefix="headway-serve-") as folder:
        process, _ = _start(database_url, Path(folder))
        workers = _workers(process.pid)
        assert len(workers) == 2
        process.send_signal(stop)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_group(process)
            pytest.fail("headway serve --workers 2 did not stop")
        output = (Path(folder) / "serve.log").read_text()
    assert code == 0, output
    assert "Traceback" not in output, output
    for pid in workers:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )


def test_the_processes_stop_when_headway_serve_is_killed_outright(
    seeded_sqlite: tuple[str, Any, Any],
) -> None:
    """SIGKILL (or a crash) gives the supervisor no chance to stop them: each notices that
    its parent is gone and stops by itself, rather than serving on as an orphan."""
    with tempfile.TemporaryDirectory(prefix="headway-serve-") as folder:
        process, _ = _start(seeded_sqlite[0], Path(folder))
        workers = _workers(process.pid)
        assert len(workers) == 2
        process.kill()
        process.wait()
        deadline = time.monotonic() + STARTUP_SECONDS
        while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [pid for pid in workers if _running(pid)]
        kill_group(process)  # whatever is left of it, so that the test leaves nothing behind
        assert left == [], (Path(folder) / "serve.log").read_text()


def _running(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.mark.parametrize(
    ("arguments", "settings", "message"),
    [
        (["--workers", "0"], {}, "Invalid value for '--workers'"),
        ([], {"HEADWAY_WORKERS": "0"}, "HEADWAY_WORKERS: Input should be greater than or equal"),
        ([], {"HEADWAY_WORKERS": "two"}, "HEADWAY_WORKERS: Input should be a valid integer"),
    ],
)
def test_a_bad_number_of_processes_is_refused_naming_it(
    seeded_sqlite: tuple[str, Any, Any],
    arguments: list[str],
    settings: dict[str, str],
    message: str,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_")} | settings
    done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "headway", "serve", "--port", "0", "--database", seeded_sqlite[0]]
        + arguments,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
