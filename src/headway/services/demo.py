"""The demo company: a realistic workspace around today's date, loaded like any document."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from headway.domain.periods import expected_progress, fiscal_quarter_bounds, fiscal_year_bounds
from headway.services.actors import Caller
from headway.services.imports import ImportResult, import_workspace
from headway.services.kpis import propose_okr_from_kpi, store_proposal
from headway.services.people import hash_password
from headway.store import tables as t
from headway.store.repository import to_workspace
from headway.store.uow import UnitOfWork

DEMO_WORKSPACE = "Northwind Labs"
DEMO_PASSWORD = "headway-demo"  # noqa: S105 - the published demo sign-in, not a secret
DEMO_ADMIN = "ceo@northwind.example"

UNITS = [
    ("co", "Northwind Labs", "company", None),
    ("sales", "Sales", "department", "co"),
    ("sales-emea", "Sales EMEA", "team", "sales"),
    ("sales-amer", "Sales Americas", "team", "sales"),
    ("marketing", "Marketing", "department", "co"),
    ("support", "Customer Support", "department", "co"),
    ("support-t1", "Support Tier 1", "team", "support"),
    ("eng", "Engineering", "department", "co"),
    ("platform", "Platform Team", "team", "eng"),
    ("product", "Product Team", "team", "eng"),
    ("people", "People", "department", "co"),
    ("finance", "Finance", "department", "co"),
]
PEOPLE = [
    ("ceo", "Amelia Hart", "ceo", "admin", ["co"]),
    ("cfo", "Jonas Berg", "cfo", "admin", ["finance"]),
    ("vp-sales", "Priya Nair", "priya", "member", ["sales"]),
    ("emea", "Lukas Meyer", "lukas", "member", ["sales-emea"]),
    ("amer", "Rosa Delgado", "rosa", "member", ["sales-amer"]),
    ("cmo", "Chen Wei", "chen", "member", ["marketing"]),
    ("support-lead", "Fatima Khan", "fatima", "member", ["support"]),
    ("t1-lead", "Tom Okafor", "tom", "member", ["support-t1"]),
    ("cto", "Sofia Rossi", "sofia", "member", ["eng"]),
    ("platform-lead", "Ivan Petrov", "ivan", "member", ["platform"]),
    ("pm", "Grace Lee", "grace", "member", ["product"]),
    ("hr", "Noah Schmidt", "noah", "member", ["people"]),
    ("board", "Board Observer", "board", "viewer", ["co"]),
]
# key, name, unit, owner, category, label, direction, targets (t | lo, hi), warning, cadence,
# aggregation, first value, last value; the series runs between them with a little noise.
KPIS: list[tuple[Any, ...]] = [
    (
        "arr",
        "Annual Recurring Revenue",
        "finance",
        "cfo",
        "Finance",
        "$",
        "higher_is_better",
        6_000_000,
        5_400_000,
        "monthly",
        "last",
        4_900_000,
        5_650_000,
    ),
    (
        "nrr",
        "Net revenue retention",
        "finance",
        "cfo",
        "Finance",
        "%",
        "higher_is_better",
        110,
        100,
        "monthly",
        "last",
        104,
        112,
    ),
    (
        "churn",
        "Monthly churn",
        "finance",
        "cfo",
        "Finance",
        "%",
        "lower_is_better",
        1.5,
        2.5,
        "monthly",
        "last",
        2.9,
        2.1,
    ),
    (
        "nps",
        "Net Promoter Score",
        "co",
        "ceo",
        "Customer",
        "NPS",
        "higher_is_better",
        50,
        40,
        "monthly",
        "last",
        38,
        52,
    ),
    (
        "first-response",
        "First response time",
        "support",
        "support-lead",
        "Support",
        "h",
        "lower_is_better",
        2,
        4,
        "weekly",
        "mean",
        5.5,
        6.5,
    ),
    (
        "tickets",
        "Tickets per week",
        "support-t1",
        "t1-lead",
        "Support",
        "tickets",
        "in_range",
        (300, 500),
        50,
        "weekly",
        "sum",
        420,
        470,
    ),
    (
        "visitors",
        "Website visitors",
        "marketing",
        "cmo",
        "Marketing",
        "visits",
        "higher_is_better",
        60_000,
        45_000,
        "monthly",
        "sum",
        41_000,
        52_000,
    ),
    (
        "pipeline",
        "Qualified pipeline",
        "sales",
        "vp-sales",
        "Sales",
        "$k",
        "higher_is_better",
        3_000,
        2_400,
        "monthly",
        "last",
        2_200,
        3_300,
    ),
    (
        "deploys",
        "Deploys per week",
        "platform",
        "platform-lead",
        "Engineering",
        "deploys",
        "higher_is_better",
        15,
        8,
        "weekly",
        "sum",
        9,
        18,
    ),
    (
        "uptime",
        "API uptime",
        "platform",
        "platform-lead",
        "Engineering",
        "%",
        "higher_is_better",
        99.9,
        99.5,
        "daily",
        "mean",
        99.95,
        99.2,
    ),
    (
        "time-to-hire",
        "Time to hire",
        "people",
        "hr",
        "People",
        "days",
        "lower_is_better",
        35,
        45,
        "monthly",
        "mean",
        48,
        41,
    ),
]
# objective key, title, unit, owner, type, parent, parent_kr, key results:
# (key, title, kind, label, start, target, owner, pace, kpi); pace is how fast the
# check-ins move towards the target against the calendar (1.0 = on pace; None: no check-ins).
OBJECTIVES: list[tuple[Any, ...]] = [
    (
        "grow",
        "Become the obvious choice for mid-market teams",
        "co",
        "ceo",
        "aspirational",
        None,
        None,
        [
            (
                "grow-arr",
                "Grow ARR from $5.4M to $6.2M",
                "metric",
                "$M",
                5.4,
                6.2,
                "cfo",
                0.8,
                None,
            ),
            ("grow-nps", "Raise NPS from 45 to 55", "metric", "NPS", 45, 55, "ceo", 1.1, None),
            (
                "grow-depts",
                "Department objectives delivered",
                "rollup",
                "",
                None,
                None,
                "ceo",
                None,
                None,
            ),
        ],
    ),
    (
        "win",
        "Win more of the deals we start",
        "sales",
        "vp-sales",
        "committed",
        None,
        "grow-depts",
        [
            (
                "win-rate",
                "Lift win rate from 18% to 25%",
                "metric",
                "%",
                18,
                25,
                "vp-sales",
                0.9,
                None,
            ),
            (
                "win-cycle",
                "Cut the sales cycle from 60 to 45 days",
                "metric",
                "days",
                60,
                45,
                "vp-sales",
                0.6,
                None,
            ),
            (
                "win-new",
                "Sign 40 new customers",
                "metric",
                "customers",
                0,
                40,
                "vp-sales",
                1.0,
                None,
            ),
        ],
    ),
    (
        "emea",
        "Open the DACH market",
        "sales-emea",
        "emea",
        "aspirational",
        "win",
        None,
        [
            (
                "emea-partners",
                "Sign 5 reseller partners",
                "metric",
                "partners",
                0,
                5,
                "emea",
                0.5,
                None,
            ),
            (
                "emea-pipeline",
                "Build EUR 800k of DACH pipeline",
                "metric",
                "EUR k",
                0,
                800,
                "emea",
                1.2,
                None,
            ),
            (
                "emea-office",
                "Berlin office is open",
                "milestone",
                "",
                None,
                None,
                "emea",
                None,
                None,
            ),
        ],
    ),
    (
        "support",
        "Answer customers while they still care",
        "support",
        "support-lead",
        "committed",
        None,
        "grow-depts",
        [
            (
                "support-csat",
                "Raise CSAT from 82% to 90%",
                "metric",
                "%",
                82,
                90,
                "support-lead",
                0.7,
                None,
            ),
            (
                "support-self",
                "Resolve 30% of questions through self-service",
                "metric",
                "%",
                12,
                30,
                "t1-lead",
                0.4,
                None,
            ),
            (
                "support-sla",
                "Meet the 24 h resolution SLA on 95% of tickets",
                "metric",
                "%",
                81,
                95,
                "t1-lead",
                1.0,
                None,
            ),
        ],
    ),
    (
        "reliable",
        "Make the platform boringly reliable",
        "eng",
        "cto",
        "committed",
        None,
        "grow-depts",
        [
            (
                "rel-incidents",
                "Cut P1 incidents from 6 to 1 per quarter",
                "metric",
                "incidents",
                6,
                1,
                "platform-lead",
                0.9,
                None,
            ),
            (
                "rel-deploys",
                "Deploy 15 times a week",
                "metric",
                "deploys",
                9,
                15,
                "platform-lead",
                0.0,
                "deploys",
            ),
            (
                "rel-latency",
                "Bring p95 latency from 900 to 400 ms",
                "metric",
                "ms",
                900,
                400,
                "platform-lead",
                0.5,
                None,
            ),
        ],
    ),
    (
        "product",
        "Ship the insights our customers ask for",
        "product",
        "pm",
        "aspirational",
        "reliable",
        None,
        [
            (
                "prod-adoption",
                "Weekly active teams using reports from 120 to 300",
                "metric",
                "teams",
                120,
                300,
                "pm",
                0.8,
                None,
            ),
            (
                "prod-beta",
                "Beta customers rate reports 8/10",
                "metric",
                "score",
                6,
                8,
                "pm",
                None,
                None,
            ),
            (
                "prod-exports",
                "Scheduled exports are generally available",
                "milestone",
                "",
                None,
                None,
                "pm",
                None,
                None,
            ),
        ],
    ),
    (
        "brand",
        "Be the voice of outcome-driven teams",
        "marketing",
        "cmo",
        "aspirational",
        None,
        None,
        [
            (
                "brand-visitors",
                "Grow monthly visitors from 40k to 70k",
                "metric",
                "visits",
                40_000,
                70_000,
                "cmo",
                0.6,
                None,
            ),
            (
                "brand-mqls",
                "Generate 1,200 marketing-qualified leads",
                "metric",
                "MQLs",
                0,
                1_200,
                "cmo",
                0.9,
                None,
            ),
            (
                "brand-launch",
                "Launch the customer community",
                "milestone",
                "",
                None,
                None,
                "cmo",
                None,
                None,
            ),
        ],
    ),
    (
        "talent",
        "Hire the team for next year",
        "people",
        "hr",
        "committed",
        None,
        "grow-depts",
        [
            ("talent-hires", "Make 12 hires", "metric", "hires", 0, 12, "hr", 0.7, None),
            (
                "talent-offer",
                "Raise offer acceptance from 70% to 85%",
                "metric",
                "%",
                70,
                85,
                "hr",
                1.0,
                None,
            ),
        ],
    ),
]
NOTES = [
    "Steady week, no surprises.",
    "Two large deals slipped into next month.",
    "New onboarding flow is paying off.",
    "Blocked on a dependency from another team.",
    "Better than expected after the campaign.",
    "",
    "",
]


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


def _kpi_doc(row: tuple[Any, ...], today: date, rng: random.Random) -> dict[str, Any]:
    (
        key,
        name,
        unit,
        owner,
        category,
        label,
        direction,
        targets,
        warning,
        cadence,
        aggregation,
        first,
        last,
    ) = row
    doc: dict[str, Any] = {
        "key": key,
        "name": name,
        "owner_unit": unit,
        "owner": owner,
        "category": category,
        "unit_label": label,
        "direction": direction,
        "warning": warning,
        "cadence": cadence,
        "aggregation": aggregation,
    }
    if isinstance(targets, tuple):
        doc["target_low"], doc["target_high"] = targets
    else:
        doc["target"] = targets
    dates = _series_dates(cadence, today, rng)
    if key == "time-to-hire":  # a KPI nobody has updated for months: stale
        dates = dates[:3]
    measurements = []
    for i, day in enumerate(dates):
        share = i / max(len(dates) - 1, 1)
        value = first + (last - first) * share
        value *= 1 + rng.uniform(-0.015, 0.015)
        if aggregation == "sum" and cadence == "weekly" and key == "tickets":
            measurements += [
                {"at": day.isoformat(), "value": round(value * 0.6)},
                {"at": day.isoformat(), "value": round(value * 0.4)},
            ]
            continue
        digits = 2 if abs(last) < 200 else 0
        measurements.append({"at": day.isoformat(), "value": round(value, digits)})
    doc["measurements"] = measurements
    return doc


def _check_ins(
    kr: tuple[Any, ...], start: date, end: date, today: date, rng: random.Random
) -> list[dict[str, Any]]:
    _key, _title, kind, _label, first, target, owner, pace, kpi = kr
    if pace is None or kpi is not None:
        return []
    out = []
    day = start + timedelta(days=6)
    last_day = today - timedelta(days=rng.choice([1, 3, 5, 18]) if pace < 0.65 else 2)
    while day <= last_day:
        share = pace * expected_progress(start, end, day)
        if kind == "milestone":
            value: float = 1 if share >= 1 else 0
        else:
            value = first + (target - first) * share
            value = round(value, 1) if abs(target - first) < 20 else round(value)
        confidence = max(0, min(10, round(4 + pace * 4 + rng.uniform(-1, 1))))
        out.append(
            {
                "date": day.isoformat(),
                "value": value,
                "confidence": confidence,
                "note": rng.choice(NOTES),
                "author": owner,
            }
        )
        day += timedelta(days=7)
    return out


def demo_document(today: date, fiscal_year_start_month: int = 1) -> dict[str, Any]:
    """The demo company as a workspace document, its current quarter around `today`."""
    rng = random.Random(2026)  # the same company every time  # noqa: S311 - not security
    q_start, q_end = fiscal_quarter_bounds(today, fiscal_year_start_month)
    y_start, y_end = fiscal_year_bounds(today, fiscal_year_start_month)
    n_start, n_end = fiscal_quarter_bounds(q_end + timedelta(days=1), fiscal_year_start_month)
    quarter = f"{y_end.year}-Q{(q_start.month - fiscal_year_start_month) % 12 // 3 + 1}"
    next_quarter = f"Next quarter ({n_start.isoformat()})"
    objectives = []
    for key, title, unit, owner, kind, parent, parent_kr, krs in OBJECTIVES:
        objectives.append(
            {
                "key": key,
                "title": title,
                "period": quarter,
                "owner_unit": unit,
                "owner": owner,
                "type": kind,
                **({"parent": parent} if parent else {}),
                **({"parent_kr": parent_kr} if parent_kr else {}),
                "key_results": [
                    {
                        "key": kr[0],
                        "title": kr[1],
                        "kind": kr[2],
                        "unit_label": kr[3],
                        **({"start": kr[4], "target": kr[5]} if kr[2] == "metric" else {}),
                        "owner": kr[6],
                        **({"kpi": kr[8]} if kr[8] else {}),
                        "check_ins": _check_ins(kr, q_start, q_end, today, rng),
                    }
                    for kr in krs
                ],
            }
        )
    objectives[0]["key_results"][0]["initiatives"] = [
        {"title": "Annual-plan discount campaign", "status": "in_progress", "owner": "cfo"},
        {"title": "Price page A/B test", "status": "done", "owner": "cmo"},
    ]
    return {
        "workspace": DEMO_WORKSPACE,
        "fiscal_year_start_month": fiscal_year_start_month,
        "timezone": "UTC",
        "units": [
            {"key": k, "name": n, "kind": kind, **({"parent": p} if p else {})}
            for k, n, kind, p in UNITS
        ],
        "people": [
            {
                "key": k,
                "name": n,
                "email": f"{mail}@northwind.example",
                "role": role,
                "units": units,
            }
            for k, n, mail, role, units in PEOPLE
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
                "name": next_quarter,
                "kind": "quarter",
                "start": n_start.isoformat(),
                "end": n_end.isoformat(),
                "state": "planning",
            },
        ],
        "kpis": [_kpi_doc(row, today, rng) for row in KPIS],
        "objectives": objectives,
    }


def load_demo(
    uow: UnitOfWork, *, clock: Callable[[], datetime], replace: bool = False
) -> ImportResult | None:
    """Load the demo company (None when it is there already and `replace` is False)."""
    with uow:
        exists = uow.conn.execute(
            sa.select(t.workspace.c.id).where(t.workspace.c.name == DEMO_WORKSPACE)
        ).scalar()
    if exists is not None and not replace:
        return None
    today = clock().date()
    result = import_workspace(
        uow, demo_document(today), actor_label="demo", clock=clock, replace=replace
    )
    with uow:
        uow.conn.execute(
            t.person.update()
            .where(t.person.c.workspace_id == result.workspace_id)
            .values(password_hash=hash_password(DEMO_PASSWORD))
        )
        workspace_row = uow.conn.execute(
            sa.select(t.workspace).where(t.workspace.c.id == result.workspace_id)
        ).one()
        kpi_id = uow.conn.execute(
            sa.select(t.kpi.c.id).where(
                t.kpi.c.workspace_id == result.workspace_id, t.kpi.c.key == "first-response"
            )
        ).scalar_one()
    workspace = to_workspace(workspace_row)
    proposal = propose_okr_from_kpi(uow, workspace, kpi_id, clock=clock)
    store_proposal(uow, workspace, proposal, caller=Caller.operator("demo"), clock=clock)
    return result
