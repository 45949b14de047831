"""Who may do what (docs/concepts.md, "Who may do what"): pure predicates, no I/O.

Everyone active in a workspace reads everything in it. Viewers only read; admins write
everything in their workspace; members write what a unit of theirs (or a unit below it) owns,
and what they own themselves. Inactive people may do nothing, and nobody may touch another
workspace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from headway.domain.model import Initiative, KeyResult, Kpi, Objective, Person, Role, Unit


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """A person acting in one workspace, with the rights of their role."""

    person_id: int
    workspace_id: int
    role: Role
    unit_ids: frozenset[int] = frozenset()
    active: bool = True

    @classmethod
    def of(cls, person: Person, workspace_id: int) -> Actor:
        """The actor a person of `workspace_id` is."""
        return cls(
            person_id=person.id,
            workspace_id=workspace_id,
            role=Role(person.role),
            unit_ids=frozenset(person.unit_ids),
            active=person.active,
        )


class UnitTree:
    """The organisation tree of one workspace, for "this unit or a unit below it" questions."""

    __slots__ = ("_children", "_parents", "workspace_id")

    def __init__(self, units: Iterable[Unit], *, workspace_id: int | None = None) -> None:
        self.workspace_id = workspace_id
        self._parents: dict[int, int | None] = {}
        self._children: dict[int, list[int]] = {}
        for unit in units:
            self._parents[unit.id] = unit.parent_id
            if unit.parent_id is not None:
                self._children.setdefault(unit.parent_id, []).append(unit.id)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._parents

    def descendants_or_self(self, unit_ids: Iterable[int]) -> frozenset[int]:
        """The given units (those in the tree) and every unit below them."""
        found: set[int] = set()
        stack = [u for u in unit_ids if u in self._parents]
        # `found` doubles as the visited set, so a corrupt tree with a cycle still terminates.
        while stack:
            unit_id = stack.pop()
            if unit_id in found:
                continue
            found.add(unit_id)
            stack.extend(self._children.get(unit_id, ()))
        return frozenset(found)

    def is_ancestor(self, ancestor_id: int, unit_id: int) -> bool:
        """True when `ancestor_id` is strictly above `unit_id` in the tree."""
        seen: set[int] = set()
        current = self._parents.get(unit_id)
        while current is not None and current not in seen:
            if current == ancestor_id:
                return True
            seen.add(current)
            current = self._parents.get(current)
        return False

    def is_within(self, unit_id: int | None, unit_ids: Iterable[int]) -> bool:
        """True when `unit_id` is one of `unit_ids` or below one of them."""
        if unit_id is None or unit_id not in self._parents:
            return False
        roots = set(unit_ids)
        return unit_id in roots or any(self.is_ancestor(root, unit_id) for root in roots)


def can_read(actor: Actor, workspace_id: int) -> bool:
    """Everyone active in a workspace reads everything in it."""
    return actor.active and actor.workspace_id == workspace_id


def can_admin(actor: Actor) -> bool:
    """People, units, periods, closing a period and the audit log: admins only."""
    return actor.active and actor.role == Role.ADMIN


def can_write_something(actor: Actor) -> bool:
    """Whether the actor may write anything at all: an active admin or member, not a viewer.
    Asked before an upload is read, so that who may not import costs no reading."""
    return actor.active and actor.role != Role.VIEWER


def units_decide(actor: Actor) -> bool:
    """Whether the unit tree can change what the actor may write: only an active member's
    rights depend on it (an admin writes everything, a viewer or an inactive person nothing)."""
    return actor.active and actor.role == Role.MEMBER


def _gate(actor: Actor, tree: UnitTree) -> bool | None:
    """The answer when role, activity or workspace alone decide it; None when rows must."""
    if tree.workspace_id is not None and tree.workspace_id != actor.workspace_id:
        return False
    if not units_decide(actor):
        return actor.active and actor.role == Role.ADMIN
    return None


def _owns_unit(actor: Actor, unit_id: int | None, tree: UnitTree) -> bool:
    return tree.is_within(unit_id, actor.unit_ids)


def can_write_objective(actor: Actor, objective: Objective, tree: UnitTree) -> bool:
    """Edit or delete an objective: its owner, or a member of its unit or a unit above."""
    decided = _gate(actor, tree)
    if decided is not None:
        return decided
    return objective.owner_id == actor.person_id or _owns_unit(actor, objective.owner_unit_id, tree)


def can_create_objective(
    actor: Actor, owner_unit_id: int | None, owner_id: int | None, tree: UnitTree
) -> bool:
    """Create an objective for a unit of the actor's (or below), or a personal one of theirs."""
    decided = _gate(actor, tree)
    if decided is not None:
        return decided
    # A member may not plant an objective on a foreign unit by naming themselves its owner.
    if owner_unit_id is not None:
        return _owns_unit(actor, owner_unit_id, tree)
    return owner_id is not None and owner_id == actor.person_id


def can_write_key_result(
    actor: Actor, key_result: KeyResult, objective: Objective, tree: UnitTree
) -> bool:
    """Edit a key result: its owner, or whoever may write its objective."""
    decided = _gate(actor, tree)
    if decided is not None:
        return decided
    return key_result.owner_id == actor.person_id or can_write_objective(actor, objective, tree)


def can_check_in(actor: Actor, key_result: KeyResult, objective: Objective, tree: UnitTree) -> bool:
    """Record a check-in: the same people who may write the key result."""
    return can_write_key_result(actor, key_result, objective, tree)


def can_write_initiative(
    actor: Actor,
    initiative: Initiative,
    key_result: KeyResult | None,
    objective: Objective,
    tree: UnitTree,
) -> bool:
    """Edit an initiative: its owner, or whoever may write its key result (or objective)."""
    decided = _gate(actor, tree)
    if decided is not None:
        return decided
    if initiative.owner_id is not None and initiative.owner_id == actor.person_id:
        return True
    if key_result is not None:
        return can_write_key_result(actor, key_result, objective, tree)
    return can_write_objective(actor, objective, tree)


def can_create_kpi(actor: Actor, owner_unit_id: int, tree: UnitTree) -> bool:
    """Create a KPI owned by a unit of the actor's (or a unit below)."""
    decided = _gate(actor, tree)
    if decided is not None:
        return decided
    return _owns_unit(actor, owner_unit_id, tree)


def can_write_kpi(actor: Actor, kpi: Kpi, tree: UnitTree) -> bool:
    """Edit a KPI: a member of its owning unit or a unit above it.

    Unlike OKRs, docs/concepts.md gives KPIs to units only: a KPI's named owner who has moved to
    another unit no longer writes it.
    """
    decided = _gate(actor, tree)
    if decided is not None:
        return decided
    return _owns_unit(actor, kpi.owner_unit_id, tree)


def can_record_measurement(actor: Actor, kpi: Kpi, tree: UnitTree) -> bool:
    """Record a measurement: the same people who may write the KPI."""
    return can_write_kpi(actor, kpi, tree)
