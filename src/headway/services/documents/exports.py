"""Exporting a workspace as a document that imports back to the same workspace."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from headway.domain.model import KpiSource, ObjectiveState
from headway.domain.validation.limits import MAX_KEY
from headway.store import kpis as kpi_store
from headway.store import okrs as okr_store
from headway.store import people as people_store
from headway.store import periods as period_store
from headway.store import units as unit_store
from headway.store import workspaces as workspace_store
from headway.store.uow import UnitOfWork


def _number(value: float) -> float | int:
    # 4300000.0 reads better as 4300000; both load back to the same float.
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "item"


class _Keys:
    """The document key of each row: the one it was imported with, else a unique slug."""

    def __init__(
        self,
        rows: Iterable[tuple[int, str | None, str]],
        avoiding: Iterable[str] = (),
        *,
        yielding: bool = False,
    ) -> None:
        """`avoiding`: keys a made-up one must not repeat either (those of another kind);
        `yielding`: a kept key among them gives way too, to itself with a number after it."""
        rows = list(rows)
        avoiding = set(avoiding)
        taken = {key for _, key, _ in rows if key} | avoiding
        self.of: dict[int, str] = {}
        for row_id, key, title in rows:
            if key and not (yielding and key in avoiding):
                self.of[row_id] = key
                continue
            base = key or _slug(title)
            numbered = (_numbered(base, n) for n in itertools.count(2))
            candidates = numbered if key else itertools.chain([base], numbered)
            candidate = next(c for c in candidates if c not in taken)
            taken.add(candidate)
            self.of[row_id] = candidate

    def get(self, row_id: int | None) -> str | None:
        return None if row_id is None else self.of[row_id]


def _numbered(base: str, n: int) -> str:
    """`base` with `-n` after it, within the longest key a document takes."""
    suffix = f"-{n}"
    return base[: MAX_KEY - len(suffix)] + suffix


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is empty, so documents stay short and read like the ones people write."""
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}


def export_workspace(uow: UnitOfWork, workspace_id: int) -> dict[str, Any]:
    """The workspace as a document: a fixed number of queries."""
    with uow.reading():
        conn = uow.conn
        ws = workspace_store.get_workspace(conn, workspace_id)
        units = unit_store.load_units(conn, ws.id)
        people = people_store.load_people(conn, ws.id)
        periods = period_store.load_periods(conn, ws.id)
        kpis = kpi_store.load_kpis(conn, ws.id)
        measurements = kpi_store.load_measurements(conn, ws.id)
        objectives = okr_store.load_objectives(conn, ws.id)
        key_results = okr_store.load_key_results(conn, ws.id)
        check_ins = okr_store.load_check_ins(conn, ws.id)
        initiatives = okr_store.load_initiatives(conn, ws.id)

    unit_keys = _Keys((u.id, u.key, u.name) for u in units)
    person_keys = _Keys((p.id, p.key, p.email.split("@")[0]) for p in people)
    kpi_keys = _Keys((k.id, k.key, k.name) for k in kpis)
    # A contribution names its target by key alone, and the import refuses a key naming both
    # an objective and a key result there: no key is both. Made-up objective keys avoid the
    # key results' stored ones; a key result's key that an objective has gives way to it.
    stored_kr_keys = {kr.key for kr in key_results if kr.key}
    objective_keys = _Keys(((o.id, o.key, o.title) for o in objectives), stored_kr_keys)
    kr_keys = _Keys(
        ((kr.id, kr.key, kr.title) for kr in key_results),
        objective_keys.of.values(),
        yielding=True,
    )
    period_names = {p.id: p.name for p in periods}

    by_kpi: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in measurements:
        by_kpi[m.kpi_id].append(
            _compact(
                {
                    "at": m.at.isoformat(),
                    "value": _number(m.value),
                    "note": m.note,
                    "source": None if m.source is KpiSource.MANUAL else m.source.value,
                }
            )
        )
    by_kr_check_ins: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ci in check_ins:
        by_kr_check_ins[ci.key_result_id].append(
            _compact(
                {
                    "date": ci.effective_date.isoformat(),
                    "value": _number(ci.value),
                    "confidence": ci.confidence,
                    "note": ci.note,
                    "author": person_keys.get(ci.author_id),
                }
            )
        )
    by_kr_initiatives: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for ini in initiatives:
        if ini.key_result_id is None:
            continue  # the document format carries initiatives under key results only
        by_kr_initiatives[ini.key_result_id].append(
            _compact(
                {
                    "title": ini.title,
                    "status": ini.status.value,
                    "owner": person_keys.get(ini.owner_id),
                    "due": ini.due_date.isoformat() if ini.due_date else None,
                    "link": ini.link,
                }
            )
        )
    by_objective: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for kr in key_results:
        by_objective[kr.objective_id].append(
            _compact(
                {
                    "key": kr_keys.of[kr.id],
                    "title": kr.title,
                    "kind": kr.kind.value,
                    "unit_label": kr.unit_label,
                    "start": None if kr.start_value is None else _number(kr.start_value),
                    "target": None if kr.target_value is None else _number(kr.target_value),
                    "weight": None if kr.weight == 1 else _number(kr.weight),
                    "owner": person_keys.get(kr.owner_id),
                    "kpi": kpi_keys.get(kr.kpi_id),
                    "due": kr.due_date.isoformat() if kr.due_date else None,
                    "check_ins": by_kr_check_ins[kr.id],
                    "initiatives": by_kr_initiatives[kr.id],
                }
            )
        )

    def opt(value: float | None) -> float | int | None:
        return None if value is None else _number(value)

    return {
        "workspace": ws.name,
        "fiscal_year_start_month": ws.fiscal_year_start_month,
        "timezone": ws.timezone,
        "units": [
            _compact(
                {
                    "key": unit_keys.of[u.id],
                    "name": u.name,
                    "kind": u.kind.value,
                    "parent": unit_keys.get(u.parent_id),
                }
            )
            for u in units
        ],
        "people": [
            _compact(
                {
                    "key": person_keys.of[p.id],
                    "name": p.name,
                    "email": p.email,
                    "role": p.role.value,
                    "units": [unit_keys.of[u] for u in p.unit_ids],
                    "active": None if p.active else False,
                }
            )
            for p in people
        ],
        "periods": [
            {
                "name": p.name,
                "kind": p.kind.value,
                "start": p.start_date.isoformat(),
                "end": p.end_date.isoformat(),
                "state": p.state.value,
            }
            for p in periods
        ],
        "kpis": [
            _compact(
                {
                    "key": kpi_keys.of[k.id],
                    "name": k.name,
                    "description": k.description,
                    "owner_unit": unit_keys.of[k.owner_unit_id],
                    "owner": person_keys.get(k.owner_id),
                    "category": k.category,
                    "unit_label": k.unit_label,
                    "direction": k.direction.value,
                    "target": opt(k.target),
                    "target_low": opt(k.target_low),
                    "target_high": opt(k.target_high),
                    "warning": opt(k.warning),
                    "min_value": opt(k.min_value),
                    "max_value": opt(k.max_value),
                    "cadence": k.cadence.value,
                    "aggregation": k.aggregation.value,
                    "source": None if k.source is KpiSource.MANUAL else k.source.value,
                    "measurements": by_kpi[k.id],
                }
            )
            for k in kpis
        ],
        "objectives": [
            _compact(
                {
                    "key": objective_keys.of[o.id],
                    "title": o.title,
                    "description": o.description,
                    "period": period_names[o.period_id],
                    "owner_unit": unit_keys.get(o.owner_unit_id),
                    "owner": person_keys.get(o.owner_id),
                    "type": o.type.value,
                    "state": None if o.state is ObjectiveState.ACTIVE else o.state.value,
                    "parent": objective_keys.get(o.parent_id),
                    "parent_kr": kr_keys.get(o.parent_key_result_id),
                    "contributes_to": [objective_keys.of[i] for i in o.contributes_to]
                    + [kr_keys.of[i] for i in o.contributes_to_key_results],
                    "key_results": by_objective[o.id],
                }
            )
            for o in objectives
        ],
    }
