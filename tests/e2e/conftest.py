"""End-to-end helpers: the real `headway` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Headway = Callable[..., subprocess.CompletedProcess[str]]


def headway_in(folder: Path) -> Headway:
    """Runs `headway ARGS...` in `folder` as a user would; returns the finished process."""

    def run(
        *args: str, database: str | None = None, cwd: Path | None = None, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_")}
        if database:
            env["HEADWAY_DATABASE_URL"] = database
        return subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [sys.executable, "-m", "headway", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd or folder,
            input=stdin,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def headway(tmp_path: Path) -> Headway:
    """Run `headway ARGS...` as a user would; returns the finished process (never raises)."""
    return headway_in(tmp_path)


@pytest.fixture(scope="module")
def module_headway(tmp_path_factory: pytest.TempPathFactory) -> Headway:
    """`headway`, for a module-scoped fixture that runs the command once for all its tests."""
    return headway_in(tmp_path_factory.mktemp("headway"))
