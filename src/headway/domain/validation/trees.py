"""Rules for rows together: units form one tree, and alignment (with contributions) never
loops."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from headway.domain.errors import FieldProblem
from headway.domain.model import KeyResult, KeyResultKind, Objective, UnitKind


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
    """True when aligning the objective under this parent (or making it contribute to this
    objective or key result: the same walk) would make it its own ancestor.

    Above an objective are its parent, the objective of its parent key result, and whatever
    it contributes to (objectives, and the objectives of key results), so a cycle through any
    mix of these links is found."""

    def parents_of(parent: int | None, parent_kr: int | None) -> list[int]:
        found = [] if parent is None else [parent]
        kr = key_results.get(parent_kr) if parent_kr is not None else None
        if kr is not None:
            found.append(kr.objective_id)
        return found

    # The walk starts at the proposed parents, so the objective's stored links (which the
    # change replaces) are never followed; `seen` stops it in a cycle that is already there.
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
            stack.extend(above.contributes_to)
            for kr_id in above.contributes_to_key_results:
                stack.extend(parents_of(None, kr_id))
    return False


MAX_CONTRIBUTIONS = 50  # links from one objective: more is no alignment anyone can read


@dataclass(frozen=True, slots=True)
class Contribution:
    """One link an objective would make, and the field a problem with it is named by
    (`contributes_to[1]`, or `objectives[2].contributes_to[0]` in a document): exactly one
    of the target objective and the target key result is set."""

    field: str
    objective_id: int | None = None
    key_result_id: int | None = None


def validate_contributions(
    objective: Objective,
    links: Sequence[Contribution],
    objectives: Mapping[int, Objective],
    key_results: Mapping[int, KeyResult],
    *,
    period_field: str | None = "period_id",
    by_id: bool = False,
) -> list[FieldProblem]:
    """Every problem with the links the objective would contribute through (docs/concepts.md):
    each target exists in the objective's period (a target of another workspace is simply not
    there), is neither the objective nor one of its own key results nor its parent, is listed
    once, and closes no cycle of alignment; a key result target is a rollup (only a rollup's
    figure comes from the objectives under it). `objectives` and `key_results` are the
    workspace's, with their stored links; the objective's own entry, if any, is passed over.

    Also: the objective stays in the period of those that contribute to it (or to one of its
    key results), else a problem named `period_field` (None: not asked, as when every
    objective's own links are checked, which finds such a link from its other end).

    `by_id`: the links come as ids in two lists (the API's `contributes_to` and
    `contributes_to_key_results`), so an id that is no target of its list's kind but one of
    the other kind in the period is named as such (an id in the wrong list)."""
    problems: list[FieldProblem] = []
    if len(links) > MAX_CONTRIBUTIONS:
        where = links[MAX_CONTRIBUTIONS].field.rsplit("[", 1)[0]
        return [FieldProblem(where, f"at most {MAX_CONTRIBUTIONS} links, not {len(links)}")]
    seen: set[tuple[int | None, int | None]] = set()
    for link in links:
        problem = _link_problem(objective, link, objectives, key_results, by_id=by_id)
        if problem is None and (link.objective_id, link.key_result_id) in seen:
            problem = "is listed more than once"
        seen.add((link.objective_id, link.key_result_id))
        if problem is not None:
            problems.append(FieldProblem(link.field, problem))
    if period_field is None:
        return problems
    own = {kr.id for kr in key_results.values() if kr.objective_id == objective.id}
    elsewhere = sorted(
        o.id
        for o in objectives.values()
        if o.id != objective.id
        and o.period_id != objective.period_id
        and (objective.id in o.contributes_to or own & set(o.contributes_to_key_results))
    )
    if elsewhere:
        names = ", ".join(str(i) for i in elsewhere)
        problems.append(
            FieldProblem(
                period_field,
                f"objectives {names} contribute to it from its period: it moves to another "
                "period only once nothing contributes to it",
            )
        )
    return problems


def _link_problem(
    objective: Objective,
    link: Contribution,
    objectives: Mapping[int, Objective],
    key_results: Mapping[int, KeyResult],
    *,
    by_id: bool,
) -> str | None:
    if link.key_result_id is not None:
        kr = key_results.get(link.key_result_id)
        target = objectives.get(kr.objective_id) if kr is not None else None
        if kr is not None and kr.objective_id == objective.id:
            return "is one of this objective's own key results: it cannot contribute to it"
        if kr is None or target is None or target.period_id != objective.period_id:
            if by_id and _in_period(objectives.get(link.key_result_id), objective):
                return (
                    "no such key result in this period, but objective "
                    f"{link.key_result_id} is: an objective goes in contributes_to"
                )
            return "no such key result in this period"
        if kr.kind is not KeyResultKind.ROLLUP:
            return (
                f"is a {kr.kind.value} key result: only a rollup key result counts the "
                "objectives contributing to it"
            )
        if kr.id == objective.parent_key_result_id:
            return "is already the objective's parent key result: it counts there once"
        cycle = alignment_creates_cycle(objective.id, None, kr.id, objectives, key_results)
    else:
        target_id = link.objective_id
        target = objectives.get(target_id) if target_id is not None else None
        if target_id == objective.id:
            return "is the objective itself: it cannot contribute to itself"
        if target is None or target.period_id != objective.period_id:
            kr = key_results.get(target_id) if target_id is not None else None
            if (
                by_id
                and kr is not None
                and kr.kind is KeyResultKind.ROLLUP
                and _in_period(objectives.get(kr.objective_id), objective)
            ):
                return (
                    f"no such objective in this period, but rollup key result {target_id} "
                    "is: a key result goes in contributes_to_key_results"
                )
            return "no such objective in this period"
        if target.id == objective.parent_id:
            return "is already the objective's parent: it counts there once"
        cycle = alignment_creates_cycle(objective.id, target.id, None, objectives, key_results)
    if cycle:
        return "would form a cycle: the objective would be its own ancestor"
    return None


def _in_period(other: Objective | None, objective: Objective) -> bool:
    """True when `other` is an objective (other than this one) of the objective's period."""
    return other is not None and other.id != objective.id and other.period_id == objective.period_id
