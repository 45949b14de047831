"""/api/v1/kpis: health metrics, their measurements, and the OKR a KPI off target proposes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from fastapi import Body as BodyParam
from fastapi.exceptions import RequestValidationError
from pydantic import Strict, TypeAdapter, ValidationError

from headway.domain.errors import FieldProblem, ValidationFailed
from headway.domain.model import Aggregation, Cadence, Direction, Health, Kpi, KpiSource
from headway.schemas.insights import ObjectiveDraftOut
from headway.schemas.kpis import KpiOut, MeasurementBatchOut, MeasurementOut
from headway.schemas.okrs import ObjectiveOut
from headway.schemas.paging import Page
from headway.services.kpis import kpis as service
from headway.services.kpis import measurements
from headway.services.kpis.kpis import KpiReading
from headway.services.okrs import proposals
from headway.web.deps import ApiContext, AsOfQuery, ingest_tokens_allowed
from headway.web.inputs import Body, Day, FilterId, Id, Number, RowId, changes_of
from headway.web.json_request import JsonRoute
from headway.web.pagination import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, page

router = APIRouter(prefix="/kpis", tags=["kpis"], route_class=JsonRoute)

Text = Annotated[str, Strict()]


class KpiIn(Body):
    name: Text
    description: Text = ""
    owner_unit_id: Id
    owner_id: Id | None = None
    category: Text = ""
    unit_label: Text = ""
    direction: Direction
    target: Number | None = None
    target_low: Number | None = None
    target_high: Number | None = None
    warning: Number | None = None
    min_value: Number | None = None
    max_value: Number | None = None
    cadence: Cadence
    aggregation: Aggregation
    source: KpiSource = KpiSource.MANUAL


class KpiPatch(Body):
    name: Text | None = None
    description: Text | None = None
    owner_unit_id: Id | None = None
    owner_id: Id | None = None
    category: Text | None = None
    unit_label: Text | None = None
    direction: Direction | None = None
    target: Number | None = None
    target_low: Number | None = None
    target_high: Number | None = None
    warning: Number | None = None
    min_value: Number | None = None
    max_value: Number | None = None
    cadence: Cadence | None = None
    aggregation: Aggregation | None = None
    source: KpiSource | None = None


class MeasurementIn(Body):
    at: Day | None = None
    value: Number
    note: Text = ""
    source: KpiSource = KpiSource.MANUAL


class ProposalIn(Body):
    period_id: Id | None = None


_ONE = TypeAdapter(MeasurementIn)
_MANY = TypeAdapter(list[MeasurementIn])
_ONE_SCHEMA = MeasurementIn.model_json_schema(ref_template="#/components/schemas/{model}")
_ONE_SCHEMA.pop("$defs", None)
_MEASUREMENTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"oneOf": [_ONE_SCHEMA, {"type": "array", "items": _ONE_SCHEMA}]}
            }
        },
    }
}


def _kpi_out(reading: KpiReading) -> KpiOut:
    return KpiOut.of(reading.kpis[0], reading.figures)


@router.get("")
def list_kpis(
    api: ApiContext,
    unit: Annotated[
        FilterId | None, Query(description="Owning unit's id (that unit only).")
    ] = None,
    category: Annotated[str | None, Query(description="Category, in any case.")] = None,
    health: Annotated[Health | None, Query(description="Health as of the date.")] = None,
    as_of: AsOfQuery = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[KpiOut]:
    """KPIs of the workspace with their latest value, health and trend, by id."""
    reading = service.list_kpis(
        api.uow,
        api.workspace,
        unit_id=unit,
        category=category,
        health=health,
        as_of=as_of,
        after_id=decode_cursor(cursor),
        limit=limit,
        clock=api.clock,
    )
    return page(reading.kpis, limit, lambda k: k.id, lambda k: KpiOut.of(k, reading.figures))


@router.post("", status_code=status.HTTP_201_CREATED)
def create_kpi(body: KpiIn, api: ApiContext) -> KpiOut:
    """Add a KPI owned by one of your units (admins: any unit)."""
    kpi = Kpi(id=0, **body.model_dump())
    reading = service.create_kpi(api.uow, api.workspace, kpi, caller=api.caller, clock=api.clock)
    return _kpi_out(reading)


@router.get("/{kpi_id}")
def get_kpi(kpi_id: RowId, api: ApiContext, as_of: AsOfQuery = None) -> KpiOut:
    """One KPI with its latest value, health and trend as of a date."""
    return _kpi_out(service.get_kpi(api.uow, api.workspace, kpi_id, as_of=as_of, clock=api.clock))


@router.patch("/{kpi_id}")
def update_kpi(kpi_id: RowId, body: KpiPatch, api: ApiContext) -> KpiOut:
    """Change a KPI; send null to clear an optional field."""
    reading = service.update_kpi(
        api.uow, api.workspace, kpi_id, changes_of(body), caller=api.caller, clock=api.clock
    )
    return _kpi_out(reading)


@router.delete("/{kpi_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_kpi(kpi_id: RowId, api: ApiContext) -> None:
    """Remove a KPI and its measurements (refused while a key result is linked to it)."""
    service.delete_kpi(api.uow, api.workspace, kpi_id, caller=api.caller, clock=api.clock)


@router.get("/{kpi_id}/measurements")
@ingest_tokens_allowed
def list_measurements(
    kpi_id: RowId,
    api: ApiContext,
    since: Annotated[Day | None, Query(alias="from", description="Dated on or after.")] = None,
    until: Annotated[Day | None, Query(alias="to", description="Dated on or before.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[MeasurementOut]:
    """A KPI's measurements in recording order."""
    rows = measurements.list_measurements(
        api.uow,
        api.workspace,
        kpi_id,
        since=since,
        until=until,
        after_id=decode_cursor(cursor),
        limit=limit,
        caller=api.caller,
    )
    return page(rows, limit, lambda m: m.id, MeasurementOut.of)


def _measurements_in(payload: Any) -> list[MeasurementIn]:
    """One measurement object or a list of them; problems name `[i].field` in a list."""
    try:
        if isinstance(payload, list):
            return _MANY.validate_python(payload)
        return [_ONE.validate_python(payload)]
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from None


@router.post(
    "/{kpi_id}/measurements",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_MEASUREMENTS_BODY,
)
@ingest_tokens_allowed
def record_measurements(
    kpi_id: RowId,
    payload: Annotated[Any, BodyParam()],
    api: ApiContext,
    replace: Annotated[
        bool,
        Query(
            description="First remove the KPI's measurements of the same source on the dates "
            "the batch covers, so that sending it twice changes nothing."
        ),
    ] = False,
) -> MeasurementOut | MeasurementBatchOut:
    """Record one measurement (answers it) or a list, all or nothing (answers `items`)."""
    items = _measurements_in(payload)
    batch = measurements.record_measurements(
        api.uow,
        api.workspace,
        kpi_id,
        [
            measurements.MeasurementInput(value=i.value, at=i.at, note=i.note, source=i.source)
            for i in items
        ],
        replace=replace,
        indexed=isinstance(payload, list),
        caller=api.caller,
        clock=api.clock,
    )
    if not isinstance(payload, list):
        return MeasurementOut.of(batch.created[0])
    return MeasurementBatchOut.of(batch)


@router.post(
    "/{kpi_id}/propose-okr",
    # Two answers: the draft (200), or the objective stored from it with `create=true` (201).
    response_model=None,
    responses={
        200: {"model": ObjectiveDraftOut, "description": "The draft; nothing stored."},
        201: {"model": ObjectiveOut, "description": "The draft objective, stored."},
    },
)
def propose_okr(
    kpi_id: RowId,
    api: ApiContext,
    response: Response,
    body: ProposalIn | None = None,
    create: Annotated[
        bool, Query(description="Store the proposal as a draft objective (201).")
    ] = False,
    period_id: Annotated[
        FilterId | None, Query(description="Period to store it in (default: the current one).")
    ] = None,
    as_of: AsOfQuery = None,
) -> ObjectiveDraftOut | ObjectiveOut:
    """The objective a KPI off target proposes: a draft, or stored with `create=true`."""
    chosen = body.period_id if body is not None else None
    if chosen is not None and period_id is not None and chosen != period_id:
        raise ValidationFailed(
            [FieldProblem("period_id", "differs between the query and the body: send one")]
        )
    chosen = chosen if chosen is not None else period_id
    if not create:
        draft = proposals.draft_okr_from_kpi(
            api.uow, api.workspace, kpi_id, period_id=chosen, as_of=as_of, clock=api.clock
        )
        return ObjectiveDraftOut.of(draft)
    stored = proposals.create_okr_from_kpi(
        api.uow,
        api.workspace,
        kpi_id,
        period_id=chosen,
        as_of=as_of,
        thresholds=api.thresholds,
        caller=api.caller,
        clock=api.clock,
    )
    response.status_code = status.HTTP_201_CREATED
    return ObjectiveOut.of(stored.objective, stored.key_results, stored.figures)
