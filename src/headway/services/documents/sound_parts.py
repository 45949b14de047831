"""The sound parts of a document whose shape is partly broken, so its meaning can be checked too.

A shape problem breaks the innermost list item that holds it (`kpis[2].measurements[5]`), or
a top-level field. Those parts are left out, the rest is parsed, and the meaning checks run on
it; their paths are then put back in the document's own numbering. Keys of parts left out still
count as known, so a reference to a broken part is not reported a second time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.services.documents.document import WorkspaceDoc, parse_document, path_of

Location = tuple[int | str, ...]

# The kind of part each list of the document holds (as `check_document` names the kinds), and
# the field others refer to it by.
_KEYED = {
    "units": ("unit", "key"),
    "people": ("person", "key"),
    "periods": ("period", "name"),
    "kpis": ("kpi", "key"),
    "objectives": ("objective", "key"),
    "key_results": ("key_result", "key"),
}
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
# A top-level text field left out still needs a value for the rest to parse.
_STAND_INS = {"workspace": "?"}


class AnyKey(set[str]):
    """Every key: the kind's whole list was broken, so no reference to it can be checked."""

    def __contains__(self, key: object) -> bool:
        return True


@dataclass(slots=True)
class SoundParts:
    """The document's shape problems, and its sound parts (None when nothing can be read)."""

    problems: list[FieldProblem]
    doc: WorkspaceDoc | None = None
    # the original indices kept in each list (by its location) that lost items
    kept: dict[Location, list[int]] = field(default_factory=dict)
    # keys of parts left out, by kind (`unit`, `person`, `kpi`, `objective`, `key_result`)
    unchecked: dict[str, set[str]] = field(default_factory=dict)

    def original(self, problem: FieldProblem) -> FieldProblem:
        """A meaning problem of the sound parts with its path in the document's numbering."""
        if not self.kept:
            return problem
        location: list[int | str] = []
        for name, index in _PATH_PART.findall(problem.field):
            if name:
                location.append(name)
                continue
            kept = self.kept.get(tuple(location))
            location.append(kept[int(index)] if kept is not None else int(index))
        return FieldProblem(path_of(tuple(location)), problem.message)


def sound_parts(data: object) -> SoundParts:
    """Parse the document; when its shape is broken, what is left once the broken parts go."""
    try:
        return SoundParts(problems=[], doc=parse_document(data))
    except ValidationFailed as failed:
        problems = failed.problems
        if not isinstance(data, dict):
            return SoundParts(problems=problems)
    broken: list[Location] = []
    try:
        WorkspaceDoc.model_validate(data)
    except ValidationError as exc:
        broken = [tuple(error["loc"]) for error in exc.errors()]
    parts = SoundParts(problems=problems)
    pruned = _without(data, (), _broken_items(broken), parts)
    for location in broken:
        if len(location) == 1 or not any(isinstance(step, int) for step in location):
            _leave_out_field(pruned, data, location[0], parts)
    try:
        parts.doc = WorkspaceDoc.model_validate(pruned)
    except ValidationError:
        parts.doc = None  # a shape no part of which can be read on its own
    return parts


def _broken_items(locations: Iterable[Location]) -> set[Location]:
    """The location of the innermost list item holding each problem."""
    items = set()
    for location in locations:
        last = max((n for n, step in enumerate(location) if isinstance(step, int)), default=None)
        if last is not None:
            items.add(location[: last + 1])
    return items


def _without(value: Any, here: Location, broken: set[Location], parts: SoundParts) -> Any:
    """A copy of `value` without the broken list items, noting what each list kept."""
    if isinstance(value, dict):
        return {k: _without(v, (*here, k), broken, parts) for k, v in value.items()}
    if not isinstance(value, list):
        return value
    kept = [i for i in range(len(value)) if (*here, i) not in broken]
    if len(kept) < len(value):
        parts.kept[here] = kept
        for i in range(len(value)):
            if (*here, i) in broken:
                _note_keys(value[i], here, parts)
    return [_without(value[i], (*here, i), broken, parts) for i in kept]


def _note_keys(item: Any, here: Location, parts: SoundParts) -> None:
    """Count the keys of a part left out (and of its key results) as known."""
    if not isinstance(item, dict) or str(here[-1]) not in _KEYED:
        return
    kind, name = _KEYED[str(here[-1])]
    key = item.get(name)
    if isinstance(key, str | int) and not isinstance(key, bool):
        parts.unchecked.setdefault(kind, set()).add(str(key).strip())
    if kind == "objective" and isinstance(item.get("key_results"), list):
        for kr in item["key_results"]:
            _note_keys(kr, ("key_results",), parts)


def _leave_out_field(
    pruned: dict[str, Any], data: dict[str, Any], name: int | str, parts: SoundParts
) -> None:
    """A broken top-level field: its default (or a stand-in) takes its place."""
    name = str(name)
    if name in _STAND_INS:
        pruned[name] = _STAND_INS[name]
        return
    pruned.pop(name, None)
    if name in _KEYED and not isinstance(data.get(name), list):
        parts.unchecked[_KEYED[name][0]] = AnyKey()
        if name == "objectives":
            parts.unchecked["key_result"] = AnyKey()
