"""Who may do what (docs/concepts.md): viewers read, members write their units' rows, admins all."""

from __future__ import annotations

import pytest
from builders import kpi, metric, objective, person, unit

from headway.domain.model import Initiative, Role, UnitKind
from headway.domain.permissions import (
    Actor,
    UnitTree,
    can_admin,
    can_check_in,
    can_create_kpi,
    can_create_objective,
    can_read,
    can_record_measurement,
    can_write_initiative,
    can_write_key_result,
    can_write_kpi,
    can_write_objective,
)

WS = 1
# Example Co (1) > Support (2) > Support EMEA (4); Example Co > Sales (3)
UNITS = [
    unit(1, "Example Co", UnitKind.COMPANY),
    unit(2, "Support", UnitKind.DEPARTMENT, 1),
    unit(3, "Sales", UnitKind.DEPARTMENT, 1),
    unit(4, "Support EMEA", UnitKind.TEAM, 2),
]
TREE = UnitTree(UNITS, workspace_id=WS)

ADMIN = Actor(person_id=1, workspace_id=WS, role=Role.ADMIN)
SUPPORT = Actor(person_id=2, workspace_id=WS, role=Role.MEMBER, unit_ids=frozenset({2}))
EMEA = Actor(person_id=4, workspace_id=WS, role=Role.MEMBER, unit_ids=frozenset({4}))
VIEWER = Actor(person_id=5, workspace_id=WS, role=Role.VIEWER, unit_ids=frozenset({1}))


def test_actor_of_a_person_carries_role_units_and_activity() -> None:
    p = person(2, Role.MEMBER, (2, 3), active=False)
    assert Actor.of(p, WS) == Actor(
        person_id=2, workspace_id=WS, role=Role.MEMBER, unit_ids=frozenset({2, 3}), active=False
    )


# --- the unit tree ---------------------------------------------------------------------------


def test_descendants_or_self_takes_every_unit_below() -> None:
    assert TREE.descendants_or_self([2]) == {2, 4}
    assert TREE.descendants_or_self([1]) == {1, 2, 3, 4}
    assert TREE.descendants_or_self([3, 4]) == {3, 4}
    assert TREE.descendants_or_self([99]) == frozenset()


def test_is_ancestor_is_strict_and_follows_the_parents() -> None:
    assert TREE.is_ancestor(1, 4)
    assert TREE.is_ancestor(2, 4)
    assert not TREE.is_ancestor(4, 4)
    assert not TREE.is_ancestor(3, 4)
    assert not TREE.is_ancestor(4, 2)


def test_a_corrupt_tree_with_a_cycle_does_not_hang() -> None:
    looped = UnitTree([unit(1, "A", UnitKind.TEAM, 2), unit(2, "B", UnitKind.TEAM, 1)])
    assert looped.descendants_or_self([1]) == {1, 2}
    assert looped.is_ancestor(2, 1)
    assert not looped.is_ancestor(3, 1)


# --- reading and administering ---------------------------------------------------------------


@pytest.mark.parametrize("actor", [ADMIN, SUPPORT, VIEWER])
def test_everyone_in_the_workspace_reads_everything_in_it(actor: Actor) -> None:
    assert can_read(actor, WS)
    assert not can_read(actor, WS + 1)


def test_an_inactive_person_reads_nothing() -> None:
    assert not can_read(Actor(person_id=9, workspace_id=WS, role=Role.ADMIN, active=False), WS)


def test_only_active_admins_administer() -> None:
    assert can_admin(ADMIN)
    assert not can_admin(SUPPORT)
    assert not can_admin(VIEWER)
    assert not can_admin(Actor(person_id=1, workspace_id=WS, role=Role.ADMIN, active=False))


# --- objectives, key results, check-ins, initiatives -----------------------------------------


def test_a_member_writes_objectives_of_their_unit_and_the_units_below() -> None:
    assert can_write_objective(SUPPORT, objective(1, owner_unit_id=2), TREE)
    assert can_write_objective(SUPPORT, objective(1, owner_unit_id=4), TREE)


def test_a_member_does_not_write_objectives_of_other_or_higher_units() -> None:
    assert not can_write_objective(SUPPORT, objective(1, owner_unit_id=3), TREE)
    assert not can_write_objective(SUPPORT, objective(1, owner_unit_id=1), TREE)
    assert not can_write_objective(EMEA, objective(1, owner_unit_id=2), TREE)


def test_a_member_writes_an_objective_they_own_in_any_unit() -> None:
    assert can_write_objective(SUPPORT, objective(1, owner_unit_id=3, owner_id=2), TREE)
    assert can_write_objective(SUPPORT, objective(1, owner_unit_id=None, owner_id=2), TREE)


def test_a_viewer_never_writes_even_their_own() -> None:
    own = objective(1, owner_unit_id=1, owner_id=5)
    kr = metric(11, 1, owner_id=5)
    assert not can_write_objective(VIEWER, own, TREE)
    assert not can_write_key_result(VIEWER, kr, own, TREE)
    assert not can_check_in(VIEWER, kr, own, TREE)
    assert not can_create_objective(VIEWER, 1, 5, TREE)
    assert not can_write_kpi(VIEWER, kpi(1, owner_unit_id=1, owner_id=5), TREE)


def test_an_admin_writes_everything_in_the_workspace() -> None:
    o = objective(1, owner_unit_id=3, owner_id=7)
    kr = metric(11, 1, owner_id=7)
    assert can_write_objective(ADMIN, o, TREE)
    assert can_write_key_result(ADMIN, kr, o, TREE)
    assert can_check_in(ADMIN, kr, o, TREE)
    assert can_create_objective(ADMIN, 3, None, TREE)
    assert can_write_kpi(ADMIN, kpi(1, owner_unit_id=3), TREE)
    assert can_create_kpi(ADMIN, 3, TREE)


def test_an_inactive_person_writes_nothing() -> None:
    gone = Actor(
        person_id=2, workspace_id=WS, role=Role.MEMBER, unit_ids=frozenset({2}), active=False
    )
    o = objective(1, owner_unit_id=2, owner_id=2)
    assert not can_write_objective(gone, o, TREE)
    assert not can_check_in(gone, metric(11, 1, owner_id=2), o, TREE)
    gone_admin = Actor(person_id=1, workspace_id=WS, role=Role.ADMIN, active=False)
    assert not can_write_objective(gone_admin, o, TREE)


def test_nobody_writes_in_another_workspace() -> None:
    other = UnitTree(UNITS, workspace_id=WS + 1)
    o = objective(1, owner_unit_id=2, owner_id=2)
    assert not can_write_objective(ADMIN, o, other)
    assert not can_write_objective(SUPPORT, o, other)
    assert not can_create_objective(SUPPORT, 2, None, other)
    assert not can_record_measurement(ADMIN, kpi(1, owner_unit_id=2), other)


def test_a_member_creates_objectives_for_their_units_or_for_themselves() -> None:
    assert can_create_objective(SUPPORT, 2, None, TREE)
    assert can_create_objective(SUPPORT, 4, 9, TREE)
    assert can_create_objective(SUPPORT, None, 2, TREE)


def test_a_member_does_not_create_objectives_for_other_units_or_people() -> None:
    assert not can_create_objective(SUPPORT, 3, None, TREE)
    assert not can_create_objective(SUPPORT, 3, 2, TREE)
    assert not can_create_objective(SUPPORT, None, 9, TREE)
    assert not can_create_objective(SUPPORT, None, None, TREE)


def test_a_key_result_owner_writes_and_checks_in_on_it_in_a_foreign_objective() -> None:
    foreign = objective(1, owner_unit_id=3)
    mine = metric(11, 1, owner_id=2)
    theirs = metric(12, 1, owner_id=7)
    assert can_write_key_result(SUPPORT, mine, foreign, TREE)
    assert can_check_in(SUPPORT, mine, foreign, TREE)
    assert not can_write_key_result(SUPPORT, theirs, foreign, TREE)
    assert not can_check_in(SUPPORT, theirs, foreign, TREE)


def test_whoever_writes_the_objective_writes_its_key_results() -> None:
    o = objective(1, owner_unit_id=4)
    kr = metric(11, 1, owner_id=7)
    assert can_write_key_result(SUPPORT, kr, o, TREE)
    assert can_check_in(EMEA, kr, o, TREE)


def test_initiatives_follow_their_owner_their_key_result_or_their_objective() -> None:
    foreign = objective(1, owner_unit_id=3)
    theirs = metric(11, 1, owner_id=7)
    mine = metric(12, 1, owner_id=2)
    assert can_write_initiative(
        SUPPORT, Initiative(id=1, title="x", owner_id=2), theirs, foreign, TREE
    )
    assert can_write_initiative(
        SUPPORT, Initiative(id=1, title="x", owner_id=7), mine, foreign, TREE
    )
    assert not can_write_initiative(
        SUPPORT, Initiative(id=1, title="x", owner_id=7), theirs, foreign, TREE
    )
    on_objective = Initiative(id=1, title="x", objective_id=1, owner_id=7)
    assert can_write_initiative(SUPPORT, on_objective, None, objective(1, owner_unit_id=2), TREE)
    assert not can_write_initiative(SUPPORT, on_objective, None, foreign, TREE)


# --- KPIs and measurements -------------------------------------------------------------------


def test_a_member_writes_kpis_of_their_units_and_below() -> None:
    assert can_write_kpi(SUPPORT, kpi(1, owner_unit_id=2), TREE)
    assert can_record_measurement(SUPPORT, kpi(1, owner_unit_id=4), TREE)
    assert can_create_kpi(SUPPORT, 4, TREE)


def test_a_member_does_not_write_kpis_of_other_or_higher_units() -> None:
    assert not can_write_kpi(SUPPORT, kpi(1, owner_unit_id=3), TREE)
    assert not can_record_measurement(EMEA, kpi(1, owner_unit_id=2), TREE)
    assert not can_create_kpi(SUPPORT, 1, TREE)


def test_the_named_owner_of_another_units_kpi_does_not_write_it() -> None:
    assert not can_record_measurement(SUPPORT, kpi(1, owner_unit_id=3, owner_id=2), TREE)
