"""Units of work for the integration tests, on database URLs the tests make."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from headway.config import load_settings
from headway.store.uow import UnitOfWork, make_uow


@pytest.fixture
def uows() -> Iterator[Callable[[str], UnitOfWork]]:
    """Units of work on given URLs, their engines disposed after the test."""
    made: list[UnitOfWork] = []

    def make(url: str) -> UnitOfWork:
        made.append(make_uow(load_settings(database_url=url)))
        return made[-1]

    yield make
    for uow in made:
        uow.engine.dispose()


@pytest.fixture
def uow(migrated_url: str, uows: Callable[[str], UnitOfWork]) -> UnitOfWork:
    """A unit of work on a migrated database of each kind (SQLite, PostgreSQL)."""
    return uows(migrated_url)
