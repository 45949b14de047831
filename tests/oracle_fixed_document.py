"""One hand-written document exercising every rule at once, with figures computed by hand.

Period 2025-Q1 (2025-01-01..2025-03-31, 90 days) as of 2025-02-14: day 45, expected 45/90 = 0.5.

- cx (company, top): nps 60 -> 70, weight 2, latest check-in 66 with confidence 2: score 0.6,
  ahead of pace (gap -0.1) yet at_risk; support-delivered, a rollup, weight 1.
- support-delivered = mean(support 0.425, sales-help 0.5) = 0.4625: `support` is aligned under
  it, `sales-help` contributes to it, the draft `support-draft` (score 1) is left out.
- support: reply-kr 45 -> 25 follows the weekly KPI `reply` (aggregation last): its week of
  2025-02-10 holds 30 (02-12), 40 (02-10, recorded late) and 28 (02-12, recorded last), so
  the bucket is 28 and progress (28 - 45) / (25 - 45) = 0.85; faq, a milestone due
  2025-02-28 and not done: score 0, expected 45/59. support = (0.85 + 0) / 2 = 0.425.
- cx = (2 * 0.6 + 0.4625) / 3 = 0.5541666...
- demos, due 2025-02-15 (day 46 of its own span: expected 45/46, off_track at 0.5), has two
  check-ins on 2025-02-01 (4, then 5: 5 counts): its line through (0, 0) and (31, 5) reads
  225/31 on day 45, its due date: forecast_score 22.5/31.
- hiring (company, top) has no key results: the mean of its child hiring-team (10 -> 0 at 6:
  0.4) and its contributor sales-help (0.5) = 0.45; its draft child (score 1) is left out.
- overall = mean(cx, hiring) = 0.5020833...: the company's top draft `idea` (score 1) is out.
- KPI reply: latest 28, warning (25 < 28 <= 35), trend of weeks [44, 28] improving.
- KPI tickets, in range 10..20 with margin 5, monthly sum: January 17, February 24: warning,
  and its distance to the range rises 0 -> 4: worsening.
"""

from __future__ import annotations

from datetime import date
from typing import Any

PERIOD = "2025-Q1"
AS_OF = date(2025, 2, 14)


def fixed_document() -> dict[str, Any]:
    return {
        "workspace": "Oracle",
        "fiscal_year_start_month": 1,
        "units": [
            {"key": "co", "name": "Company", "kind": "company"},
            {"key": "sales", "name": "Sales", "kind": "department", "parent": "co"},
            {"key": "support", "name": "Support", "kind": "department", "parent": "co"},
        ],
        "people": [
            {
                "key": "ceo",
                "name": "Chief",
                "email": "ceo@example.com",
                "role": "admin",
                "units": ["co"],
            },
        ],
        "periods": [
            {
                "name": PERIOD,
                "kind": "quarter",
                "start": "2025-01-01",
                "end": "2025-03-31",
                "state": "active",
            },
        ],
        "kpis": [
            {
                "key": "reply",
                "name": "Reply time",
                "owner_unit": "support",
                "direction": "lower_is_better",
                "target": 25,
                "warning": 35,
                "cadence": "weekly",
                "aggregation": "last",
                "measurements": [
                    {"at": "2025-02-12", "value": 30},
                    {"at": "2025-02-10", "value": 40},
                    {"at": "2025-02-12", "value": 28},
                    {"at": "2025-01-20", "value": 44},
                    {"at": "2025-02-20", "value": 20},
                ],
            },
            {
                "key": "tickets",
                "name": "Tickets",
                "owner_unit": "support",
                "direction": "in_range",
                "target_low": 10,
                "target_high": 20,
                "warning": 5,
                "cadence": "monthly",
                "aggregation": "sum",
                "measurements": [
                    {"at": "2025-01-05", "value": 8},
                    {"at": "2025-01-25", "value": 9},
                    {"at": "2025-02-03", "value": 12},
                    {"at": "2025-02-10", "value": 12},
                ],
            },
        ],
        "objectives": [
            {
                "key": "cx",
                "title": "Delight customers",
                "period": PERIOD,
                "owner_unit": "co",
                "type": "aspirational",
                "key_results": [
                    {
                        "key": "nps",
                        "title": "NPS",
                        "kind": "metric",
                        "start": 60,
                        "target": 70,
                        "weight": 2,
                        "check_ins": [
                            {"date": "2025-01-15", "value": 62, "confidence": 7},
                            {"date": "2025-02-10", "value": 66, "confidence": 2},
                            {"date": "2025-02-20", "value": 69, "confidence": 8},
                        ],
                    },
                    {"key": "support-delivered", "title": "Support delivered", "kind": "rollup"},
                ],
            },
            {
                "key": "support",
                "title": "Faster support",
                "period": PERIOD,
                "owner_unit": "support",
                "type": "committed",
                "parent_kr": "support-delivered",
                "key_results": [
                    {
                        "key": "reply-kr",
                        "title": "Reply time",
                        "kind": "metric",
                        "start": 45,
                        "target": 25,
                        "kpi": "reply",
                    },
                    {
                        "key": "faq",
                        "title": "Help centre",
                        "kind": "milestone",
                        "due": "2025-02-28",
                        "check_ins": [{"date": "2025-01-20", "value": 0}],
                    },
                ],
            },
            {
                "key": "support-draft",
                "title": "A proposal",
                "period": PERIOD,
                "owner_unit": "support",
                "type": "committed",
                "state": "draft",
                "parent_kr": "support-delivered",
                "key_results": [
                    {
                        "key": "draft-done",
                        "title": "Done",
                        "kind": "milestone",
                        "check_ins": [{"date": "2025-01-10", "value": 1}],
                    },
                ],
            },
            {
                "key": "hiring",
                "title": "Grow the team",
                "period": PERIOD,
                "owner_unit": "co",
                "type": "committed",
                "key_results": [],
            },
            {
                "key": "sales-help",
                "title": "Sales helps",
                "period": PERIOD,
                "owner_unit": "sales",
                "type": "committed",
                "contributes_to": ["support-delivered", "hiring"],
                "key_results": [
                    {
                        "key": "demos",
                        "title": "Demos",
                        "kind": "metric",
                        "start": 0,
                        "target": 10,
                        "due": "2025-02-15",
                        "check_ins": [
                            {"date": "2025-02-01", "value": 4},
                            {"date": "2025-02-01", "value": 5},
                        ],
                    },
                ],
            },
            {
                "key": "hiring-team",
                "title": "Hire faster",
                "period": PERIOD,
                "owner_unit": "sales",
                "type": "committed",
                "parent": "hiring",
                "key_results": [
                    {
                        "key": "days-to-hire",
                        "title": "Days to hire",
                        "kind": "metric",
                        "start": 10,
                        "target": 0,
                        "check_ins": [{"date": "2025-02-01", "value": 6}],
                    },
                ],
            },
            {
                "key": "hiring-draft",
                "title": "Hire everyone",
                "period": PERIOD,
                "owner_unit": "sales",
                "type": "committed",
                "state": "draft",
                "parent": "hiring",
                "key_results": [
                    {
                        "key": "hired",
                        "title": "Hired",
                        "kind": "milestone",
                        "check_ins": [{"date": "2025-01-10", "value": 1}],
                    },
                ],
            },
            {
                "key": "idea",
                "title": "An idea",
                "period": PERIOD,
                "owner_unit": "co",
                "type": "aspirational",
                "state": "draft",
                "key_results": [
                    {
                        "key": "idea-kr",
                        "title": "Idea",
                        "kind": "metric",
                        "start": 0,
                        "target": 4,
                        "check_ins": [{"date": "2025-01-10", "value": 4}],
                    },
                ],
            },
        ],
    }
