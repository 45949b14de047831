"""Reading rows into plain domain objects, set-based: one query per table, never one per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from headway.domain.errors import NotFound
from headway.domain.model import (
    Aggregation,
    Cadence,
    CheckIn,
    Direction,
    Initiative,
    InitiativeStatus,
    KeyResult,
    KeyResultKind,
    Kpi,
    KpiSource,
    Measurement,
    Objective,
    ObjectiveState,
    ObjectiveType,
    Period,
    PeriodData,
    PeriodKind,
    PeriodState,
    Person,
    Role,
    Unit,
    UnitKind,
    Workspace,
)
from headway.store import tables as t

Row = TypeVar("Row")


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def to_workspace(r: Any) -> Workspace:
    return Workspace(
        id=r.id,
        name=r.name,
        fiscal_year_start_month=r.fiscal_year_start_month,
        timezone=r.timezone,
    )


def to_unit(r: Any) -> Unit:
    return Unit(id=r.id, name=r.name, kind=UnitKind(r.kind), parent_id=r.parent_id, key=r.key)


def to_period(r: Any) -> Period:
    return Period(
        id=r.id,
        name=r.name,
        kind=PeriodKind(r.kind),
        start_date=r.start_date,
        end_date=r.end_date,
        state=PeriodState(r.state),
    )


def to_objective(r: Any) -> Objective:
    return Objective(
        id=r.id,
        title=r.title,
        period_id=r.period_id,
        type=ObjectiveType(r.type),
        state=ObjectiveState(r.state),
        description=r.description,
        owner_unit_id=r.owner_unit_id,
        owner_id=r.owner_id,
        parent_id=r.parent_id,
        parent_key_result_id=r.parent_key_result_id,
        continued_from_id=r.continued_from_id,
        position=r.position,
        key=r.key,
    )


def to_key_result(r: Any) -> KeyResult:
    return KeyResult(
        id=r.id,
        objective_id=r.objective_id,
        title=r.title,
        kind=KeyResultKind(r.kind),
        unit_label=r.unit_label,
        start_value=r.start_value,
        target_value=r.target_value,
        weight=r.weight,
        owner_id=r.owner_id,
        kpi_id=r.kpi_id,
        position=r.position,
        key=r.key,
    )


def to_check_in(r: Any) -> CheckIn:
    return CheckIn(
        id=r.id,
        key_result_id=r.key_result_id,
        value=r.value,
        effective_date=r.effective_date,
        created_at=aware(r.created_at),
        confidence=r.confidence,
        note=r.note,
        author_id=r.author_id,
    )


def to_initiative(r: Any) -> Initiative:
    return Initiative(
        id=r.id,
        title=r.title,
        status=InitiativeStatus(r.status),
        key_result_id=r.key_result_id,
        objective_id=r.objective_id,
        owner_id=r.owner_id,
        due_date=r.due_date,
        link=r.link,
    )


def to_kpi(r: Any) -> Kpi:
    return Kpi(
        id=r.id,
        name=r.name,
        owner_unit_id=r.owner_unit_id,
        direction=Direction(r.direction),
        cadence=Cadence(r.cadence),
        aggregation=Aggregation(r.aggregation),
        description=r.description,
        owner_id=r.owner_id,
        category=r.category,
        unit_label=r.unit_label,
        target=r.target,
        target_low=r.target_low,
        target_high=r.target_high,
        warning=r.warning,
        source=KpiSource(r.source),
        key=r.key,
    )


def to_measurement(r: Any) -> Measurement:
    return Measurement(
        id=r.id,
        kpi_id=r.kpi_id,
        at=r.at,
        value=r.value,
        recorded_at=aware(r.recorded_at),
        source=KpiSource(r.source),
        note=r.note,
        recorded_by=r.recorded_by,
    )


# --- whole-table loaders (each one query) ----------------------------------------------------


def workspace_row(
    conn: sa.Connection, table: sa.Table, workspace_id: int, row_id: int, what: str
) -> Any:
    """The row of `table` with this id in the workspace; NotFound (naming `what`) otherwise,
    also when it belongs to another workspace."""
    row = conn.execute(
        sa.select(table).where(table.c.id == row_id, table.c.workspace_id == workspace_id)
    ).first()
    if row is None:
        raise NotFound(f"{what} {row_id} does not exist")
    return row


def get_workspace(conn: sa.Connection, workspace_id: int) -> Workspace:
    row = conn.execute(sa.select(t.workspace).where(t.workspace.c.id == workspace_id)).first()
    if row is None:
        raise NotFound(f"workspace {workspace_id} does not exist")
    return to_workspace(row)


def list_workspaces(conn: sa.Connection) -> list[Workspace]:
    rows = conn.execute(sa.select(t.workspace).order_by(t.workspace.c.id))
    return [to_workspace(r) for r in rows]


def load_units(conn: sa.Connection, workspace_id: int) -> list[Unit]:
    q = sa.select(t.unit).where(t.unit.c.workspace_id == workspace_id).order_by(t.unit.c.id)
    return [to_unit(r) for r in conn.execute(q)]


def load_people(conn: sa.Connection, workspace_id: int) -> list[Person]:
    """People with their unit memberships: two queries whatever the head count."""
    memberships: dict[int, list[int]] = defaultdict(list)
    q_members = (
        sa.select(t.person_unit.c.person_id, t.person_unit.c.unit_id)
        .join(t.person, t.person.c.id == t.person_unit.c.person_id)
        .where(t.person.c.workspace_id == workspace_id)
        .order_by(t.person_unit.c.person_id, t.person_unit.c.unit_id)
    )
    for person_id, unit_id in conn.execute(q_members):
        memberships[person_id].append(unit_id)
    q = sa.select(t.person).where(t.person.c.workspace_id == workspace_id).order_by(t.person.c.id)
    return [
        Person(
            id=r.id,
            name=r.name,
            email=r.email,
            role=Role(r.role),
            active=r.active,
            unit_ids=tuple(memberships[r.id]),
            key=r.key,
        )
        for r in conn.execute(q)
    ]


def load_periods(conn: sa.Connection, workspace_id: int) -> list[Period]:
    q = (
        sa.select(t.period)
        .where(t.period.c.workspace_id == workspace_id)
        .order_by(t.period.c.start_date, t.period.c.end_date.desc(), t.period.c.id)
    )
    return [to_period(r) for r in conn.execute(q)]


def load_kpis(conn: sa.Connection, workspace_id: int) -> list[Kpi]:
    q = sa.select(t.kpi).where(t.kpi.c.workspace_id == workspace_id).order_by(t.kpi.c.id)
    return [to_kpi(r) for r in conn.execute(q)]


def load_measurements(
    conn: sa.Connection, workspace_id: int, *, until: date | None = None
) -> list[Measurement]:
    """Every measurement of the workspace in recording order (optionally dated up to `until`)."""
    q = sa.select(t.measurement).where(t.measurement.c.workspace_id == workspace_id)
    if until is not None:
        q = q.where(t.measurement.c.at <= until)
    return [to_measurement(r) for r in conn.execute(q.order_by(t.measurement.c.id))]


def _objectives_in(conn: sa.Connection, period_filter: sa.ColumnElement[bool]) -> list[Objective]:
    q = (
        sa.select(t.objective)
        .join(t.period, t.period.c.id == t.objective.c.period_id)
        .where(period_filter)
        .order_by(t.objective.c.position, t.objective.c.id)
    )
    return [to_objective(r) for r in conn.execute(q)]


def load_objectives(conn: sa.Connection, workspace_id: int) -> list[Objective]:
    return _objectives_in(conn, t.period.c.workspace_id == workspace_id)


def load_key_results(conn: sa.Connection, workspace_id: int) -> list[KeyResult]:
    q = sa.select(t.key_result).where(t.key_result.c.workspace_id == workspace_id)
    q = q.order_by(t.key_result.c.objective_id, t.key_result.c.position, t.key_result.c.id)
    return [to_key_result(r) for r in conn.execute(q)]


def load_check_ins(conn: sa.Connection, workspace_id: int) -> list[CheckIn]:
    """Check-ins in recording order."""
    q = sa.select(t.check_in).where(t.check_in.c.workspace_id == workspace_id)
    return [to_check_in(r) for r in conn.execute(q.order_by(t.check_in.c.id))]


def load_initiatives(conn: sa.Connection, workspace_id: int) -> list[Initiative]:
    q = (
        sa.select(t.initiative)
        .where(t.initiative.c.workspace_id == workspace_id)
        .order_by(t.initiative.c.id)
    )
    return [to_initiative(r) for r in conn.execute(q)]


def load_period_data(
    conn: sa.Connection, workspace: Workspace, period: Period, *, as_of: date
) -> PeriodData:
    """Every row the period's figures need, in a fixed number of queries.

    Objectives of every period overlapping this one are loaded, so a rollup key result sees
    the objectives aligned under it even when they sit in a shorter period.
    """
    return load_periods_data(conn, workspace, [period], as_of=as_of)


def load_periods_data(
    conn: sa.Connection, workspace: Workspace, periods: Sequence[Period], *, as_of: date
) -> PeriodData:
    """`load_period_data` for several periods at once: still a fixed number of queries."""
    ws = workspace.id
    every_period = {p.id: p for p in load_periods(conn, ws)}
    overlaps = sa.or_(
        sa.false(),
        *(
            sa.and_(t.period.c.start_date <= p.end_date, t.period.c.end_date >= p.start_date)
            for p in periods
        ),
    )
    in_periods = sa.and_(t.period.c.workspace_id == ws, overlaps)
    objectives = _objectives_in(conn, in_periods)
    overlapping = (
        sa.select(t.objective.c.id)
        .join(t.period, t.period.c.id == t.objective.c.period_id)
        .where(in_periods)
    )
    kr_rows = conn.execute(
        sa.select(t.key_result)
        .where(t.key_result.c.objective_id.in_(overlapping))
        .order_by(t.key_result.c.objective_id, t.key_result.c.position, t.key_result.c.id)
    )
    key_results = [to_key_result(r) for r in kr_rows]
    ci_rows = conn.execute(
        sa.select(t.check_in)
        .join(t.key_result, t.key_result.c.id == t.check_in.c.key_result_id)
        .where(t.key_result.c.objective_id.in_(overlapping), t.check_in.c.effective_date <= as_of)
        .order_by(t.check_in.c.id)
    )
    return PeriodData(
        fiscal_year_start_month=workspace.fiscal_year_start_month,
        periods=every_period,
        objectives=objectives,
        key_results=key_results,
        check_ins=[to_check_in(r) for r in ci_rows],
        kpis=load_kpis(conn, ws),
        measurements=load_measurements(conn, ws, until=as_of),
        units={u.id: u for u in load_units(conn, ws)},
        people={p.id: p for p in load_people(conn, ws)},
    )


def get_objective(conn: sa.Connection, workspace_id: int, objective_id: int) -> Objective:
    row = workspace_row(conn, t.objective, workspace_id, objective_id, "objective")
    return to_objective(row)


def get_kpi(conn: sa.Connection, workspace_id: int, kpi_id: int) -> Kpi:
    row = workspace_row(conn, t.kpi, workspace_id, kpi_id, "KPI")
    return to_kpi(row)


def find_person_by_email(conn: sa.Connection, workspace_id: int, email: str) -> Person | None:
    """The person with this (lower-case) email, with their units; None when there is none."""
    row = conn.execute(
        sa.select(t.person).where(
            t.person.c.workspace_id == workspace_id, t.person.c.email == email
        )
    ).first()
    if row is None:
        return None
    unit_ids = conn.execute(
        sa.select(t.person_unit.c.unit_id)
        .where(t.person_unit.c.person_id == row.id)
        .order_by(t.person_unit.c.unit_id)
    ).scalars()
    return Person(
        id=row.id,
        name=row.name,
        email=row.email,
        role=Role(row.role),
        active=row.active,
        unit_ids=tuple(unit_ids),
        key=row.key,
    )


def load_kpi_measurements(conn: sa.Connection, kpi_id: int) -> list[Measurement]:
    """One KPI's measurements in recording order."""
    q = sa.select(t.measurement).where(t.measurement.c.kpi_id == kpi_id)
    return [to_measurement(r) for r in conn.execute(q.order_by(t.measurement.c.id))]


def page_of(
    conn: sa.Connection,
    table: sa.Table,
    to_row: Callable[[Any], Row],
    workspace_id: int,
    after_id: int,
    limit: int,
    *where: sa.ColumnElement[bool],
) -> list[Row]:
    """Up to `limit` + 1 rows of a workspace's table with ids above `after_id`, by id.

    The extra row tells the caller whether another page follows.
    """
    q = (
        sa.select(table)
        .where(table.c.workspace_id == workspace_id, table.c.id > after_id, *where)
        .order_by(table.c.id)
        .limit(limit + 1)
    )
    return [to_row(r) for r in conn.execute(q)]


# --- single rows and pages for the people, periods, tokens and audit resources ----------------


def _people_with_units(conn: sa.Connection, rows: list[Any]) -> list[Person]:
    """Person rows with their unit memberships: one more query whatever the count."""
    memberships: dict[int, list[int]] = defaultdict(list)
    if rows:
        q = (
            sa.select(t.person_unit.c.person_id, t.person_unit.c.unit_id)
            .where(t.person_unit.c.person_id.in_([r.id for r in rows]))
            .order_by(t.person_unit.c.person_id, t.person_unit.c.unit_id)
        )
        for person_id, unit_id in conn.execute(q):
            memberships[person_id].append(unit_id)
    return [
        Person(
            id=r.id,
            name=r.name,
            email=r.email,
            role=Role(r.role),
            active=r.active,
            unit_ids=tuple(memberships[r.id]),
            key=r.key,
        )
        for r in rows
    ]


def get_person(conn: sa.Connection, workspace_id: int, person_id: int) -> Person:
    row = workspace_row(conn, t.person, workspace_id, person_id, "person")
    return _people_with_units(conn, [row])[0]


def people_page(conn: sa.Connection, workspace_id: int, after_id: int, limit: int) -> list[Person]:
    """Up to `limit` + 1 people with ids above `after_id`, by id, with their units."""
    q = (
        sa.select(t.person)
        .where(t.person.c.workspace_id == workspace_id, t.person.c.id > after_id)
        .order_by(t.person.c.id)
        .limit(limit + 1)
    )
    return _people_with_units(conn, list(conn.execute(q)))


def get_period(conn: sa.Connection, workspace_id: int, period_id: int) -> Period:
    row = workspace_row(conn, t.period, workspace_id, period_id, "period")
    return to_period(row)


# --- OKR rows for the API: objectives, key results, check-ins, initiatives -------------------


def objectives_after(
    conn: sa.Connection,
    workspace_id: int,
    after_id: int,
    limit: int | None,
    *where: sa.ColumnElement[bool],
) -> list[Objective]:
    """Objectives of a workspace with ids above `after_id`, by id; at most `limit` + 1 of them
    (every one when `limit` is None: a filter on computed figures must see them all)."""
    q = (
        sa.select(t.objective)
        .where(t.objective.c.workspace_id == workspace_id, t.objective.c.id > after_id, *where)
        .order_by(t.objective.c.id)
    )
    if limit is not None:
        q = q.limit(limit + 1)
    return [to_objective(r) for r in conn.execute(q)]


def get_key_result(conn: sa.Connection, workspace_id: int, key_result_id: int) -> KeyResult:
    row = workspace_row(conn, t.key_result, workspace_id, key_result_id, "key result")
    return to_key_result(row)


def get_check_in(conn: sa.Connection, workspace_id: int, check_in_id: int) -> CheckIn:
    row = workspace_row(conn, t.check_in, workspace_id, check_in_id, "check-in")
    return to_check_in(row)


def get_initiative(conn: sa.Connection, workspace_id: int, initiative_id: int) -> Initiative:
    row = workspace_row(conn, t.initiative, workspace_id, initiative_id, "initiative")
    return to_initiative(row)


def row_exists(conn: sa.Connection, table: sa.Table, workspace_id: int, row_id: int) -> bool:
    """True when the workspace has a row of `table` with this id."""
    q = sa.select(table.c.id).where(table.c.id == row_id, table.c.workspace_id == workspace_id)
    return conn.execute(q).first() is not None


def next_position(
    conn: sa.Connection, column: sa.Column[int], *where: sa.ColumnElement[bool]
) -> int:
    """One past the highest `position` among the rows `where` selects: new rows go last."""
    highest = conn.execute(sa.select(sa.func.max(column)).where(*where)).scalar()
    return 0 if highest is None else int(highest) + 1


# --- KPI reads (KPI list, one KPI's figures, measurement pages) ------------------------------


def load_kpis_where(
    conn: sa.Connection,
    workspace_id: int,
    *where: sa.ColumnElement[bool],
    after_id: int = 0,
    limit: int | None = None,
) -> list[Kpi]:
    """The workspace's KPIs with ids above `after_id` matching `where`, by id (at most `limit`)."""
    q = (
        sa.select(t.kpi)
        .where(t.kpi.c.workspace_id == workspace_id, t.kpi.c.id > after_id, *where)
        .order_by(t.kpi.c.id)
    )
    if limit is not None:
        q = q.limit(limit)
    return [to_kpi(r) for r in conn.execute(q)]


def load_measurements_of(
    conn: sa.Connection, workspace_id: int, kpi_ids: list[int], *, until: date
) -> list[Measurement]:
    """The measurements of these KPIs dated up to `until`, in recording order: one query."""
    if not kpi_ids:
        return []
    q = sa.select(t.measurement).where(
        t.measurement.c.workspace_id == workspace_id,
        t.measurement.c.kpi_id.in_(kpi_ids),
        t.measurement.c.at <= until,
    )
    return [to_measurement(r) for r in conn.execute(q.order_by(t.measurement.c.id))]


def load_initiatives_of_objective(
    conn: sa.Connection, workspace_id: int, objective_id: int
) -> list[Initiative]:
    """The initiatives of an objective and of its key results, by id, in one query."""
    i = t.initiative.c
    krs = sa.select(t.key_result.c.id).where(t.key_result.c.objective_id == objective_id)
    q = (
        sa.select(t.initiative)
        .where(i.workspace_id == workspace_id)
        .where(sa.or_(i.objective_id == objective_id, i.key_result_id.in_(krs)))
        .order_by(i.id)
    )
    return [to_initiative(r) for r in conn.execute(q)]
