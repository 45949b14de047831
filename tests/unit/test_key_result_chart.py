"""The key result chart's line of expected pace follows the key result's due date
(web/ui/charts.py)."""

from __future__ import annotations

from datetime import date

from headway.domain.model import KeyResult, KeyResultKind, Period, PeriodKind
from headway.web.ui.charts import expected_pace, key_result_chart

# Q4 2026: 1 Oct .. 31 Dec is 92 days; 1 Oct .. 30 Nov is 61.
Q4 = Period(
    id=1,
    name="Q4",
    kind=PeriodKind.QUARTER,
    start_date=date(2026, 10, 1),
    end_date=date(2026, 12, 31),
)


def _kr(target: float, due: date | None) -> KeyResult:
    return KeyResult(
        id=7,
        objective_id=1,
        title="Deals",
        kind=KeyResultKind.METRIC,
        start_value=0,
        target_value=target,
        due_date=due,
    )


def test_without_a_due_date_the_pace_runs_over_the_whole_period() -> None:
    # Day 1 of 92 stands for 1/92 of the way: 92 * 1/92 = 1.
    assert expected_pace(Q4, None, 0, 92) == [(date(2026, 10, 1), 1.0), (date(2026, 12, 31), 92.0)]


def test_with_a_due_date_the_pace_reaches_target_then_and_stays_level() -> None:
    # Day 1 of 61 stands for 1/61 of the way: 61 * 1/61 = 1; target on the due date.
    assert expected_pace(Q4, date(2026, 11, 30), 0, 61) == [
        (date(2026, 10, 1), 1.0),
        (date(2026, 11, 30), 61.0),
        (date(2026, 12, 31), 61.0),
    ]


def test_a_due_date_on_the_last_day_adds_no_level_stretch() -> None:
    assert expected_pace(Q4, date(2026, 12, 31), 10, 102) == [
        (date(2026, 10, 1), 11.0),  # 10 + 92/92
        (date(2026, 12, 31), 102.0),
    ]


def test_the_pace_agrees_with_the_key_results_expected_progress_midway() -> None:
    # 15 Nov is day 46 of 61: expected 46/61, so the line must read 46 there (target 61).
    (first, v0), (due, v1), _ = expected_pace(Q4, date(2026, 11, 30), 0, 61)
    on = date(2026, 11, 15)
    between = v0 + (v1 - v0) * (on - first).days / (due - first).days
    assert between == 46.0


def test_the_alt_text_names_the_due_date_and_the_level_stretch() -> None:
    chart = key_result_chart(_kr(61, date(2026, 11, 30)), Q4, [], date(2026, 11, 15))
    assert chart is not None
    assert chart.alt == (
        "Chart of Deals: 0 value(s), no values yet; expected pace from 1 on 2026-10-01 "
        "to 61 on 2026-11-30, then level at target to 2026-12-31."
    )


def test_the_alt_text_without_a_due_date_runs_to_the_period_end() -> None:
    chart = key_result_chart(_kr(92, None), Q4, [(date(2026, 10, 5), 4.0)], date(2026, 11, 15))
    assert chart is not None
    assert chart.alt == (
        "Chart of Deals: 1 value(s), latest 4; expected pace from 1 on 2026-10-01 "
        "to 92 on 2026-12-31."
    )
