"""What a check-in sends: the same few statements however many units the workspace holds, and
of the unit tree only the owning unit and the units above it (read for a member, whose units
decide; not at all for an admin, whose role does). On real SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import yaml
from rows_by_key import id_by_key
from sent_statements import statements

from examples import SEEDS
from fixed_time import clock
from headway.domain.errors import PermissionDenied
from headway.domain.model import Workspace
from headway.services.access.actors import Caller
from headway.services.access.workspaces import resolve_workspace
from headway.services.documents.imports import import_workspace
from headway.services.okrs.checkins import record_check_in
from headway.store import people as people_store
from headway.store import tables as t
from headway.store import units as unit_store
from headway.store.uow import UnitOfWork


def _company(uow: UnitOfWork, name: str, extra_units: int) -> Workspace:
    """Example Co under another name, with `extra_units` more teams under Support."""
    document = yaml.safe_load(SEEDS.read_text())
    document["workspace"] = name
    for person in document["people"]:
        person["email"] = person["email"].replace(
            "example.com", f"{name.split()[0].lower()}.example"
        )
    document["units"] += [
        {"key": f"team-{i}", "name": f"Team {i}", "kind": "team", "parent": "support"}
        for i in range(extra_units)
    ]
    import_workspace(uow, document, actor_label="test", clock=clock)
    return resolve_workspace(uow, name)


def _caller(uow: UnitOfWork, workspace: Workspace, who: str) -> Caller:
    email = f"{who}@{workspace.name.split()[0].lower()}.example"
    with uow.reading():
        person = people_store.find_person_by_email(uow.conn, workspace.id, email)
    assert person is not None
    return Caller(label=email, person=person, workspace_id=workspace.id)


def _check_in_sends(uow: UnitOfWork, workspace: Workspace, who: str) -> list[str]:
    """The statements a check-in on Sales' "deals" by `who` sends."""
    caller = _caller(uow, workspace, who)
    key_result = id_by_key(uow, workspace, t.key_result, "deals")
    with statements(uow.engine) as sent:
        record_check_in(uow, workspace, key_result, value=1, caller=caller, clock=clock)
    return sent


def _reads_units(sent: list[str]) -> list[str]:
    return [s for s in sent if " unit" in s and "FROM unit" in " ".join(s.split())]


@pytest.fixture
def companies(uow: UnitOfWork) -> tuple[UnitOfWork, Workspace, Workspace]:
    return uow, _company(uow, "Small Co", 0), _company(uow, "Large Co", 200)


def test_a_check_in_sends_the_same_statements_for_any_number_of_units(
    companies: tuple[UnitOfWork, Workspace, Workspace],
) -> None:
    uow, small, large = companies
    for who in ("sales-lead", "ceo"):
        assert len(_check_in_sends(uow, small, who)) == len(_check_in_sends(uow, large, who))


def test_a_member_s_check_in_reads_only_the_units_above_the_owning_one(
    companies: tuple[UnitOfWork, Workspace, Workspace],
) -> None:
    uow, _, large = companies
    (reads_units,) = _reads_units(_check_in_sends(uow, large, "sales-lead"))
    assert "WITH RECURSIVE" in reads_units.upper()
    sales, co = (id_by_key(uow, large, t.unit, key) for key in ("sales", "co"))
    with uow.reading():
        above = unit_store.units_and_above(uow.conn, large.id, [sales])
    assert [u.id for u in above] == sorted([sales, co])


def test_an_admin_s_check_in_reads_no_unit(
    companies: tuple[UnitOfWork, Workspace, Workspace],
) -> None:
    uow, _, large = companies
    assert _reads_units(_check_in_sends(uow, large, "ceo")) == []


def test_a_member_of_another_unit_still_may_not_check_in(
    companies: tuple[UnitOfWork, Workspace, Workspace],
) -> None:
    uow, _, large = companies
    with pytest.raises(PermissionDenied):
        _check_in_sends(uow, large, "support-lead")
