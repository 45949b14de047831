"""KPIs: read with their figures, created, changed and deleted (proposals: `proposals.py`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from headway.domain import permissions, validation
from headway.domain.changes import apply_changes, not_null
from headway.domain.errors import Conflict, FieldProblem, ValidationFailed
from headway.domain.kpi import (
    TREND_BUCKETS,
    figures_window_start,
    kpi_figures,
    last_buckets,
    recent_figures,
)
from headway.domain.model import (
    Aggregation,
    Cadence,
    Direction,
    Figures,
    Health,
    Kpi,
    KpiFigures,
    KpiSource,
    Measurement,
    Workspace,
)
from headway.domain.periods import today_in
from headway.services.access.actors import (
    Caller,
    delete_audited,
    insert_audited,
    require,
    update_audited,
)
from headway.services.kpis.measurements import record_measurement
from headway.services.okrs.proposals import propose_okr_from_kpi, store_proposal
from headway.services.paged import Paged, page_of
from headway.store import kpis as kpi_store
from headway.store import people as people_store
from headway.store import units as unit_store
from headway.store.uow import Connection, UnitOfWork

# The CLI and the demo load these from here.
__all__ = [
    "KpiReading",
    "create_kpi",
    "delete_kpi",
    "get_kpi",
    "list_kpis",
    "propose_okr_from_kpi",
    "record_measurement",
    "store_proposal",
    "update_kpi",
]

# What a client writes, in the README's order.
KPI_FIELDS = (
    "name",
    "description",
    "owner_unit_id",
    "owner_id",
    "category",
    "unit_label",
    "direction",
    "target",
    "target_low",
    "target_high",
    "warning",
    "min_value",
    "max_value",
    "cadence",
    "aggregation",
    "source",
)
_NOT_NULL = {"name", "owner_unit_id", "direction", "cadence", "aggregation", "source"}
_TEXT = {"description", "category", "unit_label"}
_ENUMS: dict[str, Callable[[Any], Any]] = {
    "direction": Direction,
    "cadence": Cadence,
    "aggregation": Aggregation,
    "source": KpiSource,
}


@dataclass(slots=True, kw_only=True)
class KpiReading:
    """KPIs with their figures (latest value, health, trend) as of `figures.as_of`."""

    kpis: list[Kpi]
    figures: Figures


def figures_of(
    kpis: Iterable[Kpi], measurements: Iterable[Measurement], workspace: Workspace, day: date
) -> Figures:
    """Each KPI's figures as of `day`, in one pass over the measurements."""
    by_kpi: dict[int, list[Measurement]] = defaultdict(list)
    for m in measurements:
        by_kpi[m.kpi_id].append(m)
    fiscal = workspace.fiscal_year_start_month
    return Figures(
        as_of=day,
        key_results={},
        objectives={},
        kpis={k.id: kpi_figures(k, by_kpi[k.id], fiscal, day) for k in kpis},
    )


def recent_figures_of(
    conn: Connection, workspace: Workspace, kpis: list[Kpi], day: date, *, buckets: int
) -> Figures:
    """Each KPI's figures as of `day` with the last `buckets` (at least 8) buckets of its
    series, loading only the measurements those depend on: two queries, a third for the KPIs
    whose gaps put some of those buckets before their window.
    """
    fiscal = workspace.fiscal_year_start_month
    ids = [k.id for k in kpis]
    spans = kpi_store.measured_spans(conn, workspace.id, ids, until=day)
    starts = {
        k.id: figures_window_start(k, spans[k.id][1], fiscal, buckets)
        for k in kpis
        if k.id in spans
    }
    by_kpi: dict[int, list[Measurement]] = defaultdict(list)
    for m in kpi_store.load_measurements_since(conn, starts, until=day):
        by_kpi[m.kpi_id].append(m)
    figures: dict[int, KpiFigures] = {}
    gappy: list[Kpi] = []
    for k in kpis:
        if k.id not in spans:
            figures[k.id] = kpi_figures(k, [], fiscal, day)
            continue
        recent = recent_figures(
            k,
            by_kpi[k.id],
            fiscal,
            day,
            buckets=buckets,
            window_start=starts[k.id],
            first_measured=spans[k.id][0],
        )
        if recent is None:
            gappy.append(k)
        else:
            figures[k.id] = recent
    if gappy:
        # Their whole history: from the first day each was measured, along the same index.
        since_first = {k.id: spans[k.id][0] for k in gappy}
        history = kpi_store.load_measurements_since(conn, since_first, until=day)
        for kpi_id, whole in figures_of(gappy, history, workspace, day).kpis.items():
            figures[kpi_id] = last_buckets(whole, buckets)
    return Figures(as_of=day, key_results={}, objectives={}, kpis=figures)


def list_kpis(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    unit_id: int | None = None,
    category: str | None = None,
    health: Health | None = None,
    as_of: date | None = None,
    after_id: int,
    limit: int,
    series_buckets: int = TREND_BUCKETS,
    clock: Callable[[], datetime],
) -> KpiReading:
    """Up to `limit` + 1 KPIs with ids above `after_id`, by id, filtered; three queries (a
    fourth for KPIs measured with gaps, see `recent_figures_of`).

    `unit_id` is the owning unit itself; `category` matches regardless of case; `health`
    is computed as of the date, so with it every later KPI is read and the page cut after.
    The figures' series hold the last `series_buckets` buckets (at least 8).
    """
    day = as_of or today_in(workspace, clock)
    buckets = max(series_buckets, TREND_BUCKETS)
    with uow.reading():
        conn = uow.conn
        kpis = kpi_store.kpis_page(
            conn,
            workspace.id,
            unit_id=unit_id,
            category=category,
            after_id=after_id,
            limit=limit if health is None else None,
        )
        figures = recent_figures_of(conn, workspace, kpis, day, buckets=buckets)
    if health is not None:
        kpis = [k for k in kpis if figures.kpis[k.id].health is health][: limit + 1]
    return KpiReading(kpis=kpis, figures=figures)


@dataclass(frozen=True, slots=True)
class KpiListPage:
    """A page of the KPI list with the figures of its KPIs (of every KPI the health filter
    looked at, when there is one)."""

    listing: Paged[Kpi]
    figures: Figures


def list_order(kpi: Kpi) -> tuple[str, str, int]:
    """The KPI list's order: by category, then name, regardless of case."""
    return kpi.category.lower(), kpi.name.lower(), kpi.id


def kpi_list_page(
    uow: UnitOfWork,
    workspace: Workspace,
    *,
    category: str | None = None,
    health: Health | None = None,
    as_of: date | None = None,
    page: int,
    size: int,
    series_buckets: int = TREND_BUCKETS,
    clock: Callable[[], datetime],
) -> KpiListPage:
    """Page `page` (from 1, `size` a page) of the KPIs matching the filters in list order,
    with their figures as of the date: the figures of the page's KPIs only, so a page costs
    the same in a company of any size; with `health` those of every KPI of the category, as
    health is computed, not stored. The series hold the last `series_buckets` buckets."""
    day = as_of or today_in(workspace, clock)
    buckets = max(series_buckets, TREND_BUCKETS)
    with uow.reading():
        conn = uow.conn
        ordered = sorted(kpi_store.kpis_page(conn, workspace.id, category=category), key=list_order)
        if health is None:
            rows, pages = page_of(ordered, page, size)
            figures = recent_figures_of(conn, workspace, rows, day, buckets=buckets)
        else:
            figures = recent_figures_of(conn, workspace, ordered, day, buckets=buckets)
            ordered = [k for k in ordered if figures.kpis[k.id].health is health]
            rows, pages = page_of(ordered, page, size)
    listing = Paged(rows=rows, total=len(ordered), page=page, pages=pages)
    return KpiListPage(listing=listing, figures=figures)


def get_kpi(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    as_of: date | None = None,
    clock: Callable[[], datetime],
) -> KpiReading:
    """One KPI with its figures as of a date."""
    day = as_of or today_in(workspace, clock)
    with uow.reading():
        kpi = kpi_store.get_kpi(uow.conn, workspace.id, kpi_id)
        measurements = kpi_store.load_measurements_of(uow.conn, workspace.id, [kpi.id], until=day)
    return KpiReading(kpis=[kpi], figures=figures_of([kpi], measurements, workspace, day))


def _values(kpi: Kpi) -> dict[str, Any]:
    """The KPI's stored columns (enums as their values), as the audit log records them."""
    return {name: getattr(getattr(kpi, name), "value", getattr(kpi, name)) for name in KPI_FIELDS}


def _problems(conn: Connection, workspace: Workspace, kpi: Kpi) -> list[FieldProblem]:
    problems = validation.validate_kpi_text(kpi.name, kpi.description, kpi.category, kpi.unit_label)
    problems += validation.validate_kpi_targets(kpi)
    if not unit_store.unit_exists(conn, workspace.id, kpi.owner_unit_id):
        problems.append(FieldProblem("owner_unit_id", f"unit {kpi.owner_unit_id} does not exist"))
    if kpi.owner_id is not None and not people_store.person_exists(
        conn, workspace.id, kpi.owner_id
    ):
        problems.append(FieldProblem("owner_id", f"person {kpi.owner_id} does not exist"))
    return problems


def _range_leaves_out(conn: Connection, kpi: Kpi) -> list[FieldProblem]:
    """A new plausible range is refused while measurements already recorded lie outside it."""
    count, first = kpi_store.measurements_outside(conn, kpi.id, kpi.min_value, kpi.max_value)
    if not count or first is None:
        return []
    field = "min_value" if kpi.min_value is not None else "max_value"
    text = validation.plausible_range_text(kpi.min_value, kpi.max_value)
    some = "1 recorded measurement is" if count == 1 else f"{count} recorded measurements are"
    return [
        FieldProblem(
            field,
            f"{some} not {text} (the first dated {first.isoformat()}): correct them first",
        )
    ]


def writable_kpi(
    conn: Connection,
    workspace: Workspace,
    kpi_id: int,
    caller: Caller,
    *,
    verb: str,
    for_update: bool = True,
) -> Kpi:
    """The KPI, if the caller may write it (`verb`: what they do, for the refusal's message:
    "change", "list the ingest tokens of"…); read locked until the write ends unless
    `for_update` is False (the write is to rows of its own)."""
    kpi = kpi_store.get_kpi(conn, workspace.id, kpi_id, for_update=for_update)
    require(
        caller,
        conn,
        workspace,
        f"{verb} the KPI {kpi.name!r}",
        lambda actor, tree: permissions.can_write_kpi(actor, kpi, tree),
        units=[kpi.owner_unit_id],
    )
    return kpi


def create_kpi(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi: Kpi,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> KpiReading:
    """Add a KPI owned by a unit of the caller's (admins: any unit); `kpi.id` is ignored."""
    now = clock()
    new = replace(kpi, id=0, key=None, name=kpi.name.strip())
    with uow:
        conn = uow.conn
        require(
            caller,
            conn,
            workspace,
            "create a KPI for this unit",
            lambda actor, tree: permissions.can_create_kpi(actor, new.owner_unit_id, tree),
            units=[new.owner_unit_id],
        )
        problems = _problems(conn, workspace, new)
        if problems:
            raise ValidationFailed(problems)
        new.id = insert_audited(conn, caller, workspace, "kpi", now, key=None, **_values(new))
    day = today_in(workspace, clock)
    return KpiReading(kpis=[new], figures=figures_of([new], [], workspace, day))


def update_kpi(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    changes: Mapping[str, Any],
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> KpiReading:
    """Change a KPI's fields (an explicit null clears an optional one); target rules re-checked.

    Moving a KPI to another unit also needs the right to create a KPI there.
    """
    now = clock()
    day = today_in(workspace, clock)
    with uow:
        conn = uow.conn
        kpi = writable_kpi(conn, workspace, kpi_id, caller, verb="change")
        before = _values(kpi)
        known = {name: value for name, value in changes.items() if name in KPI_FIELDS}
        nulls = [name for name, value in known.items() if value is None and name in _NOT_NULL]
        problems = not_null(known, *nulls)
        updated = replace(kpi)
        apply_changes(
            updated,
            {name: value for name, value in known.items() if name not in nulls},
            trimmed={"name"},
            text=_TEXT,
            enums=_ENUMS,
        )
        if updated.owner_unit_id != kpi.owner_unit_id:
            require(
                caller,
                conn,
                workspace,
                "move the KPI to this unit",
                lambda actor, tree: permissions.can_create_kpi(actor, updated.owner_unit_id, tree),
                units=[updated.owner_unit_id],
            )
        problems += _problems(conn, workspace, updated)
        if not problems and (updated.min_value, updated.max_value) != (
            kpi.min_value,
            kpi.max_value,
        ):
            problems += _range_leaves_out(conn, updated)
        if problems:
            raise ValidationFailed(list(dict.fromkeys(problems)))
        after = _values(updated)
        update_audited(conn, caller, workspace, "kpi", kpi.id, now, before=before, after=after)
        measurements = kpi_store.load_measurements_of(conn, workspace.id, [kpi.id], until=day)
    return KpiReading(kpis=[updated], figures=figures_of([updated], measurements, workspace, day))


def delete_kpi(
    uow: UnitOfWork,
    workspace: Workspace,
    kpi_id: int,
    *,
    caller: Caller,
    clock: Callable[[], datetime],
) -> None:
    """Remove a KPI and its measurements; refused while a key result is linked to it."""
    now = clock()
    with uow:
        conn = uow.conn
        kpi = writable_kpi(conn, workspace, kpi_id, caller, verb="delete")
        titles = kpi_store.key_result_titles_following(conn, kpi.id, limit=3)
        if titles:
            named = ", ".join(repr(title) for title in titles)
            raise Conflict(
                f"the KPI {kpi.name!r} is linked to key results ({named}): unlink them first"
            )
        removed = kpi_store.delete_measurements_of(conn, kpi.id)
        before = _values(kpi) | {"measurements": removed}
        delete_audited(conn, caller, workspace, "kpi", kpi.id, now, before=before)
