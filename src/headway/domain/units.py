"""The organisation tree read top-down: the order pages and reports list units in."""

from __future__ import annotations

from collections.abc import Iterable

from headway.domain.model import Unit


def depth_first(units: Iterable[Unit]) -> list[tuple[Unit, int]]:
    """Units from the company down, each with its depth; siblings by name.

    A unit whose parent is not among `units` starts a tree of its own. Each unit comes once,
    so even a corrupt tree with a cycle cannot loop.
    """
    units = list(units)
    ids = {u.id for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in sorted(units, key=lambda u: (u.name.lower(), u.id)):
        children.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    ordered: list[tuple[Unit, int]] = []
    seen: set[int] = set()
    stack = [(u, 0) for u in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        ordered.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.id, [])))
    return ordered
