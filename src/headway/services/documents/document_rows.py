"""A checked workspace document written into a workspace: its keys resolved to the ids of
the rows written, parents before children."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from headway.domain import validation
from headway.services.documents.document import WorkspaceDoc
from headway.store.documents import DocumentRows
from headway.store.uow import Connection


def write_contents(
    conn: Connection,
    ws: int,
    doc: WorkspaceDoc,
    now: datetime,
    *,
    people_by_email: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Write a checked document's rows into workspace `ws`; the count of each kind.

    People already in `people_by_email` (lower-case email -> id) are updated in place, so
    their password hashes, tokens and audit trail stay theirs.
    """
    rows = DocumentRows(conn, ws, now)
    kept = people_by_email or {}
    units: dict[str, int] = {}
    pending = list(doc.units)
    while pending:  # parents before children, a level of the tree per statement; it was checked
        ready = [u for u in pending if u.parent is None or u.parent in units]
        ids = rows.add_all(
            "unit",
            [
                {
                    "key": u.key,
                    "name": u.name.strip(),
                    "kind": u.kind.value,
                    "parent_id": units.get(u.parent) if u.parent else None,
                }
                for u in ready
            ],
        )
        units.update(zip((u.key for u in ready), ids, strict=True))
        pending = [u for u in pending if u.key not in units]
    people: dict[str, int] = {}
    staying: dict[int, dict[str, object]] = {}
    new_people: list[tuple[str, dict[str, object]]] = []
    for p in doc.people:
        email = validation.normalise_email(p.email)
        person: dict[str, object] = {
            "key": p.key,
            "name": p.name.strip(),
            "role": p.role.value,
            "active": p.active,
        }
        if email in kept:
            people[p.key] = kept[email]
            staying[kept[email]] = person
        else:
            new_people.append((p.key, {"email": email, **person}))
    rows.keep_people(staying)
    ids = rows.add_all("person", [person for _, person in new_people])
    people.update(zip((key for key, _ in new_people), ids, strict=True))
    rows.add_memberships(
        (people[p.key], units[unit_key]) for p in doc.people for unit_key in p.units
    )
    ids = rows.add_all(
        "period",
        [
            {
                "name": pd.name,
                "kind": pd.kind.value,
                "start_date": pd.start,
                "end_date": pd.end,
                "state": pd.state.value,
            }
            for pd in doc.periods
        ],
    )
    periods = dict(zip((pd.name for pd in doc.periods), ids, strict=True))
    ids = rows.add_all(
        "kpi",
        [
            {
                "key": k.key,
                "name": k.name.strip(),
                "description": k.description,
                "owner_unit_id": units[k.owner_unit],
                "owner_id": people.get(k.owner or ""),
                "category": k.category,
                "unit_label": k.unit_label,
                "direction": k.direction.value,
                "target": k.target,
                "target_low": k.target_low,
                "target_high": k.target_high,
                "warning": k.warning,
                "min_value": k.min_value,
                "max_value": k.max_value,
                "cadence": k.cadence.value,
                "aggregation": k.aggregation.value,
                "source": k.source.value,
            }
            for k in doc.kpis
        ],
    )
    kpis = dict(zip((k.key for k in doc.kpis), ids, strict=True))
    rows.add_all(
        "measurement",
        [
            {
                "kpi_id": kpis[k.key],
                "at": m.at,
                "value": m.value,
                "source": m.source.value,
                "note": m.note,
                "recorded_by": None,
                "recorded_at": now,
            }
            for k in doc.kpis
            for m in k.measurements
        ],
        ids=False,
    )
    ids = rows.add_all(
        "objective",
        [
            {
                "key": o.key,
                "period_id": periods[o.period],
                "title": o.title.strip(),
                "description": o.description,
                "owner_unit_id": units.get(o.owner_unit or ""),
                "owner_id": people.get(o.owner or ""),
                "type": o.type.value,
                "state": o.state.value,
                "position": position,
            }
            for position, o in enumerate(doc.objectives)
        ],
    )
    objectives = dict(zip((o.key for o in doc.objectives), ids, strict=True))
    all_krs = [(o, kr) for o in doc.objectives for kr in o.key_results]
    ids = rows.add_all(
        "key_result",
        [
            {
                "key": kr.key,
                "objective_id": objectives[o.key],
                "title": kr.title.strip(),
                "kind": kr.kind.value,
                "unit_label": kr.unit_label,
                "start_value": kr.start,
                "target_value": kr.target,
                "weight": kr.weight,
                "owner_id": people.get(kr.owner or ""),
                "kpi_id": kpis.get(kr.kpi or ""),
                "due_date": kr.due,
                "position": kr_position,
            }
            for o in doc.objectives
            for kr_position, kr in enumerate(o.key_results)
        ],
    )
    krs = dict(zip((kr.key for _, kr in all_krs), ids, strict=True))
    check_ins = [
        {
            "key_result_id": krs[kr.key],
            "value": ci.value,
            "confidence": ci.confidence,
            "note": ci.note,
            "author_id": people.get(ci.author or ""),
            "effective_date": ci.date,
            "created_at": now,
        }
        for _, kr in all_krs
        for ci in kr.check_ins
    ]
    rows.add_all("check_in", check_ins, ids=False)
    initiatives = [
        {
            "key_result_id": krs[kr.key],
            "title": ini.title.strip(),
            "owner_id": people.get(ini.owner or ""),
            "status": ini.status.value,
            "due_date": ini.due,
            "link": ini.link,
        }
        for _, kr in all_krs
        for ini in kr.initiatives
    ]
    rows.add_all("initiative", initiatives, ids=False)
    rows.align(  # alignment last: its targets exist only now
        [
            (
                objectives[o.key],
                objectives.get(o.parent or ""),
                krs.get(o.parent_kr or ""),
            )
            for o in doc.objectives
            if o.parent or o.parent_kr
        ]
    )
    # Contributions last too, in the order each objective lists them (a key names an
    # objective or a key result, never both: the check refused that).
    contributions = [
        {
            "objective_id": objectives[o.key],
            "target_objective_id": objectives.get(key),
            "target_key_result_id": None if key in objectives else krs[key],
        }
        for o in doc.objectives
        for key in o.contributes_to
    ]
    rows.add_all("objective_contribution", contributions, ids=False)
    rows.refresh_statistics()
    # The counts name check-ins and initiatives (when there are any) in the order the
    # document first shows one, as the audit event of an import always has.
    first = next((kr for _, kr in all_krs if kr.check_ins or kr.initiatives), None)
    order = (
        ["check_ins", "initiatives"] if first and first.check_ins else ["initiatives", "check_ins"]
    )
    sizes = {"check_ins": len(check_ins), "initiatives": len(initiatives)}
    counts = Counter[str]({name: sizes[name] for name in order if sizes[name]})
    counts.update(
        units=len(units),
        people=len(people),
        periods=len(periods),
        kpis=len(kpis),
        measurements=sum(len(k.measurements) for k in doc.kpis),
        objectives=len(objectives),
        key_results=len(krs),
    )
    return dict(counts)
