"""Take the README's screenshots of the main pages: `make screenshots`.

Serves the demo company from a scratch SQLite file, signs in with Debian's Chromium (driven by
Playwright) and writes PNGs to docs/screenshots/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = os.environ.get("HEADWAY_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def headway(*args: str, stdout: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "headway", *args], stdout=stdout, text=True)  # noqa: S603


def announced_base(server: subprocess.Popen[str]) -> str:
    """The address `serve --port 0` prints: the system picked the port, so none can race it."""
    line = server.stdout.readline() if server.stdout else ""
    found = re.search(r"http://[\d.]+:\d+", line)
    if found is None:
        raise SystemExit(f"headway serve did not say where it listens: {line!r}")
    return found.group(0)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{scratch}/headway.db"
        for step in (("init",), ("demo",)):
            headway(*step, "--database", database).wait()
        server = headway(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--database",
            database,
            stdout=subprocess.PIPE,
        )
        try:
            base = announced_base(server)
            for _ in range(100):
                try:
                    httpx.get(base + "/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            shoot(base)
        finally:
            server.terminate()
            server.wait()


def shoot(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(base + "/login")
        page.screenshot(path=OUT / "sign-in.png")
        page.get_by_label("Email").fill("ceo@northwind.example")
        page.get_by_label("Password").fill("headway-demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        snap(page, "dashboard")
        page.locator("#tree-h ~ .unit a").first.click()
        snap(page, "objective")
        page.goto(base + "/kpis")
        snap(page, "kpis")
        page.get_by_role("link", name="First response time").click()
        snap(page, "kpi")
        page.set_viewport_size({"width": 360, "height": 780})
        page.goto(base + "/")
        page.screenshot(path=OUT / "dashboard-360.png")
        browser.close()


def snap(page: Page, name: str) -> None:
    page.wait_for_load_state()
    page.screenshot(path=OUT / f"{name}.png", full_page=True)
    print(f"wrote {OUT / name}.png")  # noqa: T201 - a script's report


if __name__ == "__main__":
    main()
