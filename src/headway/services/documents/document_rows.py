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
    while pending:  # parents before children; the tree was checked, so this ends
        ready = [u for u in pending if u.parent is None or u.parent in units]
        for u in ready:
            units[u.key] = rows.add(
                "unit",
                key=u.key,
                name=u.name.strip(),
                kind=u.kind.value,
                parent_id=units.get(u.parent) if u.parent else None,
            )
        pending = [u for u in pending if u.key not in units]
    people: dict[str, int] = {}
    for p in doc.people:
        email = validation.normalise_email(p.email)
        person = {"key": p.key, "name": p.name.strip(), "role": p.role.value, "active": p.active}
        if email in kept:
            people[p.key] = kept[email]
            rows.keep_person(kept[email], **person)
        else:
            people[p.key] = rows.add("person", email=email, **person)
        rows.add_memberships(people[p.key], (units[unit_key] for unit_key in p.units))
    periods = {
        pd.name: rows.add(
            "period",
            name=pd.name,
            kind=pd.kind.value,
            start_date=pd.start,
            end_date=pd.end,
            state=pd.state.value,
        )
        for pd in doc.periods
    }
    kpis: dict[str, int] = {}
    for k in doc.kpis:
        kpis[k.key] = rows.add(
            "kpi",
            key=k.key,
            name=k.name.strip(),
            description=k.description,
            owner_unit_id=units[k.owner_unit],
            owner_id=people.get(k.owner or ""),
            category=k.category,
            unit_label=k.unit_label,
            direction=k.direction.value,
            target=k.target,
            target_low=k.target_low,
            target_high=k.target_high,
            warning=k.warning,
            cadence=k.cadence.value,
            aggregation=k.aggregation.value,
            source=k.source.value,
        )
        for m in k.measurements:
            rows.add(
                "measurement",
                kpi_id=kpis[k.key],
                at=m.at,
                value=m.value,
                source=m.source.value,
                note=m.note,
                recorded_by=None,
                recorded_at=now,
            )
    objectives: dict[str, int] = {}
    krs: dict[str, int] = {}
    counts = Counter[str]()
    for position, o in enumerate(doc.objectives):
        objectives[o.key] = rows.add(
            "objective",
            key=o.key,
            period_id=periods[o.period],
            title=o.title.strip(),
            description=o.description,
            owner_unit_id=units.get(o.owner_unit or ""),
            owner_id=people.get(o.owner or ""),
            type=o.type.value,
            state=o.state.value,
            position=position,
        )
        for kr_position, kr in enumerate(o.key_results):
            krs[kr.key] = rows.add(
                "key_result",
                key=kr.key,
                objective_id=objectives[o.key],
                title=kr.title.strip(),
                kind=kr.kind.value,
                unit_label=kr.unit_label,
                start_value=kr.start,
                target_value=kr.target,
                weight=kr.weight,
                owner_id=people.get(kr.owner or ""),
                kpi_id=kpis.get(kr.kpi or ""),
                position=kr_position,
            )
            for ci in kr.check_ins:
                counts["check_ins"] += 1
                rows.add(
                    "check_in",
                    key_result_id=krs[kr.key],
                    value=ci.value,
                    confidence=ci.confidence,
                    note=ci.note,
                    author_id=people.get(ci.author or ""),
                    effective_date=ci.date,
                    created_at=now,
                )
            for ini in kr.initiatives:
                counts["initiatives"] += 1
                rows.add(
                    "initiative",
                    key_result_id=krs[kr.key],
                    title=ini.title.strip(),
                    owner_id=people.get(ini.owner or ""),
                    status=ini.status.value,
                    due_date=ini.due,
                    link=ini.link,
                )
    for o in doc.objectives:  # alignment last: its targets exist only now
        if o.parent or o.parent_kr:
            rows.align(
                objectives[o.key],
                parent_id=objectives.get(o.parent or ""),
                parent_key_result_id=krs.get(o.parent_kr or ""),
            )
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
