"""Time Headway on synthetic companies of sizes S, M and L (XL on request), end to end over HTTP.

    .venv/bin/python benchmarks/run.py [--sizes S,M,L] [--xl] [--databases sqlite,postgresql]
        [--postgres URL] [--workers 1] [--repeat 5] [--check-ins 200] [--sustain 5]
        [--json results.json] [--check]

For each database and size: import the company with `headway import` (a subprocess, so
Python's start-up counts too), serve it with `headway serve`, then time what a person and a
script do, over a real socket. Every figure is printed beside the in-memory computation of the
same period report (pure domain: no database, no HTTP) measured in the same run, and their
ratio, so that the comparison holds on any machine; and beside its target (issue 10, "Instant
at company scale", for size L on a 2-core machine) with whether it is met.

PostgreSQL runs in a throwaway database on the server at --postgres (default
$HEADWAY_TEST_POSTGRES_URL, else postgres on 127.0.0.1:5432); when that is unreachable its
table is skipped with a line saying so. `--workers N` serves with N processes (`headway serve
--workers N`); the peak server memory adds up every process of the server. `--check` exits 1
when a target is missed at L.
Nothing here is a test: `make test` runs size S once only to see that every row is produced.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from company import AS_OF, SIZES, company, counts  # noqa: E402
from in_memory import timed_compute  # noqa: E402

from live_server import headway_server, memory_peaks, server_pid  # noqa: E402

PASSWORD = "bench-password"  # noqa: S105 - a throwaway database's throwaway password
ADMIN = "bench@bench.example"
DEFAULT_POSTGRES = os.environ.get(
    "HEADWAY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CLIENTS = 8  # concurrent clients of the sustained check-in row
# Several processes import the whole app at once: on a busy 2-core machine that takes a while.
STARTUP_SECONDS = 120
PG_OVER_SQLITE = 1.5  # PostgreSQL within 1.5x of SQLite on the same figures


@dataclass(frozen=True, slots=True)
class Row:
    """One measure of the table: its unit and its target (issue 10, at size L)."""

    name: str
    unit: str  # ms | MB | /s | count
    target: float | None = None  # at most this many units...
    times_in_memory: float | None = None  # ...or at most this many times the in-memory report

    def target_text(self) -> str:
        if self.times_in_memory is not None:
            return f"<= {self.times_in_memory:g}x mem"
        if self.target is None:
            return ""
        return f"<= {self.target:g} {self.unit}" if self.unit != "count" else f"= {self.target:g}"

    def met(self, value: float, in_memory: float) -> bool | None:
        if self.times_in_memory is not None:
            return value <= self.times_in_memory * in_memory
        if self.target is None:
            return None
        return value <= self.target


IN_MEMORY = "in-memory report (reference)"
ROWS = [
    Row(IN_MEMORY, "ms"),
    Row("import (CLI)", "ms", target=10_000),
    Row("period report cold", "ms", times_in_memory=1.5),
    Row("period report warm", "ms", times_in_memory=1.5),
    Row("dashboard warm", "ms", target=100),
    Row("dashboard after a write", "ms", target=250),
    Row("objective page", "ms", target=100),
    Row("KPI page", "ms", target=100),
    Row("KPI list", "ms", target=150),
    Row("check-in p50", "ms", target=10),
    Row("check-in p99", "ms", target=50),
    Row(f"check-ins per second ({CLIENTS} clients)", "/s"),
    Row(f"check-ins failed ({CLIENTS} clients)", "count", target=0),
    Row("reads during import: dashboard p50", "ms"),
    Row("reads during import: dashboard max", "ms", target=1_000),
    Row("reads during import: not 200", "count", target=0),
    Row("peak server memory (VmHWM)", "MB", target=300),
    Row("largest server process (VmHWM)", "MB"),
    Row("server processes", "count"),
]
ROW_NAMES = [r.name for r in ROWS]


def _headway(*args: str, database_url: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        _command(*args, database_url=database_url),
        capture_output=True,
        text=True,
        env=_environment(),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"headway {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _command(*args: str, database_url: str) -> list[str]:
    return [sys.executable, "-m", "headway", *args, "--database", database_url]


# A company of size L is a document of some 15 MB and 650,000 values: above the limits that
# protect a server (8 MB, 500,000), so the benchmark's own imports raise them.
LARGE_DOCUMENTS = {
    "HEADWAY_MAX_DOCUMENT_BYTES": str(2**31),
    "HEADWAY_MAX_DOCUMENT_VALUES": str(10**9),
}


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_")}
    return env | LARGE_DOCUMENTS


def postgres_reachable(url: str) -> str | None:
    """None when the PostgreSQL server at `url` answers, else why not."""
    engine = sa.create_engine(url, poolclass=sa.NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as c:
            c.exec_driver_sql("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means: skip PostgreSQL
        return str(error).splitlines()[0]
    finally:
        engine.dispose()
    return None


@contextmanager
def _database(postgres: str | None, folder: Path, name: str) -> Iterator[str]:
    """An empty database: a SQLite file in `folder`, or a new database on the server."""
    if postgres is None:
        yield f"sqlite:///{folder / f'{name}.db'}"
        return
    server = sa.create_engine(postgres, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with server.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _timed(action: Callable[[], object], repeat: int, *, warm_up: bool = True) -> list[float]:
    if warm_up:
        action()  # caches, connection pool, imported modules
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(_ms_since(start))
    return times


def _ok(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        raise RuntimeError(f"{response.request.url} answered {response.status_code}")
    return response


def _signed_in(base_url: str, email: str) -> httpx.Client:
    browser = httpx.Client(base_url=base_url, timeout=120)
    form = _ok(browser.get("/login")).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if csrf is None:
        raise RuntimeError("the sign-in page has no CSRF field")
    fields = {"email": email, "password": PASSWORD, "csrf_token": csrf.group(1), "next": "/"}
    _ok(browser.post("/login", data=fields))
    return browser


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class _Session:
    """The clients of one served company, and the rows they read and write."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.token = token
        self.api = self.client()
        self.browser = _signed_in(base_url, ADMIN)
        self.period = 0
        self.objective = 0
        self.key_results: list[int] = []
        self.kpi = 0

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url + "/api/v1",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=120,
        )

    def discover(self) -> None:
        """The rows to read and write (after the cold report: listing may warm a cache)."""
        objectives = _ok(self.api.get("/objectives", params={"limit": 100})).json()["items"]
        self.objective = objectives[0]["id"]  # the company's first: the most aligned under it
        # Key results taking manual check-ins (not following a KPI), one per client at least.
        self.key_results = [
            kr["id"] for o in objectives for kr in o["key_results"] if kr.get("kpi_id") is None
        ][: CLIENTS * 2]
        self.kpi = _ok(self.api.get("/kpis", params={"limit": 1})).json()["items"][0]["id"]

    def report(self) -> object:
        as_of = AS_OF.isoformat()
        return _ok(self.api.get(f"/reports/period/{self.period}", params={"as_of": as_of}))

    def dashboard(self) -> object:
        return _ok(self.browser.get("/", params={"period": self.period}))

    def check_in(self, n: int, client: httpx.Client | None = None) -> object:
        kr = self.key_results[n % len(self.key_results)]
        body = {"value": 10 + n % 80, "confidence": 1 + n % 10}
        return _ok((client or self.api).post(f"/key-results/{kr}/check-ins", json=body))

    def close(self) -> None:
        self.api.close()
        self.browser.close()


def _sustained_check_ins(session: _Session, seconds: float) -> tuple[float, int]:
    """Check-ins per second that `CLIENTS` clients at once keep up for `seconds`; and failures."""
    done = [0] * CLIENTS
    failed = [0] * CLIENTS
    stop = time.perf_counter() + seconds

    def work(i: int) -> None:
        with session.client() as client:
            n = i
            while n == i or time.perf_counter() < stop:  # at least one each, however late
                try:
                    session.check_in(n, client)
                    done[i] += 1
                except (RuntimeError, httpx.HTTPError):
                    failed[i] += 1
                n += CLIENTS

    start = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start), sum(failed)


def _reads_during_import(session: _Session, document: Path, url: str) -> tuple[list[float], int]:
    """Dashboard reads (ms) while another process imports a company into the same database;
    and how many of them did not answer 200."""
    times: list[float] = []
    not_ok = 0
    importer = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        _command("import", str(document), database_url=url),
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        while importer.poll() is None or len(times) < 3:
            start = time.perf_counter()
            try:
                answer = session.browser.get("/", params={"period": session.period})
                not_ok += answer.status_code != 200
            except httpx.HTTPError:
                not_ok += 1
            times.append(_ms_since(start))
    finally:
        _, stderr = importer.communicate()
    if importer.returncode != 0:
        raise RuntimeError(f"the concurrent import failed: {stderr.decode().strip()}")
    return times, not_ok


def bench(  # noqa: PLR0913 - the command line's options, by name
    size: str,
    *,
    repeat: int,
    check_ins: int,
    sustain: float,
    postgres: str | None,
    folder: Path,
    workers: int = 1,
) -> dict[str, list[float]]:
    """Import, serve (with `workers` processes) and time one company; every row's measurements
    by name."""
    doc = company(size)
    results: dict[str, list[float]] = {IN_MEMORY: timed_compute(doc, AS_OF, repeat)}
    with _database(postgres, folder, f"headway_bench_{size.lower()}") as url:
        _headway("init", database_url=url)
        document = folder / f"company-{size}.json"
        document.write_text(json.dumps(doc, separators=(",", ":")))
        second = folder / f"company-{size}-again.json"
        again = company(size, workspace=f"Bench {size} again")
        second.write_text(json.dumps(again, separators=(",", ":")))
        start = time.perf_counter()
        _headway("import", str(document), database_url=url)
        results["import (CLI)"] = [_ms_since(start)]
        _headway(
            "user", "add", ADMIN, "--name", "Bench", "--role", "admin", "--password", PASSWORD,
            "--workspace", doc["workspace"], database_url=url,
        )  # fmt: skip
        token = json.loads(_headway("token", "create", ADMIN, "--json", database_url=url))["token"]
        serving = ["--workers", str(workers)]
        with headway_server(url, options=serving, startup_seconds=STARTUP_SECONDS) as base_url:
            session = _Session(base_url, token)
            try:
                session.period = _ok(session.api.get("/periods")).json()["items"][0]["id"]
                results["period report cold"] = _timed(session.report, 1, warm_up=False)
                session.discover()
                results["period report warm"] = _timed(session.report, repeat)
                results["dashboard warm"] = _timed(session.dashboard, repeat)
                after: list[float] = []
                for n in range(repeat):
                    session.check_in(n)
                    after += _timed(session.dashboard, 1, warm_up=False)
                results["dashboard after a write"] = after
                objective = f"/objectives/{session.objective}"
                results["objective page"] = _timed(
                    lambda: _ok(session.browser.get(objective)), repeat
                )
                kpi = f"/kpis/{session.kpi}"
                results["KPI page"] = _timed(lambda: _ok(session.browser.get(kpi)), repeat)
                results["KPI list"] = _timed(lambda: _ok(session.browser.get("/kpis")), repeat)
                count = iter(range(check_ins + 1))
                singles = _timed(lambda: session.check_in(next(count)), check_ins)
                results["check-in p50"] = [_percentile(singles, 0.50)]
                results["check-in p99"] = [_percentile(singles, 0.99)]
                rate, failed = _sustained_check_ins(session, sustain)
                results[f"check-ins per second ({CLIENTS} clients)"] = [rate]
                results[f"check-ins failed ({CLIENTS} clients)"] = [float(failed)]
                reads, not_ok = _reads_during_import(session, second, url)
                results["reads during import: dashboard p50"] = [statistics.median(reads)]
                results["reads during import: dashboard max"] = [max(reads)]
                results["reads during import: not 200"] = [float(not_ok)]
                # Every process of the server: with --workers, the supervisor and its children.
                peaks = memory_peaks(server_pid(base_url))
                results["peak server memory (VmHWM)"] = [sum(peaks.values()) / 2**20]
                results["largest server process (VmHWM)"] = [max(peaks.values()) / 2**20]
                results["server processes"] = [float(len(peaks))]
            finally:
                session.close()
    return results


def _fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return f"{value:.0f}"


def _median(results: dict[str, dict[str, list[float]]], size: str, name: str) -> float:
    return statistics.median(results[size][name])


def _grows(row: Row) -> bool:
    """Whether the row is a cost that should grow no faster than the company (issue 10)."""
    return row.unit in ("ms", "MB") and row.name != IN_MEMORY


def print_table(
    title: str, results: dict[str, dict[str, list[float]]], objectives: dict[str, int]
) -> None:
    """One table: a row per measure; per size its median, its ratio to the in-memory report
    and whether it meets its target (the targets are for L; XL is only judged by growth).
    With M and a larger size, the last column is the growth from M to the largest size beside
    the growth of the company: "lin" when the figure grew no faster, "SUPER" (super-linear)
    when it grew faster."""
    sizes = list(results)
    print(f"\n{title}: median of the runs (ratio to the in-memory report; target at L)")  # noqa: T201
    largest = sizes[-1]
    growth = "M" in sizes and largest != "M"
    company_growth = objectives[largest] / objectives["M"] if growth else 0.0
    header = f"{'measure':<40}{'unit':<6}{'target':<15}" + "".join(
        f"{f'{s} ({objectives[s]} obj.)':>26}" for s in sizes
    )
    if growth:
        header += f"{f'{largest}/M (company x{company_growth:.1f})':>28}"
    print(header)  # noqa: T201 - this script's output
    print("-" * len(header))  # noqa: T201
    for row in ROWS:
        cells = ""
        for s in sizes:
            mem = _median(results, s, IN_MEMORY)
            value = _median(results, s, row.name)
            ratio = f"{value / mem:.1f}x" if row.unit == "ms" and row.name != IN_MEMORY else ""
            verdict = row.met(value, mem)
            mark = "" if verdict is None or s == "XL" else ("met" if verdict else "MISSED")
            cells += f"{_fmt(value, row.unit):>10}{ratio:>9}{mark:>7}"
        if growth and (_grows(row) or row.name == IN_MEMORY):
            base = _median(results, "M", row.name)
            times = _median(results, largest, row.name) / base if base else 0.0
            linear = (
                "" if row.name == IN_MEMORY else ("lin" if times <= company_growth else "SUPER")
            )
            cells += f"{f'x{times:.1f}':>20}{linear:>8}"
        print(f"{row.name:<40}{row.unit:<6}{row.target_text():<15}{cells}")  # noqa: T201


def print_comparison(
    sqlite: dict[str, dict[str, list[float]]], postgres: dict[str, dict[str, list[float]]]
) -> None:
    """PostgreSQL over SQLite on the same figures (issue 10: within 1.5x)."""
    sizes = [s for s in sqlite if s in postgres]
    print("\nPostgreSQL / SQLite: ratio of the medians (target <= 1.5x)")  # noqa: T201
    header = f"{'measure':<40}" + "".join(f"{s:>16}" for s in sizes)
    print(header)  # noqa: T201
    print("-" * len(header))  # noqa: T201
    for row in ROWS:
        if not _grows(row):
            continue
        cells = ""
        for s in sizes:
            base = _median(sqlite, s, row.name)
            times = _median(postgres, s, row.name) / base if base else 0.0
            cells += f"{f'{times:.2f}x':>9}{'met' if times <= PG_OVER_SQLITE else 'MISSED':>7}"
        print(f"{row.name:<40}{cells}")  # noqa: T201


def missed_at_l(results: dict[str, dict[str, list[float]]]) -> list[str]:
    """The targets a size L run misses, one line each."""
    if "L" not in results:
        return []
    mem = statistics.median(results["L"][IN_MEMORY])
    return [
        f"{row.name}: {_fmt(statistics.median(results['L'][row.name]), row.unit)} {row.unit}, "
        f"target {row.target_text()}"
        for row in ROWS
        if row.met(statistics.median(results["L"][row.name]), mem) is False
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L", help="of S, M, L, XL; comma-separated")
    parser.add_argument("--xl", action="store_true", help="add size XL (ten times L)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a PostgreSQL server URL")
    parser.add_argument("--workers", type=int, default=1, help="processes of headway serve")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each request")
    parser.add_argument("--check-ins", type=int, default=200, help="for the p50 and p99")
    parser.add_argument("--sustain", type=float, default=5.0, help="seconds of 8 clients")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target at L is missed")
    args = parser.parse_args()
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    if args.xl and "XL" not in sizes:
        sizes.append("XL")
    if args.workers < 1:
        parser.error("--workers must be 1 or more")
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}")
    everything: dict[str, Any] = {}
    missed: list[str] = []
    for database in [d.strip().lower() for d in args.databases.split(",") if d.strip()]:
        title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(database)
        if title is None:
            parser.error(f"unknown database {database!r}: sqlite or postgresql")
        if args.workers > 1:
            title += f" ({args.workers} workers)"
        postgres = args.postgres if database == "postgresql" else None
        if postgres is not None:
            why = postgres_reachable(postgres)
            if why is not None:
                where = make_url(postgres).render_as_string()
                print(f"\nPostgreSQL: skipped, {where} is unreachable ({why})")  # noqa: T201
                everything[database] = {"skipped": why}
                continue
        results: dict[str, dict[str, list[float]]] = {}
        objectives: dict[str, int] = {}
        with tempfile.TemporaryDirectory(prefix="headway-bench-") as folder:
            for size in sizes:
                held = counts(company(size))
                objectives[size] = held["objectives"]
                print(f"{title} {size}: {held}", flush=True)  # noqa: T201
                results[size] = bench(
                    size,
                    repeat=args.repeat,
                    check_ins=args.check_ins,
                    sustain=args.sustain,
                    postgres=postgres,
                    folder=Path(folder),
                    workers=args.workers,
                )
                everything[database] = results
                if args.json:  # after every size, so that a long run keeps what it measured
                    args.json.write_text(json.dumps(everything, indent=2))
        print_table(title, results, objectives)
        everything[database] = results
        missed += [f"{title} {line}" for line in missed_at_l(results)]
    if isinstance(everything.get("sqlite"), dict) and "skipped" not in everything.get(
        "postgresql", {"skipped": ""}
    ):
        print_comparison(everything["sqlite"], everything["postgresql"])
    for line in missed:
        print(f"missed at L: {line}")  # noqa: T201
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
