"""The SQL an engine sends while a block runs: what query-count tests count, never time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa


@contextmanager
def _listening(engine: sa.Engine, record: Callable[[str, Any], None]) -> Iterator[None]:
    def seen(*args: Any) -> None:
        record(args[2], args[3])

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL of every statement the engine sends while the block runs."""
    sent: list[str] = []
    with _listening(engine, lambda sql, _: sent.append(sql)):
        yield sent


@contextmanager
def statements_with_parameters(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the engine sends while the block runs, with its parameters."""
    sent: list[tuple[str, Any]] = []
    with _listening(engine, lambda sql, parameters: sent.append((sql, parameters))):
        yield sent
