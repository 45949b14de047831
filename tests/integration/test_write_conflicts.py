"""What writers who meet get, on real SQLite and PostgreSQL: the database's refusals as
conflicts naming the field, only changed fields written, the caller read again inside the
write, and deactivation ending credentials (also through a workspace document)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from fixed_time import NOW, clock
from headway.config import load_settings
from headway.domain.errors import Conflict, PermissionDenied
from headway.domain.model import UnitKind, Workspace
from headway.services.access.actors import Caller, update_audited
from headway.services.access.people import create_token, update_person
from headway.services.access.tokens import caller_for_token
from headway.services.access.units import create_unit
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.exports import export_workspace
from headway.services.documents.imports import import_workspace
from headway.services.documents.workspace_replace import replace_workspace
from headway.store import people as people_store
from headway.store import tables as t
from headway.store.rows import insert_row
from headway.store.uow import UnitOfWork, make_uow
from headway.store.workspaces import lock_workspace


def _company(uow: UnitOfWork, name: str = "Acme") -> Workspace:
    document = {
        "workspace": name,
        "units": [{"key": "co", "name": name, "kind": "company"}],
        "people": [
            {"key": "ada", "name": "Ada", "email": f"ada@{name}.example", "role": "admin"},
            {"key": "bo", "name": "Bo", "email": f"bo@{name}.example", "role": "admin"},
        ],
        "periods": [
            {"name": "Q4", "kind": "quarter", "start": "2026-10-01", "end": "2026-12-31"},
        ],
    }
    import_workspace(uow, document, actor_label="test", clock=clock)
    return resolve_workspace(uow, name)


def _person_id(uow: UnitOfWork, workspace: Workspace, email: str) -> int:
    with uow:
        person = people_store.find_person_by_email(uow.conn, workspace.id, email)
    assert person is not None
    return person.id


def test_a_duplicate_the_database_refuses_is_a_conflict_naming_the_field(uow: UnitOfWork) -> None:
    workspace = _company(uow)
    with pytest.raises(Conflict) as refused, uow:
        people_store.add_person(
            uow.conn,
            workspace.id,
            NOW,
            email="ada@acme.example",
            name="Ada 2",
            role="member",
            active=True,
        )
    assert refused.value.field == "email"
    assert "already in use" in str(refused.value)
    with uow:  # and nothing was written
        count = sa.select(sa.func.count()).select_from(t.person)
        assert uow.conn.execute(count).scalar_one() == 2


def test_a_reference_to_a_row_gone_meanwhile_is_a_conflict(uow: UnitOfWork) -> None:
    workspace = _company(uow)
    with pytest.raises(Conflict), uow:
        insert_row(
            uow.conn,
            "objective",
            NOW,
            workspace_id=workspace.id,
            title="Orphan",
            description="",
            period_id=999_999,
            type="committed",
            state="active",
            position=0,
        )


@pytest.fixture
def postgres_url_for_test(postgres_server: Any, migrated_postgres: str) -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own."""
    url = str(postgres_server.create_database(copy_of=migrated_postgres))
    yield url
    postgres_server.drop_database(url)


@pytest.mark.postgres
def test_a_deadlock_between_two_writers_is_a_conflict_for_one_of_them(
    postgres_url_for_test: str,
) -> None:
    # Two writers lock two workspaces in opposite orders: PostgreSQL aborts one of them.
    uows = [make_uow(load_settings(database_url=postgres_url_for_test)) for _ in range(2)]
    first = _company(uows[0], "Acme")
    second = _company(uows[0], "Globex")
    barrier = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def write(i: int, one: Workspace, other: Workspace) -> None:
        try:
            with uows[i]:
                lock_workspace(uows[i].conn, one.id)
                barrier.wait(timeout=30)
                lock_workspace(uows[i].conn, other.id)
            outcomes[i] = "committed"
        except Exception as exc:  # noqa: BLE001 - looked at below
            outcomes[i] = exc

    threads = [
        threading.Thread(target=write, args=(0, first, second)),
        threading.Thread(target=write, args=(1, second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for made in uows:
        made.engine.dispose()
    assert sorted(map(type, outcomes), key=str) == sorted([str, Conflict], key=str), outcomes
    conflict = next(o for o in outcomes if isinstance(o, Conflict))
    assert "try again" in str(conflict)


def test_an_update_writes_only_the_fields_that_changed(uow: UnitOfWork) -> None:
    workspace = _company(uow)
    with uow:
        unit_id = uow.conn.execute(
            sa.select(t.unit.c.id).where(t.unit.c.workspace_id == workspace.id)
        ).scalar_one()
    # Someone changed the kind after this writer read the unit: a rename leaves that alone.
    stale = {"name": "Acme", "kind": "company", "parent_id": None}
    with uow:
        uow.conn.execute(t.unit.update().where(t.unit.c.id == unit_id).values(kind="department"))
    with uow:
        update_audited(
            uow.conn,
            Caller.operator(),
            workspace,
            "unit",
            unit_id,
            NOW,
            before=stale,
            after=stale | {"name": "Acme Inc"},
        )
    with uow:
        row = uow.conn.execute(sa.select(t.unit).where(t.unit.c.id == unit_id)).one()
    assert (row.name, row.kind) == ("Acme Inc", "department")


def test_the_permission_check_reads_the_caller_again_inside_the_write(uow: UnitOfWork) -> None:
    workspace = _company(uow)
    bo_id = _person_id(uow, workspace, "bo@acme.example")
    token = create_token(
        uow, workspace, email="bo@acme.example", caller=Caller.operator(), clock=clock
    ).token
    bo, _ = caller_for_token(uow, token, clock=clock)  # authenticated while an admin
    update_person(uow, workspace, bo_id, {"role": "member"}, caller=Caller.operator(), clock=clock)
    with pytest.raises(PermissionDenied):
        create_unit(
            uow,
            workspace,
            name="Ghosts",
            kind=UnitKind.TEAM,
            parent_id=None,
            caller=bo,
            clock=clock,
        )
    with uow:
        names = uow.conn.execute(sa.select(t.unit.c.name)).scalars().all()
    assert "Ghosts" not in names


def _live_tokens(uow: UnitOfWork, person_id: int) -> int:
    a = t.api_token.c
    with uow:
        q = sa.select(sa.func.count()).where(a.person_id == person_id, a.revoked_at.is_(None))
        return int(uow.conn.execute(q).scalar_one())


def test_a_document_that_deactivates_someone_ends_their_tokens(uow: UnitOfWork) -> None:
    workspace = _company(uow)
    bo_id = _person_id(uow, workspace, "bo@acme.example")
    create_token(uow, workspace, email="bo@acme.example", caller=Caller.operator(), clock=clock)
    assert _live_tokens(uow, bo_id) == 1
    document = export_workspace(uow, workspace.id)
    for person in document["people"]:
        if person["email"] == "bo@acme.example":
            person["active"] = False
    ada_token = create_token(
        uow, workspace, email="ada@acme.example", caller=Caller.operator(), clock=clock
    ).token
    ada, _ = caller_for_token(uow, ada_token, clock=clock)
    replace_workspace(uow, workspace, lambda: document, replace=True, caller=ada, clock=clock)
    assert _live_tokens(uow, bo_id) == 0


def test_reactivating_someone_deactivated_before_this_rule_ends_their_old_tokens(
    uow: UnitOfWork,
) -> None:
    # A person deactivated by an older release kept their tokens (unusable while inactive).
    workspace = _company(uow)
    bo_id = _person_id(uow, workspace, "bo@acme.example")
    create_token(uow, workspace, email="bo@acme.example", caller=Caller.operator(), clock=clock)
    with uow:
        uow.conn.execute(t.person.update().where(t.person.c.id == bo_id).values(active=False))
    assert _live_tokens(uow, bo_id) == 1
    update_person(uow, workspace, bo_id, {"active": True}, caller=Caller.operator(), clock=clock)
    assert _live_tokens(uow, bo_id) == 0
