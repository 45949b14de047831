"""KPIs, their measurements, and what a spreadsheet import did, as the API answers them."""

from __future__ import annotations

from datetime import date

from headway.domain.model import (
    Aggregation,
    Cadence,
    Direction,
    Figures,
    Health,
    IngestTokenInfo,
    Kpi,
    KpiSource,
    Measurement,
    Trend,
)
from headway.schemas.answer import Answer, Timestamp
from headway.services.kpis.measurement_import import KpiImported
from headway.services.kpis.measurements import MeasurementBatch


class KpiOut(Answer):
    """A KPI with its latest value, health and trend as of a date."""

    id: int
    key: str | None
    name: str
    description: str
    owner_unit_id: int
    owner_id: int | None
    category: str
    unit_label: str
    direction: Direction
    target: float | None
    target_low: float | None
    target_high: float | None
    warning: float | None
    min_value: float | None
    max_value: float | None
    cadence: Cadence
    aggregation: Aggregation
    source: KpiSource
    latest_value: float | None
    health: Health
    trend: Trend | None

    @classmethod
    def of(cls, kpi: Kpi, figures: Figures) -> KpiOut:
        """The KPI with its figures."""
        return cls.read(kpi, figures.kpis[kpi.id])


class MeasurementOut(Answer):
    """One value of a KPI on a date."""

    id: int
    kpi_id: int
    at: date
    value: float
    note: str
    source: KpiSource
    recorded_by: int | None
    recorded_at: Timestamp

    @classmethod
    def of(cls, measurement: Measurement) -> MeasurementOut:
        """The measurement as the API answers it."""
        return cls.read(measurement)


class MeasurementBatchOut(Answer):
    """A list of measurements recorded at once, and how many earlier ones they replaced."""

    items: list[MeasurementOut]
    removed: int

    @classmethod
    def of(cls, batch: MeasurementBatch) -> MeasurementBatchOut:
        """What the batch recorded and removed."""
        return cls(items=[MeasurementOut.of(m) for m in batch.created], removed=batch.removed)


class KpiImportedOut(Answer):
    """What a spreadsheet import did to one KPI."""

    id: int
    name: str
    created: int
    replaced: int


class MeasurementImportOut(Answer):
    """What a spreadsheet import did, in all and to each KPI."""

    created: int
    replaced: int
    kpis: list[KpiImportedOut]

    @classmethod
    def of(cls, done: list[KpiImported]) -> MeasurementImportOut:
        """The totals and each KPI's counts."""
        return cls(
            created=sum(d.created for d in done),
            replaced=sum(d.replaced for d in done),
            kpis=[
                KpiImportedOut(id=d.kpi_id, name=d.kpi_name, created=d.created, replaced=d.replaced)
                for d in done
            ],
        )


class IngestTokenOut(Answer):
    """A KPI's ingest token: never the token itself nor its hash."""

    id: int
    kpi_id: int
    name: str
    created_by: int | None
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked_at: Timestamp | None

    @classmethod
    def of(cls, token: IngestTokenInfo) -> IngestTokenOut:
        """The token's details."""
        return cls.read(token)


class NewIngestTokenOut(IngestTokenOut):
    """An ingest token just created: the only answer that carries the token itself."""

    token: str

    @classmethod
    def created(cls, info: IngestTokenInfo, token: str) -> NewIngestTokenOut:
        """The new token's details and the token, shown this once."""
        return cls.read(info, token=token)
