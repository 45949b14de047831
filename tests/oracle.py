"""An independent oracle: every figure of a period, computed from the rules of docs/formulas.md
alone, straight from a workspace document (the dict of the YAML format).

Test code, not product code: it imports nothing of Headway, so a differential test comparing
the product with it catches any place where the two disagree. It is written as plainly as the
rules read: dicts, lists and recursion, recomputing whatever it needs.

The document's list order is the recording order (of check-ins of one key result, and of
measurements of one KPI). Documents must be valid (no alignment cycles); all their objectives
linked to each other must be in one period.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

# The product compares scores and gaps with the boundaries of the rules allowing for the slop
# of float sums (0.8 - 0.7 is 0.10000000000000009); so does the oracle.
SLOP = 1e-9
ON_TRACK_GAP = 0.10
AT_RISK_GAP = 0.25
LOW_CONFIDENCE = 3
TREND_BUCKETS = 8
FLAT_SHARE = 0.01

Doc = dict[str, Any]


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


# --- periods and status ------------------------------------------------------------------------


def expected_progress(day: date, start: date, end: date) -> float:
    """clamp((d - s + 1) / (e - s + 1), 0, 1), in days."""
    return clamp(((day - start).days + 1) / ((end - start).days + 1), 0.0, 1.0)


def status_of(score: float, expected: float, confidence: int | None = None) -> str:
    """achieved at 1; else by gap = expected - score; low confidence turns on_track at_risk."""
    if score >= 1 - 1e-12:
        return "achieved"
    gap = expected - score
    if gap <= ON_TRACK_GAP + SLOP:
        if confidence is not None and confidence <= LOW_CONFIDENCE:
            return "at_risk"
        return "on_track"
    if gap <= AT_RISK_GAP + SLOP:
        return "at_risk"
    return "off_track"


# --- KPI buckets ---------------------------------------------------------------------------------


def bucket_of(day: date, cadence: str, fiscal_start_month: int) -> date:
    """The first day of the cadence bucket holding `day`: the day itself, the Monday of its ISO
    week, the first of its month, or the first day of its fiscal quarter."""
    if cadence == "daily":
        return day
    if cadence == "weekly":
        return day - timedelta(days=day.weekday())
    if cadence == "monthly":
        return date(day.year, day.month, 1)
    assert cadence == "quarterly", cadence
    # months since the fiscal year's first month, in whole quarters
    months_in = (day.month - fiscal_start_month) % 12
    first_month_index = day.month - months_in % 3  # may be < 1: the quarter began last year
    year = day.year
    while first_month_index < 1:
        first_month_index += 12
        year -= 1
    return date(year, first_month_index, 1)


def combine(values: list[float], aggregation: str) -> float:
    """A bucket's value; `values` in date order, one date's in recording order."""
    if aggregation == "last":
        return values[-1]
    if aggregation == "sum":
        return sum(values)
    if aggregation == "mean":
        return sum(values) / len(values)
    if aggregation == "min":
        return min(values)
    assert aggregation == "max", aggregation
    return max(values)


def bucket_values(
    kpi: Doc, fiscal_start_month: int, until: date, since: date | None = None
) -> list[tuple[date, date, float]]:
    """(bucket start, date of the bucket's latest measurement, value) of every bucket with a
    measurement dated since..until, oldest bucket first."""
    kept = [
        (as_date(m["at"]), index, float(m["value"]))
        for index, m in enumerate(kpi.get("measurements") or [])
        if as_date(m["at"]) <= until and (since is None or as_date(m["at"]) >= since)
    ]
    kept.sort()  # by date, then by recording order (the list index)
    buckets: dict[date, list[tuple[date, int, float]]] = {}
    for row in kept:
        buckets.setdefault(bucket_of(row[0], kpi["cadence"], fiscal_start_month), []).append(row)
    return [
        (
            start,
            max(at for at, _, _ in buckets[start]),
            combine([value for _, _, value in buckets[start]], kpi["aggregation"]),
        )
        for start in sorted(buckets)
    ]


def health_of_value(kpi: Doc, v: float) -> str:
    warning = kpi.get("warning")
    direction = kpi["direction"]
    if direction == "higher_is_better":
        if v >= kpi["target"] - SLOP:
            return "healthy"
        if warning is not None and v >= warning - SLOP:
            return "warning"
        return "critical"
    if direction == "lower_is_better":
        if v <= kpi["target"] + SLOP:
            return "healthy"
        if warning is not None and v <= warning + SLOP:
            return "warning"
        return "critical"
    assert direction == "in_range", direction
    low, high = kpi["target_low"], kpi["target_high"]
    if low - SLOP <= v <= high + SLOP:
        return "healthy"
    if warning is not None and low - warning - SLOP <= v <= high + warning + SLOP:
        return "warning"
    return "critical"


def slope(values: list[float]) -> float:
    """Least-squares slope of values at x = 0, 1, 2..."""
    xs = list(range(len(values)))
    mx, my = mean([float(x) for x in xs]), mean(values)
    return sum((x - mx) * (y - my) for x, y in zip(xs, values, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def trend_of(kpi: Doc, values: list[float]) -> str | None:
    last = values[-TREND_BUCKETS:]
    if len(last) < 2:
        return None
    if kpi["direction"] == "in_range":
        low, high = kpi["target_low"], kpi["target_high"]
        last = [max(low - v, 0.0, v - high) for v in last]
    b = slope(last)
    if abs(b) <= FLAT_SHARE * abs(mean(last)) + SLOP:
        return "flat"
    rising_is_better = kpi["direction"] == "higher_is_better"
    return "improving" if (b > 0) == rising_is_better else "worsening"


def kpi_figures(kpi: Doc, fiscal_start_month: int, as_of: date) -> dict[str, Any]:
    series = bucket_values(kpi, fiscal_start_month, as_of)
    if not series:
        return {"latest_value": None, "health": "no_data", "trend": None}
    latest_bucket, _, latest = series[-1]
    this_bucket = bucket_of(as_of, kpi["cadence"], fiscal_start_month)
    previous_bucket = bucket_of(this_bucket - timedelta(days=1), kpi["cadence"], fiscal_start_month)
    health = "stale" if latest_bucket < previous_bucket else health_of_value(kpi, latest)
    return {
        "latest_value": latest,
        "health": health,
        "trend": trend_of(kpi, [value for _, _, value in series]),
    }


# --- key results and objectives ------------------------------------------------------------------


class Oracle:
    """The figures of one period of a document as of a day."""

    def __init__(self, doc: Doc, period_name: str, as_of: date) -> None:
        self.doc = doc
        self.as_of = as_of
        self.fiscal_start_month = int(doc.get("fiscal_year_start_month", 1))
        period = next(p for p in doc["periods"] if p["name"] == period_name)
        self.start, self.end = as_date(period["start"]), as_date(period["end"])
        self.objectives = [o for o in doc.get("objectives") or [] if o["period"] == period_name]
        self.by_key = {o["key"]: o for o in self.objectives}
        self.kpis = {k["key"]: k for k in doc.get("kpis") or []}
        self.key_results = {
            kr["key"]: kr for o in self.objectives for kr in o.get("key_results") or []
        }
        self.kr_objective = {
            kr["key"]: o["key"] for o in self.objectives for kr in o.get("key_results") or []
        }
        self.expected = expected_progress(as_of, self.start, self.end)

    # the inputs of rollups and of objectives without key results: never drafts
    def counted(self, objective: Doc) -> bool:
        return objective.get("state", "active") != "draft"

    def under_key_result(self, kr_key: str) -> list[Doc]:
        """Objectives aligned under the key result or contributing to it."""
        return [
            o
            for o in self.objectives
            if self.counted(o)
            and (o.get("parent_kr") == kr_key or kr_key in (o.get("contributes_to") or []))
        ]

    def under_objective(self, key: str) -> list[Doc]:
        """Child objectives and objectives contributing to it."""
        return [
            o
            for o in self.objectives
            if self.counted(o)
            and (o.get("parent") == key or key in (o.get("contributes_to") or []))
        ]

    def latest_check_in(self, kr: Doc) -> Doc | None:
        """Latest effective date up to as of; of one date, the later in the list."""
        latest = None
        for c in kr.get("check_ins") or []:
            if as_date(c["date"]) > self.as_of:
                continue
            if latest is None or as_date(c["date"]) >= as_date(latest["date"]):
                latest = c
        return latest

    def linked_buckets(self, kr: Doc) -> list[tuple[date, date, float]]:
        """The linked KPI's buckets of measurements dated inside the period, up to as of."""
        kpi = self.kpis[kr["kpi"]]
        until = min(self.end, self.as_of)
        return bucket_values(kpi, self.fiscal_start_month, until, since=self.start)

    def current_value(self, kr: Doc) -> float | None:
        kind = kr["kind"]
        if kind == "metric":
            if kr.get("kpi"):
                buckets = self.linked_buckets(kr)
                return buckets[-1][2] if buckets else float(kr["start"])
            latest = self.latest_check_in(kr)
            return float(kr["start"]) if latest is None else float(latest["value"])
        if kind == "milestone":
            latest = self.latest_check_in(kr)
            return None if latest is None else float(latest["value"])
        return None

    def progress(self, kr: Doc) -> float:
        kind = kr["kind"]
        if kind == "metric":
            start, target = float(kr["start"]), float(kr["target"])
            return (self.current_value(kr) - start) / (target - start)  # type: ignore[operator]
        if kind == "milestone":
            return 1.0 if self.current_value(kr) == 1 else 0.0
        assert kind == "rollup", kind
        scores = [self.objective_score(o) for o in self.under_key_result(kr["key"])]
        kept = [s for s in scores if s is not None]
        return mean(kept) if kept else 0.0

    def kr_score(self, kr: Doc) -> float:
        return clamp(self.progress(kr), 0.0, 1.0)

    def kr_expected(self, kr: Doc) -> float:
        end = as_date(kr["due"]) if kr.get("due") else self.end
        return expected_progress(self.as_of, self.start, end)

    def forecast(self, kr: Doc) -> tuple[float | None, float | None]:
        if kr["kind"] != "metric":
            return None, None
        start, target = float(kr["start"]), float(kr["target"])
        points = [(0.0, start)]
        if kr.get("kpi"):
            points += [
                (float((at - self.start).days), value) for _, at, value in self.linked_buckets(kr)
            ]
        else:
            per_date: dict[date, float] = {}
            for c in kr.get("check_ins") or []:  # the later in the list wins its date
                if as_date(c["date"]) <= self.as_of:
                    per_date[as_date(c["date"])] = float(c["value"])
            points += [(float((d - self.start).days), v) for d, v in sorted(per_date.items())]
        xs = [x for x, _ in points]
        if len(set(xs)) < 2:
            return None, None
        mx, my = mean(xs), mean([y for _, y in points])
        b = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
        a = my - b * mx
        end = as_date(kr["due"]) if kr.get("due") else self.end
        value = a + b * (end - self.start).days
        return value, clamp((value - start) / (target - start), 0.0, 1.0)

    def kr_figures(self, kr: Doc) -> dict[str, Any]:
        score = self.kr_score(kr)
        expected = self.kr_expected(kr)
        latest = self.latest_check_in(kr) if not kr.get("kpi") else None
        confidence = None if latest is None else latest.get("confidence")
        forecast_value, forecast_score = self.forecast(kr)
        return {
            "current_value": self.current_value(kr),
            "progress": self.progress(kr),
            "score": score,
            "expected": expected,
            "status": status_of(score, expected, confidence),
            "forecast_value": forecast_value,
            "forecast_score": forecast_score,
        }

    def objective_score(self, objective: Doc) -> float | None:
        krs = objective.get("key_results") or []
        if krs:
            weights = [float(kr.get("weight", 1)) for kr in krs]
            scores = [self.kr_score(kr) for kr in krs]
            return sum(w * s for w, s in zip(weights, scores, strict=True)) / sum(weights)
        below = [self.objective_score(o) for o in self.under_objective(objective["key"])]
        kept = [s for s in below if s is not None]
        return mean(kept) if kept else None

    def objective_figures(self, objective: Doc) -> dict[str, Any]:
        score = self.objective_score(objective)
        return {
            "score": score,
            "expected": self.expected,
            "status": None if score is None else status_of(score, self.expected),
        }

    def overall(self) -> dict[str, Any]:
        root = next(u["key"] for u in self.doc["units"] if u["kind"] == "company")
        top = [
            o
            for o in self.objectives
            if self.counted(o) and not o.get("parent") and not o.get("parent_kr")
        ]
        chosen = [o for o in top if o.get("owner_unit") == root] or top
        scores = [self.objective_score(o) for o in chosen]
        kept = [s for s in scores if s is not None]
        if not kept:
            return {"score": None, "status": None}
        score = mean(kept)
        return {"score": score, "status": status_of(score, self.expected)}

    def report(self) -> dict[str, Any]:
        """Every figure, by document key."""
        return {
            "expected": self.expected,
            "overall": self.overall(),
            "objectives": {o["key"]: self.objective_figures(o) for o in self.objectives},
            "key_results": {key: self.kr_figures(kr) for key, kr in self.key_results.items()},
            "kpis": {
                key: kpi_figures(kpi, self.fiscal_start_month, self.as_of)
                for key, kpi in self.kpis.items()
            },
        }


def period_figures(doc: Doc, period_name: str, as_of: date) -> dict[str, Any]:
    """Every figure the rules of docs/formulas.md define for the period as of the day, keyed
    by document key: {expected, overall: {score, status},
    objectives: {key: {score, expected, status}},
    key_results: {key: {current_value, progress, score, expected, status, forecast_value,
    forecast_score}}, kpis: {key: {latest_value, health, trend}}}."""
    return Oracle(doc, period_name, as_of).report()


def differences(
    report: dict[str, Any], figures: dict[str, Any], tolerance: float = 1e-9
) -> list[str]:
    """Every figure where a period report (the JSON of `headway report` and of the API) differs
    from the oracle's `figures`: numbers beyond `tolerance`, statuses, healths, trends and None
    exactly; a row missing on either side is a difference too."""
    found: list[str] = []

    def compare(where: str, got: Any, want: Any) -> None:
        if isinstance(want, float) and isinstance(got, int | float) and not isinstance(got, bool):
            if abs(got - want) > tolerance:
                found.append(f"{where}: product {got!r}, rule {want!r}")
        elif got != want:
            found.append(f"{where}: product {got!r}, rule {want!r}")

    def compare_rows(kind: str, rows: list[dict[str, Any]], wanted: dict[str, Any]) -> None:
        keys = [row["key"] for row in rows]
        if sorted(keys) != sorted(wanted):
            found.append(f"{kind}: product {sorted(keys)}, rule {sorted(wanted)}")
        for row in rows:
            for field, want in wanted.get(row["key"], {}).items():
                compare(f"{kind}[{row['key']}].{field}", row.get(field), want)

    compare("expected", report.get("expected"), figures["expected"])
    for field in ("score", "status"):
        compare(
            f"overall.{field}", (report.get("overall") or {}).get(field), figures["overall"][field]
        )
    objectives = report.get("objectives") or []
    compare_rows("objectives", objectives, figures["objectives"])
    key_results = [kr for o in objectives for kr in o.get("key_results") or []]
    compare_rows("key_results", key_results, figures["key_results"])
    compare_rows("kpis", report.get("kpis") or [], figures["kpis"])
    return found
