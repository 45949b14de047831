"""The moment the tests act at, one fixed time: what a test writes is the same every run."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def clock() -> datetime:
    """The clock the services are given in tests: always NOW."""
    return NOW
