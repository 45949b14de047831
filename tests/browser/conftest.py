"""The web app in a real browser: Debian's Chromium driven by Playwright, never a downloaded
browser. A `headway serve` process on 127.0.0.1 serves the demo company on SQLite.

Every test's page refuses requests that would leave 127.0.0.1, and the test fails if one was
tried or if a script error or console error happened.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browsing import DemoSite
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)

from database_copies import copy_sqlite
from headway.store.engine import make_engine
from live_server import headway_server

CHROMIUM = os.environ.get("HEADWAY_TEST_CHROMIUM", "/usr/bin/chromium")
# As the machine's probe found: without these, Chromium reaches for Google's hosts at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# Requests that may answer 4xx on purpose: a page, and a form sent by the page's script.
INTENDED = {"document", "fetch"}


@dataclass
class Watch:
    """What the browser tried that it should not have: leaving 127.0.0.1, script errors."""

    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM}: install Debian's chromium (make test does, as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. CI=true: the browser tests must run", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _headway(*args: str, database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_")}
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "headway", *args, "--database", database_url],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company as `make run` loads it (`headway init`, `headway demo`), once a session
    (xdist: a worker's); each site serves a copy of it."""
    path = tmp_path_factory.mktemp("demo") / "headway.db"
    _headway("init", database_url=f"sqlite:///{path}")
    _headway("demo", database_url=f"sqlite:///{path}")
    return path


@contextmanager
def demo_site(demo_database: Path, folder: Path) -> Iterator[DemoSite]:
    """The demo company, as `make run` serves it, on a fresh copy in `folder`."""
    database_url = copy_sqlite(demo_database, folder / "headway.db")
    engine = make_engine(database_url)
    try:
        with headway_server(database_url) as base_url:
            yield DemoSite(base_url=base_url, database_url=database_url, engine=engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def demo(demo_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """The demo company for a whole test module (tests that change it must not step on others)."""
    with demo_site(demo_database, tmp_path_factory.mktemp("web")) as site:
        yield site


@pytest.fixture
def fresh_demo(demo_database: Path, tmp_path: Path) -> Iterator[DemoSite]:
    """The demo company for one test, for changes no other test may see (closing a period)."""
    with demo_site(demo_database, tmp_path) as site:
        yield site


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def context(browser: Browser, watch: Watch) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) that refuses every request off 127.0.0.1."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1" or route.request.url.startswith(
            "data:"
        ):
            route.continue_()
        else:
            watch.outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", only_local)
    yield ctx
    ctx.close()
    assert watch.outside == [], f"requests left 127.0.0.1: {watch.outside}"
    assert watch.errors == [], f"the pages had script errors: {watch.errors}"


@pytest.fixture
def page(context: BrowserContext, watch: Watch) -> Page:
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        # A page answered with 4xx on purpose (a refused form) is logged as a failed load;
        # failed assets are caught by on_response below, so those lines are not errors here.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            watch.errors.append(message.text)

    def on_response(response: Response) -> None:
        # Pages and form posts may answer 4xx on purpose (a refused form); assets never may.
        if response.status >= 400 and response.request.resource_type not in INTENDED:
            watch.errors.append(f"{response.status} for {response.url}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: watch.errors.append(str(error)))
    tab.on("response", on_response)

    def on_failure(request: Request) -> None:
        # A load cut short because the page moved on (ERR_ABORTED) is not a fault.
        if request.failure != "net::ERR_ABORTED":
            watch.errors.append(f"failed: {request.url} ({request.failure})")

    tab.on("requestfailed", on_failure)
    return tab
