"""The demo company: a realistic workspace around today's date, loaded like any document."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any

import yaml

from headway.domain.periods import (
    expected_progress,
    fiscal_quarter_bounds,
    fiscal_year_bounds,
    quarter_name,
)
from headway.services.access.actors import Caller
from headway.services.access.people import hash_password
from headway.services.documents.imports import ImportResult, import_workspace
from headway.services.kpis.kpis import propose_okr_from_kpi, store_proposal
from headway.store import kpis as kpi_store
from headway.store import people as people_store
from headway.store import workspaces as workspace_store
from headway.store.uow import UnitOfWork

DEMO_WORKSPACE = "Northwind Labs"
DEMO_PASSWORD = "headway-demo"  # noqa: S105 - the published demo sign-in, not a secret
DEMO_DOMAIN = "northwind.example"
DEMO_ADMIN = f"ceo@{DEMO_DOMAIN}"


def _company() -> dict[str, Any]:
    """The demo company's people, KPIs and OKRs, without dates (demo/company.yaml)."""
    text = resources.files("headway.demo").joinpath("company.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _series_dates(cadence: str, today: date, rng: random.Random) -> list[date]:
    if cadence == "daily":
        return [today - timedelta(days=n) for n in range(45, 0, -1)]
    if cadence == "weekly":
        monday = today - timedelta(days=today.weekday())
        return [
            monday - timedelta(weeks=n) + timedelta(days=rng.randint(0, 4))
            for n in range(16, 0, -1)
        ]
    ends = []
    month_start = today.replace(day=1)
    for _ in range(8):  # month ends, newest last; the current month has no figure yet
        month_start = (month_start - timedelta(days=1)).replace(day=1)
        ends.append(month_start)
    return [
        (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        for d in reversed(ends)
    ]


def _kpi_doc(spec: dict[str, Any], today: date, rng: random.Random) -> dict[str, Any]:
    first, last = spec["series"]
    doc = {k: v for k, v in spec.items() if k != "series"}
    dates = _series_dates(spec["cadence"], today, rng)
    if spec.get("stale"):  # a KPI nobody has updated for months
        dates = dates[:3]
        doc.pop("stale")
    digits = 2 if abs(last) < 200 else 0
    measurements: list[dict[str, Any]] = []
    for i, day in enumerate(dates):
        value = first + (last - first) * i / max(len(dates) - 1, 1)
        value *= 1 + rng.uniform(-0.015, 0.015)
        # Summed KPIs get their figures in parts, as they arrive from several sources.
        parts = (0.6, 0.4) if spec["aggregation"] == "sum" else (1.0,)
        measurements += [
            {"at": day.isoformat(), "value": round(value * part, digits)} for part in parts
        ]
    doc["measurements"] = measurements
    return doc


def _check_ins(
    kr: dict[str, Any],
    start: date,
    end: date,
    today: date,
    notes: list[str],
    rng: random.Random,
) -> list[dict[str, Any]]:
    pace = kr.get("pace")
    if pace is None or kr.get("kpi"):
        return []
    out = []
    day = start + timedelta(days=6)
    # Slow key results also tend to be the ones nobody checks in on (coaching rule OKR009).
    last_day = today - timedelta(days=rng.choice([1, 3, 5, 18]) if pace < 0.65 else 2)
    while day <= last_day:
        share = pace * expected_progress(start, end, day)
        if kr["kind"] == "milestone":
            value: float = 1 if share >= 1 else 0
        else:
            first, target = kr["start"], kr["target"]
            value = first + (target - first) * share
            value = round(value, 1) if abs(target - first) < 20 else round(value)
        confidence = max(0, min(10, round(4 + pace * 4 + rng.uniform(-1, 1))))
        out.append(
            {
                "date": day.isoformat(),
                "value": value,
                "confidence": confidence,
                "note": rng.choice(notes),
                "author": kr["owner"],
            }
        )
        day += timedelta(days=7)
    return out


def demo_document(today: date, fiscal_year_start_month: int = 1) -> dict[str, Any]:
    """The demo company as a workspace document, its current quarter around `today`."""
    company = _company()
    rng = random.Random(2026)  # noqa: S311 - the same company every time, not security
    q_start, q_end = fiscal_quarter_bounds(today, fiscal_year_start_month)
    y_start, y_end = fiscal_year_bounds(today, fiscal_year_start_month)
    n_start, n_end = fiscal_quarter_bounds(q_end + timedelta(days=1), fiscal_year_start_month)
    quarter = quarter_name(today, fiscal_year_start_month)
    objectives = []
    for spec in company["objectives"]:
        key_results = []
        for kr in spec["key_results"]:
            check_ins = _check_ins(kr, q_start, q_end, today, company["notes"], rng)
            key_results.append(
                {**{k: v for k, v in kr.items() if k != "pace"}, "check_ins": check_ins}
            )
        objectives.append({**spec, "period": quarter, "key_results": key_results})
    return {
        "workspace": DEMO_WORKSPACE,
        "fiscal_year_start_month": fiscal_year_start_month,
        "timezone": "UTC",
        "units": company["units"],
        "people": [
            {
                "key": p["key"],
                "name": p["name"],
                "email": f"{p['mailbox']}@{DEMO_DOMAIN}",
                "role": p["role"],
                "units": p["units"],
            }
            for p in company["people"]
        ],
        "periods": [
            {
                "name": quarter,
                "kind": "quarter",
                "start": q_start.isoformat(),
                "end": q_end.isoformat(),
                "state": "active",
            },
            {
                "name": f"FY{y_end.year}",
                "kind": "year",
                "start": y_start.isoformat(),
                "end": y_end.isoformat(),
                "state": "active",
            },
            {
                "name": quarter_name(n_start, fiscal_year_start_month),
                "kind": "quarter",
                "start": n_start.isoformat(),
                "end": n_end.isoformat(),
                "state": "planning",
            },
        ],
        "kpis": [_kpi_doc(spec, today, rng) for spec in company["kpis"]],
        "objectives": objectives,
    }


def load_demo(
    uow: UnitOfWork, *, clock: Callable[[], datetime], replace: bool = False
) -> ImportResult | None:
    """Load the demo company (None when it is there already and `replace` is False)."""
    with uow:
        exists = workspace_store.workspace_id_named(uow.conn, DEMO_WORKSPACE)
    if exists is not None and not replace:
        return None
    today = clock().date()
    result = import_workspace(
        uow, demo_document(today), actor_label="demo", clock=clock, replace=replace
    )
    with uow:
        conn = uow.conn
        people_store.give_everyone_password(conn, result.workspace_id, hash_password(DEMO_PASSWORD))
        workspace = workspace_store.get_workspace(conn, result.workspace_id)
        kpi_id = kpi_store.kpi_id_by_key(conn, result.workspace_id, "first-response")
    proposal = propose_okr_from_kpi(uow, workspace, kpi_id, clock=clock)
    store_proposal(uow, workspace, proposal, caller=Caller.operator("demo"), clock=clock)
    return result
