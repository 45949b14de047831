"""The SQL an engine sends while a block runs: what query-count tests count, never time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL of every statement the engine sends while the block runs."""
    sent: list[str] = []

    def seen(*args: Any) -> None:
        sent.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
