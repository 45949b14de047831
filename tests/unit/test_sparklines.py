"""Sparklines: small inline SVG polylines with their trend in words (web/ui/charts.py)."""

from __future__ import annotations

import math

import pytest

from headway.web.ui.charts import SPARK_HEIGHT, SPARK_WIDTH, sparkline, trend_in_words


def _points(values: list[float]) -> list[tuple[float, float]]:
    drawn = sparkline(values, "Revenue")
    assert drawn is not None
    return [(float(x), float(y)) for x, y in (p.split(",") for p in drawn.points.split())]


def test_one_point_per_value_left_to_right_inside_the_box() -> None:
    points = _points([3, 5, 4, 9, 1])
    assert len(points) == 5
    xs = [x for x, _ in points]
    assert xs == sorted(xs) and xs[0] > 0 and xs[-1] < SPARK_WIDTH
    assert all(0 < y < SPARK_HEIGHT for _, y in points)


def test_the_highest_value_is_drawn_at_the_top_and_the_lowest_at_the_bottom() -> None:
    points = _points([3, 5, 4, 9, 1])
    ys = [y for _, y in points]
    assert min(ys) == ys[3]  # 9: y grows downwards
    assert max(ys) == ys[4]  # 1
    assert ys[0] > ys[1]  # 3 below 5


def test_a_level_line_runs_through_the_middle() -> None:
    assert {y for _, y in _points([7, 7, 7])} == {SPARK_HEIGHT / 2}


@pytest.mark.parametrize("values", [[], [4.0], [math.nan, 4.0]])
def test_fewer_than_two_values_draw_nothing(values: list[float]) -> None:
    assert sparkline(values, "Revenue") is None


def test_values_that_are_not_finite_are_left_out() -> None:
    assert len(_points([1, math.inf, 2, math.nan, 3])) == 3


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ([1, 5, 2.5], "up from 1 to 2.5"),
        ([1200, 900], "down from 1,200 to 900"),
        ([4, 9, 4], "level at 4"),
    ],
)
def test_the_trend_in_words(values: list[float], words: str) -> None:
    assert trend_in_words(values) == words


def test_the_label_names_the_kpi_the_count_and_the_trend() -> None:
    drawn = sparkline([10, 12, 15], "Revenue")
    assert drawn is not None
    assert drawn.label == "Trend of Revenue over its last 3 values: up from 10 to 15"
    assert drawn.count == 3
