"""A real Headway server over a socket on 127.0.0.1, per test module and database kind.

The server runs the worked example (`seeds.yaml`, "Example Co") plus a second workspace
("Other Co") whose admin must see none of the first. Tokens exist for every role the
permission rules tell apart; `ids` maps the document's keys to the rows' ids.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import make_url

from database_copies import copy_sqlite
from examples import SEEDS
from headway.config import load_settings
from headway.services.access.actors import Caller
from headway.services.access.people import create_token
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.store import tables as t
from headway.store.schema import upgrade_database
from headway.store.uow import make_uow
from live_server import headway_server

# Who acts in the permission tests, by the seeds' people: an admin, a member of the Sales
# unit (owner of the revenue OKRs), a member of Support, a viewer, and another workspace's admin.
ACTORS = {
    "admin": ("Example Co", "ceo@example.com"),
    "sales_member": ("Example Co", "sales-lead@example.com"),
    "support_member": ("Example Co", "support-lead@example.com"),
    "viewer": ("Example Co", "observer@example.com"),
    "other_admin": ("Other Co", "ceo@other.example"),
}


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    tokens: dict[str, str]
    ids: dict[str, int] = field(default_factory=dict)

    def client(self, actor: str | None = "admin") -> httpx.Client:
        """An HTTP client acting as `actor` (None: no credentials at all)."""
        headers = {"Authorization": f"Bearer {self.tokens[actor]}"} if actor else {}
        return httpx.Client(base_url=self.base_url + "/api/v1", headers=headers, timeout=30)

    def new_token(self, email: str, workspace: str = "Example Co") -> str:
        """A new token of the person, made on the server's database directly, as `headway token
        create` would."""
        uow = make_uow(load_settings(database_url=self.database_url))
        try:
            made = create_token(
                uow,
                resolve_workspace(uow, workspace),
                email=email,
                caller=Caller.operator(),
                clock=lambda: datetime.now(UTC),
            )
        finally:
            uow.engine.dispose()
        return made.token

    def new_person(self, name: str, email: str, role: str, password: str) -> int:
        """A new person of Example Co with a password, made by its admin over the API; the id."""
        with self.client("admin") as admin:
            made = admin.post(
                "/people",
                json={"name": name, "email": email, "role": role, "password": password},
            )
        assert made.status_code == 201, made.text
        return int(made.json()["id"])


def _other_company() -> dict[str, Any]:
    doc = yaml.safe_load(SEEDS.read_text())
    other = copy.deepcopy(doc)
    other["workspace"] = "Other Co"
    for person in other["people"]:
        person["email"] = person["email"].replace("example.com", "other.example")
    return other


def _seed(database_url: str) -> tuple[dict[str, str], dict[str, int]]:
    clock = lambda: datetime(2026, 11, 16, 9, tzinfo=UTC)  # noqa: E731
    uow = make_uow(load_settings(database_url=database_url))
    upgrade_database(uow.engine)
    import_workspace(uow, yaml.safe_load(SEEDS.read_text()), actor_label="test", clock=clock)
    import_workspace(uow, _other_company(), actor_label="test", clock=clock)
    tokens = {}
    for actor, (workspace_name, email) in ACTORS.items():
        workspace = resolve_workspace(uow, workspace_name)
        tokens[actor] = create_token(
            uow, workspace, email=email, caller=Caller.operator(), clock=clock
        ).token
    ids: dict[str, int] = {}
    example = resolve_workspace(uow, "Example Co").id
    with uow:
        for table in (t.unit, t.person, t.kpi, t.objective, t.key_result):
            keyed = sa.select(table.c.key, table.c.id).where(table.c.workspace_id == example)
            ids |= {f"{table.name}:{key}": row_id for key, row_id in uow.conn.execute(keyed)}
        periods = sa.select(t.period.c.name, t.period.c.id, t.period.c.workspace_id)
        for name, row_id, workspace_id in uow.conn.execute(periods):
            ids[f"period:{name}" if workspace_id == example else f"other_period:{name}"] = row_id
    uow.engine.dispose()
    return tokens, ids


Seeded = tuple[str, dict[str, str], dict[str, int]]  # a seeded database's URL, tokens and ids


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The seeded SQLite database, made once a session (xdist: a worker's); `live` copies it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'headway.db'}"
    return url, *_seed(url)


@pytest.fixture(scope="session")
def seeded_postgres(postgres_server: Any) -> Iterator[Seeded]:
    """The seeded PostgreSQL database, made once a session; `live` copies it."""
    url = postgres_server.create_database()
    yield url, *_seed(url)
    postgres_server.drop_database(url)


CopySeeded = Callable[[pytest.FixtureRequest], AbstractContextManager[Seeded]]


@pytest.fixture(scope="session")
def copy_seeded(tmp_path_factory: pytest.TempPathFactory) -> CopySeeded:
    """A copy of the session's seeded database, of the kind a parametrised fixture's
    `request.param` names ("sqlite" or "postgresql"): the same rows, ids and tokens (~0.1 s
    where seeding takes ~1.5 s). PostgreSQL's copy is dropped when the `with` ends."""

    @contextmanager
    def copy(request: pytest.FixtureRequest) -> Iterator[Seeded]:
        server = None
        if request.param == "sqlite":
            template, tokens, ids = request.getfixturevalue("seeded_sqlite")
            path = tmp_path_factory.mktemp("live") / "headway.db"
            database_url = copy_sqlite(Path(str(make_url(template).database)), path)
        else:
            server = request.getfixturevalue("postgres_server")
            template, tokens, ids = request.getfixturevalue("seeded_postgres")
            database_url = server.create_database(copy_of=template)
        yield database_url, tokens, ids
        if server is not None:
            server.drop_database(database_url)

    return copy


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def live(request: pytest.FixtureRequest, copy_seeded: CopySeeded) -> Iterator[LiveServer]:
    """A `headway serve` process with a copy of the seeded database, for one test module."""
    with copy_seeded(request) as (database_url, tokens, ids), headway_server(database_url) as url:
        yield LiveServer(url, database_url, tokens=dict(tokens), ids=dict(ids))
