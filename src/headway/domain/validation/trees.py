"""Rules for rows together: units form one tree, and alignment never loops."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from headway.domain.errors import FieldProblem
from headway.domain.model import KeyResult, Objective, UnitKind


def validate_unit_tree(
    units: Iterable[tuple[int, UnitKind | str, int | None]],
    *,
    field_of: Callable[[int], str] | None = None,
) -> list[FieldProblem]:
    """Units form one tree: a single company at the root, every other unit under a parent.

    Problems with one unit name its `parent_id` field, or `field_of(unit_id)` when given
    (an import reports `units[3].parent`).
    """
    rows = list(units)
    parents = {unit_id: parent_id for unit_id, _, parent_id in rows}

    def problem(unit_id: int, message: str) -> FieldProblem:
        if field_of is None:
            return FieldProblem("parent_id", f"unit {unit_id} {message}")
        return FieldProblem(field_of(unit_id), message)

    problems: list[FieldProblem] = []
    companies = [unit_id for unit_id, kind, _ in rows if kind == UnitKind.COMPANY]
    if len(companies) != 1:
        problems.append(
            FieldProblem("", f"there must be exactly one company unit (found {len(companies)})")
        )
    for unit_id, kind, parent_id in rows:
        if kind == UnitKind.COMPANY and parent_id is not None:
            problems.append(problem(unit_id, "is the company: it has no parent"))
        elif kind != UnitKind.COMPANY and parent_id is None:
            problems.append(problem(unit_id, "needs a parent: only the company has none"))
        elif parent_id is not None and parent_id not in parents:
            problems.append(problem(unit_id, f"has a parent {parent_id} that does not exist"))
    problems += [
        problem(unit_id, "is below itself: units must form a tree")
        for unit_id in parents
        if _is_own_ancestor(unit_id, parents)
    ]
    return problems


def _is_own_ancestor(unit_id: int, parents: Mapping[int, int | None]) -> bool:
    seen: set[int] = set()
    current = parents.get(unit_id)
    while current is not None and current not in seen:
        if current == unit_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def alignment_creates_cycle(
    objective_id: int,
    parent_id: int | None,
    parent_key_result_id: int | None,
    objectives: Mapping[int, Objective],
    key_results: Mapping[int, KeyResult],
) -> bool:
    """True when aligning the objective under this parent would make it its own ancestor."""

    def parents_of(parent: int | None, parent_kr: int | None) -> list[int]:
        found = [] if parent is None else [parent]
        kr = key_results.get(parent_kr) if parent_kr is not None else None
        if kr is not None:
            found.append(kr.objective_id)
        return found

    # The walk starts at the proposed parents, so the objective's stored alignment (which the
    # change replaces) is never followed; `seen` stops it in a cycle that is already there.
    stack = parents_of(parent_id, parent_key_result_id)
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current == objective_id:
            return True
        if current in seen:
            continue
        seen.add(current)
        above = objectives.get(current)
        if above is not None:
            stack.extend(parents_of(above.parent_id, above.parent_key_result_id))
    return False
