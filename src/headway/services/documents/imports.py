"""Importing a workspace document: check everything first, then write it in one transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from headway.domain import validation
from headway.domain.errors import Conflict, FieldProblem, ProblemList, ValidationFailed
from headway.domain.model import KeyResult, KeyResultKind, Objective, ObjectiveType
from headway.services.documents.document import KeyResultDoc, WorkspaceDoc, unknown_fields
from headway.services.documents.document_rows import write_contents
from headway.services.documents.sound_parts import AnyKey, sound_parts
from headway.store import workspaces as workspace_store
from headway.store.audit import add_audit_event
from headway.store.uow import Connection, UnitOfWork

# The document names some fields differently from the API the domain rules speak of.
_DOC_NAMES = {
    "start_value": "start",
    "target_value": "target",
    "effective_date": "date",
    "due_date": "due",
    "start_date": "start",
    "end_date": "end",
    "kpi_id": "kpi",
}


@dataclass(slots=True)
class ImportResult:
    workspace_id: int
    counts: dict[str, int]
    warnings: list[FieldProblem] = field(default_factory=list)


def _at(path: str, problems: Iterable[FieldProblem]) -> list[FieldProblem]:
    out = []
    for p in problems:
        name = _DOC_NAMES.get(p.field, p.field)
        out.append(FieldProblem(".".join(part for part in (path, name) if part), p.message))
    return out


def _duplicates(path: str, keys: Sequence[tuple[int, str | None]], what: str) -> list[FieldProblem]:
    counts = Counter(k for _, k in keys if k is not None)
    return [
        FieldProblem(f"{path}[{i}].{what}", f"{k!r} is used more than once")
        for i, k in keys
        if k is not None and counts[k] > 1
    ]


def _ref(
    path: str, value: str | None, known: AbstractSet[str] | dict[str, object], what: str
) -> list[FieldProblem]:
    if value is None or value in known:
        return []
    return [FieldProblem(path, f"no {what} has the key {value!r}")]


def check_document(
    doc: WorkspaceDoc, today: date, unchecked: Mapping[str, set[str]] | None = None
) -> list[FieldProblem]:
    """Every problem with the document's meaning, each with its path; empty when it can load.

    `unchecked` holds, by kind, keys of parts whose shape was broken (`sound_parts.py`):
    a reference to one is not reported again.
    """
    problems: list[FieldProblem] = []
    problems += _at("", validation.validate_fiscal_month(doc.fiscal_year_start_month))
    problems += [
        FieldProblem("timezone", p.message) for p in validation.validate_timezone(doc.timezone)
    ]
    also = unchecked or {}

    def known(kind: str, keys: Iterable[str]) -> AbstractSet[str]:
        extra = also.get(kind, set())
        return extra if isinstance(extra, AnyKey) else frozenset(extra).union(keys)

    unit_keys = known("unit", (u.key for u in doc.units))
    person_keys = known("person", (p.key for p in doc.people))
    kpi_keys = known("kpi", (k.key for k in doc.kpis))
    period_names = known("period", (p.name for p in doc.periods))
    period_dates = {p.name: (p.start, p.end) for p in doc.periods}
    objective_keys = known("objective", (o.key for o in doc.objectives))
    kr_keys = known("key_result", (kr.key for o in doc.objectives for kr in o.key_results))

    problems += _duplicates("units", [(i, u.key) for i, u in enumerate(doc.units)], "key")
    index = {u.key: i for i, u in enumerate(doc.units)}
    for i, u in enumerate(doc.units):
        problems += _at(f"units[{i}]", validation.validate_title("name", u.name))
        problems += _ref(f"units[{i}].parent", u.parent, unit_keys, "unit")
    # A unit whose parent key is unknown was reported above; leave it out of the tree check.
    tree = [
        (i, u.kind, index[u.parent] if u.parent else None)
        for i, u in enumerate(doc.units)
        if u.parent is None or u.parent in index
    ]
    if "unit" not in also:  # with a unit left out (its shape broken), the tree is incomplete
        problems += [
            p if p.field else FieldProblem("units", p.message)
            for p in validation.validate_unit_tree(tree, field_of=lambda i: f"units[{i}].parent")
        ]

    problems += _duplicates("people", [(i, p.key) for i, p in enumerate(doc.people)], "key")
    emails = [(i, validation.normalise_email(p.email)) for i, p in enumerate(doc.people)]
    problems += _duplicates("people", emails, "email")
    for i, p in enumerate(doc.people):
        problems += _at(f"people[{i}]", validation.validate_person(email=p.email, name=p.name))
        for j, key in enumerate(p.units):
            problems += _ref(f"people[{i}].units[{j}]", key, unit_keys, "unit")

    problems += _duplicates("periods", [(i, p.name) for i, p in enumerate(doc.periods)], "name")
    for i, pd in enumerate(doc.periods):
        problems += _at(
            f"periods[{i}]",
            validation.validate_period(
                pd.start, pd.end, kind=pd.kind, fiscal_start_month=doc.fiscal_year_start_month
            ),
        )

    problems += _duplicates("kpis", [(i, k.key) for i, k in enumerate(doc.kpis)], "key")
    for i, k in enumerate(doc.kpis):
        here = f"kpis[{i}]"
        problems += _at(
            here, validation.validate_kpi_text(k.name, k.description, k.category, k.unit_label)
        )
        problems += _ref(f"{here}.owner_unit", k.owner_unit, unit_keys, "unit")
        problems += _ref(f"{here}.owner", k.owner, person_keys, "person")
        problems += _at(here, validation.validate_kpi_targets(k))
        sound_range = not validation.validate_plausible_range(k.min_value, k.max_value)
        for j, m in enumerate(k.measurements):
            path = f"{here}.measurements[{j}]"
            problems += _at(path, validation.validate_note("note", m.note))
            problems += _at(path, validation.validate_past_day("at", m.at, today))
            if sound_range:
                problems += _at(
                    path, validation.validate_measurement_value(m.value, k.min_value, k.max_value)
                )

    problems += _duplicates("objectives", [(i, o.key) for i, o in enumerate(doc.objectives)], "key")
    all_krs = [(o, kr) for o in doc.objectives for kr in o.key_results]
    kr_paths = [
        (f"objectives[{i}].key_results[{j}]", kr)
        for i, o in enumerate(doc.objectives)
        for j, kr in enumerate(o.key_results)
    ]
    counts = Counter(kr.key for _, kr in all_krs)
    problems += [
        FieldProblem(f"{path}.key", f"{kr.key!r} is used more than once")
        for path, kr in kr_paths
        if counts[kr.key] > 1
    ]
    for i, o in enumerate(doc.objectives):
        here = f"objectives[{i}]"
        problems += _at(here, validation.validate_title("title", o.title))
        problems += _at(here, validation.validate_note("description", o.description))
        if o.period not in period_names:
            problems.append(FieldProblem(f"{here}.period", f"no period is named {o.period!r}"))
        problems += _ref(f"{here}.owner_unit", o.owner_unit, unit_keys, "unit")
        problems += _ref(f"{here}.owner", o.owner, person_keys, "person")
        problems += _ref(f"{here}.parent", o.parent, objective_keys, "objective")
        problems += _ref(f"{here}.parent_kr", o.parent_kr, kr_keys, "key result")
        if o.parent and o.parent_kr:
            problems.append(
                FieldProblem(
                    f"{here}.parent_kr",
                    "an objective aligns to an objective or a key result, not both",
                )
            )
        for j, key in enumerate(o.contributes_to):
            path = f"{here}.contributes_to[{j}]"
            if key in objective_keys and key in kr_keys:
                problems.append(
                    FieldProblem(
                        path,
                        f"{key!r} is the key of an objective and of a key result: "
                        "give them different keys",
                    )
                )
            else:
                problems += _ref(path, key, objective_keys | kr_keys, "objective or key result")
        for j, kr in enumerate(o.key_results):
            problems += _check_key_result(
                f"{here}.key_results[{j}]", kr, person_keys, kpi_keys, today
            )
            period = period_dates.get(o.period)
            if kr.due is not None and period is not None and period[0] <= period[1]:
                problems += _at(
                    f"{here}.key_results[{j}]", validation.validate_due_date(kr.due, *period)
                )
    problems += _alignment_cycles(doc)
    return problems


def _check_key_result(
    here: str,
    kr: KeyResultDoc,
    person_keys: AbstractSet[str],
    kpi_keys: AbstractSet[str],
    today: date,
) -> list[FieldProblem]:
    problems = _at(here, validation.validate_key_result_text(kr.title, kr.unit_label))
    problems += _at(
        here,
        validation.validate_key_result(
            kr.kind, kr.start, kr.target, kr.weight, kpi_linked=kr.kpi is not None
        ),
    )
    problems += _ref(f"{here}.owner", kr.owner, person_keys, "person")
    problems += _ref(f"{here}.kpi", kr.kpi, kpi_keys, "KPI")
    for k, ci in enumerate(kr.check_ins):
        path = f"{here}.check_ins[{k}]"
        problems += _at(
            path,
            validation.validate_check_in(
                kr.kind, ci.value, ci.confidence, ci.date, today, kpi_linked=kr.kpi is not None
            ),
        )
        problems += _at(path, validation.validate_note("note", ci.note))
        problems += _ref(f"{path}.author", ci.author, person_keys, "person")
    for k, ini in enumerate(kr.initiatives):
        path = f"{here}.initiatives[{k}]"
        problems += _at(path, validation.validate_initiative(ini.title, ini.link, ini.due))
        problems += _ref(f"{path}.owner", ini.owner, person_keys, "person")
    return problems


def _alignment_cycles(doc: WorkspaceDoc) -> list[FieldProblem]:
    """Alignment must be a tree: report each objective that would be its own ancestor, through
    parents and contributions; and each contribution the rules refuse (another period, a key
    result that is no rollup...)."""
    ids = {o.key: n for n, o in enumerate(doc.objectives, start=1)}
    periods = {p.name: n for n, p in enumerate(doc.periods, start=1)}
    kr_ids: dict[str, int] = {}
    key_results: dict[int, KeyResult] = {}
    for o in doc.objectives:
        for kr in o.key_results:
            kr_id = len(kr_ids) + 1
            kr_ids.setdefault(kr.key, kr_id)
            key_results[kr_id] = KeyResult(
                id=kr_id, objective_id=ids[o.key], title=kr.title, kind=KeyResultKind(kr.kind)
            )
    # A key naming both an objective and a key result was reported: its link is left out.
    links = {
        o.key: [
            validation.Contribution(
                f"objectives[{i}].contributes_to[{j}]",
                objective_id=ids.get(key) if key not in kr_ids else None,
                key_result_id=kr_ids.get(key) if key not in ids else None,
            )
            for j, key in enumerate(o.contributes_to)
            if (key in ids) != (key in kr_ids)
        ]
        for i, o in enumerate(doc.objectives)
    }
    objectives = {
        ids[o.key]: Objective(
            id=ids[o.key],
            title=o.title,
            period_id=periods.get(o.period, 0),
            type=ObjectiveType(o.type),
            parent_id=ids.get(o.parent) if o.parent else None,
            parent_key_result_id=kr_ids.get(o.parent_kr) if o.parent_kr else None,
            contributes_to=tuple(c.objective_id for c in links[o.key] if c.objective_id),
            contributes_to_key_results=tuple(
                c.key_result_id for c in links[o.key] if c.key_result_id
            ),
        )
        for o in doc.objectives
    }
    problems = []
    for i, o in enumerate(doc.objectives):
        parent = ids.get(o.parent) if o.parent else None
        parent_kr = kr_ids.get(o.parent_kr) if o.parent_kr else None
        if (parent or parent_kr) and validation.alignment_creates_cycle(
            ids[o.key], parent, parent_kr, objectives, key_results
        ):
            field_name = "parent" if parent else "parent_kr"
            problems.append(
                FieldProblem(f"objectives[{i}].{field_name}", "alignment would form a cycle")
            )
        if o.period in periods:  # an unknown period was reported: its links are not judged
            problems += validation.validate_contributions(
                objectives[ids[o.key]], links[o.key], objectives, key_results, period_field=None
            )
    return problems


def _write(conn: Connection, doc: WorkspaceDoc, now: datetime) -> tuple[int, dict[str, int]]:
    ws = workspace_store.add_workspace(
        conn,
        now,
        name=doc.workspace,
        fiscal_year_start_month=doc.fiscal_year_start_month,
        timezone=doc.timezone,
    )
    return ws, write_contents(conn, ws, doc, now)


def document_today(doc: WorkspaceDoc, now: datetime) -> date:
    """Today in the document's timezone: no check-in may be dated later."""
    try:
        return now.astimezone(ZoneInfo(doc.timezone)).date()
    except (KeyError, ValueError):
        return now.date()  # the bad timezone is reported by check_document


def checked_document(
    data: object,
    now: datetime,
    *,
    own_rules: Callable[[WorkspaceDoc], list[FieldProblem]] | None = None,
) -> WorkspaceDoc:
    """The document, or ValidationFailed with every problem of its shape and of its meaning in
    one list: the meaning of every part whose own shape is sound is checked. `own_rules` (the
    caller's) run on a document of sound shape."""
    parts = sound_parts(data)
    problems = ProblemList(parts.problems)
    doc = parts.doc
    if doc is not None:
        if own_rules is not None and not parts.problems:
            problems.extend(own_rules(doc))
        meaning = check_document(doc, document_today(doc, now), parts.unchecked)
        problems.extend(parts.original(p) for p in meaning)
    if problems or doc is None:
        raise ValidationFailed(problems.as_list())
    return doc


def import_workspace(
    uow: UnitOfWork,
    data: object,
    *,
    actor_label: str,
    clock: Callable[[], datetime],
    replace: bool = False,
) -> ImportResult:
    """Load a whole workspace document, all or nothing; ValidationFailed lists every problem."""
    now = clock()
    doc = checked_document(data, now)
    with uow:
        existing = workspace_store.workspace_id_named(uow.conn, doc.workspace)
        if existing is not None:
            if not replace:
                raise Conflict(
                    f"workspace {doc.workspace!r} already exists: use --replace to overwrite it"
                )
            workspace_store.delete_workspace(uow.conn, existing)
        workspace_id, counts = _write(uow.conn, doc, now)
        add_audit_event(
            uow.conn,
            workspace_id=workspace_id,
            actor_id=None,
            actor_label=actor_label,
            action="import",
            subject_type="workspace",
            subject_id=workspace_id,
            at=now,
            after={"name": doc.workspace, **counts},
        )
    return ImportResult(workspace_id=workspace_id, counts=counts, warnings=unknown_fields(doc))
