"""The entities of docs/concepts.md as plain data, and the figures computed from them.

Everything here is standard library only. Rows carry integer ids assigned by the store; the
domain never invents ids and never talks to a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class UnitKind(StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


class PeriodState(StrEnum):
    PLANNING = "planning"
    ACTIVE = "active"
    CLOSED = "closed"


class ObjectiveType(StrEnum):
    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


class ObjectiveState(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class KeyResultKind(StrEnum):
    METRIC = "metric"
    MILESTONE = "milestone"
    ROLLUP = "rollup"


class InitiativeStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    IN_RANGE = "in_range"


class Cadence(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Aggregation(StrEnum):
    LAST = "last"
    SUM = "sum"
    MEAN = "mean"
    MIN = "min"
    MAX = "max"


class KpiSource(StrEnum):
    MANUAL = "manual"
    PUSH = "push"
    CSV = "csv"
    SQL = "sql"


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class Health(StrEnum):
    HEALTHY = "healthy"
    WARNING = "warning"
    CRITICAL = "critical"
    STALE = "stale"
    NO_DATA = "no_data"


class Trend(StrEnum):
    IMPROVING = "improving"
    FLAT = "flat"
    WORSENING = "worsening"


class GradeBand(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True, slots=True)
class Grade:
    """A frozen final score: of an objective (with whether it fell short) or a key result."""

    objective_id: int | None
    key_result_id: int | None
    score: float | None
    band: str | None
    fell_short: bool | None = None


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"


# --- entities ------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Workspace:
    id: int
    name: str
    fiscal_year_start_month: int = 1
    timezone: str = "UTC"


@dataclass(slots=True, kw_only=True)
class Unit:
    id: int
    name: str
    kind: UnitKind
    parent_id: int | None = None
    key: str | None = None


@dataclass(slots=True, kw_only=True)
class Person:
    id: int
    name: str
    email: str
    role: Role
    active: bool = True
    unit_ids: tuple[int, ...] = ()
    key: str | None = None


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A personal API token as it may be shown: never the token itself nor its hash."""

    id: int
    person_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class IngestTokenInfo:
    """A KPI's ingest token as it may be shown: never the token itself nor its hash."""

    id: int
    kpi_id: int
    name: str
    created_by: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what to which row, when, with the values before and after."""

    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    subject_type: str
    subject_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditFilter:
    """Which audit events a reader asks for: each field narrows only when not None."""

    subject_type: str | None = None
    subject_id: int | None = None
    actor_id: int | None = None


@dataclass(slots=True, kw_only=True)
class Period:
    id: int
    name: str
    kind: PeriodKind
    start_date: date
    end_date: date
    state: PeriodState = PeriodState.PLANNING
    key: str | None = None


@dataclass(slots=True, kw_only=True)
class Objective:
    id: int
    title: str
    period_id: int
    type: ObjectiveType = ObjectiveType.COMMITTED
    state: ObjectiveState = ObjectiveState.ACTIVE
    description: str = ""
    owner_unit_id: int | None = None
    owner_id: int | None = None
    parent_id: int | None = None
    parent_key_result_id: int | None = None
    continued_from_id: int | None = None
    position: int = 0
    key: str | None = None
    # Cross-team work: further objectives and key results of the same period it also serves.
    contributes_to: tuple[int, ...] = ()  # objective ids
    contributes_to_key_results: tuple[int, ...] = ()  # key result ids

    @property
    def is_draft(self) -> bool:
        """A proposal: it has its own figures but counts nowhere else (docs/formulas.md)."""
        return self.state is ObjectiveState.DRAFT


@dataclass(slots=True, kw_only=True)
class KeyResult:
    id: int
    objective_id: int
    title: str
    kind: KeyResultKind
    unit_label: str = ""
    start_value: float | None = None
    target_value: float | None = None
    weight: float = 1.0
    owner_id: int | None = None
    kpi_id: int | None = None
    position: int = 0
    key: str | None = None
    due_date: date | None = None  # inside the period: its own expected progress runs to it


@dataclass(slots=True, kw_only=True)
class CheckIn:
    """A value reported for a key result. Append-only: corrections are new check-ins."""

    id: int
    key_result_id: int
    value: float
    effective_date: date
    created_at: datetime
    confidence: int | None = None
    note: str = ""
    author_id: int | None = None


@dataclass(slots=True, kw_only=True)
class Initiative:
    id: int
    title: str
    status: InitiativeStatus = InitiativeStatus.PLANNED
    key_result_id: int | None = None
    objective_id: int | None = None
    owner_id: int | None = None
    due_date: date | None = None
    link: str = ""


@dataclass(slots=True, kw_only=True)
class Kpi:
    id: int
    name: str
    owner_unit_id: int
    direction: Direction
    cadence: Cadence
    aggregation: Aggregation
    description: str = ""
    owner_id: int | None = None
    category: str = ""
    unit_label: str = ""
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    warning: float | None = None
    source: KpiSource = KpiSource.MANUAL
    key: str | None = None
    min_value: float | None = None  # the plausible range: a measurement outside is refused
    max_value: float | None = None


class Targeted(Protocol):
    """Anything with a KPI's target: a number, or a low and a high for in-range KPIs."""

    @property
    def target(self) -> float | None: ...
    @property
    def target_low(self) -> float | None: ...
    @property
    def target_high(self) -> float | None: ...


@dataclass(slots=True, kw_only=True)
class Measurement:
    id: int
    kpi_id: int
    at: date
    value: float
    recorded_at: datetime
    source: KpiSource = KpiSource.MANUAL
    note: str = ""
    recorded_by: int | None = None


# --- settings the formulas take -------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusThresholds:
    """The gap limits of the status rule and the low-confidence limit (docs/formulas.md, Status)."""

    on_track_gap: float = 0.10
    at_risk_gap: float = 0.25
    low_confidence: int = 3


# --- computed figures -----------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class KeyResultFigures:
    key_result_id: int
    current_value: float | None
    progress: float
    score: float
    expected: float
    status: Status
    confidence: int | None = None
    last_update: date | None = None  # latest check-in, or latest KPI measurement when linked
    forecast_value: float | None = None  # metric key results only (docs/formulas.md, Forecast)
    forecast_score: float | None = None


@dataclass(slots=True, kw_only=True)
class ObjectiveFigures:
    objective_id: int
    score: float | None
    expected: float
    status: Status | None


@dataclass(slots=True, kw_only=True)
class KpiFigures:
    kpi_id: int
    latest_value: float | None
    latest_bucket: date | None
    health: Health
    trend: Trend | None
    last_measured: date | None = None
    series: list[tuple[date, float]] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Finding:
    """One piece of coaching advice: never a block."""

    code: str
    severity: Severity
    subject_type: str  # objective | key_result | kpi | person | unit | period
    subject_id: int
    subject_title: str
    message: str


@dataclass(slots=True, kw_only=True)
class PeriodData:
    """Every row a period's figures depend on, loaded set-based by the store.

    `objectives` holds the period's objectives and any objective aligned under them (their
    period is in `periods`). Check-ins and measurements may run past "as of": the formulas
    ignore what is dated later.
    """

    fiscal_year_start_month: int
    periods: dict[int, Period]
    objectives: list[Objective]
    key_results: list[KeyResult]
    check_ins: list[CheckIn]
    kpis: list[Kpi]
    measurements: list[Measurement]
    units: dict[int, Unit] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class Figures:
    """What `evaluate` computed, keyed by row id."""

    as_of: date
    key_results: dict[int, KeyResultFigures]
    objectives: dict[int, ObjectiveFigures]
    kpis: dict[int, KpiFigures]
