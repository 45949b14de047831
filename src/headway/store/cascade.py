"""Deleting rows with every row that belongs to them, in an order the foreign keys give.

Which references own the rows that hold them is declared once, in tables.py: a foreign key
with `ondelete="CASCADE"` (the database cascades along the same ones). A row that only refers
to a deleted row without belonging to it (an objective aligned under another, a KPI of a
unit) is never removed here: services refuse such deletes with a Conflict first, and the
database refuses them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from graphlib import CycleError, TopologicalSorter

import sqlalchemy as sa

from headway.store.tables import metadata


def owns(reference: sa.ForeignKey) -> bool:
    """True when the referring row belongs to the row it refers to and goes with it."""
    return reference.ondelete == "CASCADE"


@dataclass(frozen=True, slots=True)
class _Plan:
    root: sa.Table
    tables: tuple[sa.Table, ...]  # the root and its dependants, children first
    cuts: tuple[sa.ForeignKey, ...]  # links between doomed rows to clear before deleting


def _dependants(root: sa.Table) -> list[sa.Table]:
    """The root and every table whose rows belong, through owning references, to its rows."""
    found = [root]
    grew = True
    while grew:
        grew = False
        for table in metadata.sorted_tables:
            if table in found:
                continue
            if any(owns(fk) and fk.column.table in found for fk in table.foreign_keys):
                found.append(table)
                grew = True
    for table in found:
        if any(owns(fk) and fk.column.table is table for fk in table.foreign_keys):
            raise ValueError(f"{table.name} owns rows of its own table: a cascade needs recursion")
    return found


@cache
def _plan(table_name: str) -> _Plan:
    root = metadata.tables[table_name]
    doomed = _dependants(root)
    # A referring row goes before the row it refers to. References within one table are
    # checked at the end of the DELETE statement, so they need no order.
    links = [
        fk
        for table in doomed
        for fk in table.foreign_keys
        if fk.column.table in doomed and fk.column.table is not table
    ]
    cuts: list[sa.ForeignKey] = []
    while True:
        graph: dict[sa.Table, set[sa.Table]] = {table: set() for table in doomed}
        for fk in links:
            if fk not in cuts:
                graph[fk.column.table].add(fk.parent.table)
        try:
            order = tuple(TopologicalSorter(graph).static_order())
        except CycleError as cycle:
            cuts.append(_cut(cycle.args[1], links, cuts))
            continue
        return _Plan(root=root, tables=order, cuts=tuple(cuts))


def _cut(
    cycle: list[sa.Table], links: list[sa.ForeignKey], cuts: list[sa.ForeignKey]
) -> sa.ForeignKey:
    """A link of the cycle that can be cleared first: nullable, and not owning its row."""
    for child, parent in zip(cycle, cycle[1:], strict=False):
        for fk in links:
            if (
                fk not in cuts
                and fk.parent.table is child
                and fk.column.table is parent
                and fk.parent.nullable
                and not owns(fk)
            ):
                return fk
    names = " -> ".join(table.name for table in cycle)
    raise ValueError(f"references form a cycle that no nullable link breaks: {names}")


def _doomed_rows(plan: _Plan, ids: Sequence[int]) -> dict[sa.Table, sa.ColumnElement[bool]]:
    """For each table of the plan, the condition its doomed rows meet (parents first)."""
    conditions: dict[sa.Table, sa.ColumnElement[bool]] = {plan.root: plan.root.c.id.in_(ids)}
    for table in reversed(plan.tables):
        if table is plan.root:
            continue
        ways = []
        for fk in table.foreign_keys:
            parent = fk.column.table
            if not owns(fk) or parent not in conditions:
                continue
            if parent is plan.root and fk.column.name == "id":
                ways.append(fk.parent.in_(ids))
            else:
                ways.append(fk.parent.in_(sa.select(fk.column).where(conditions[parent])))
        conditions[table] = sa.or_(*ways)
    return conditions


def delete_with_dependants(
    conn: sa.Connection, table_name: str, ids: Sequence[int]
) -> dict[str, int]:
    """Delete these rows of a table and every row that belongs to them; rows deleted per table.

    A set-based statement per table, children first; links between doomed rows that would
    stand in the way (an objective aligned under a key result of the same workspace) are
    cleared first.
    """
    plan = _plan(table_name)
    if not ids:
        return {table.name: 0 for table in plan.tables}
    doomed = _doomed_rows(plan, list(ids))
    for fk in plan.cuts:
        table, parent = fk.parent.table, fk.column.table
        pointing = fk.parent.in_(sa.select(fk.column).where(doomed[parent]))
        conn.execute(table.update().where(doomed[table], pointing).values({fk.parent.name: None}))
    counts = {}
    for table in plan.tables:
        counts[table.name] = conn.execute(table.delete().where(doomed[table])).rowcount
    return counts
