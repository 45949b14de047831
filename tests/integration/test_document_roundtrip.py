"""Property: any valid workspace document imports and exports back to itself (on SQLite)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headway.config import load_settings
from headway.domain.validation import has_visible_character
from headway.services.documents.exports import export_workspace
from headway.services.documents.imports import import_workspace
from headway.store.uow import make_uow

CLOCK = lambda: datetime(2026, 11, 16, tzinfo=UTC)  # noqa: E731
START = date(2026, 10, 1)

titles = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(has_visible_character)  # the text rule's: not only blank letters or marks
)
numbers = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).filter(lambda x: x != int(x)),
)
days = st.integers(0, 45).map(lambda n: (START + timedelta(days=n)).isoformat())


@st.composite
def key_results(draw: st.DrawFn, index: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["metric", "milestone", "rollup"]))
    kr: dict[str, Any] = {"key": f"kr-{index}", "title": draw(titles), "kind": kind}
    if kind == "rollup":  # its figure comes from the objectives under it: no value of its own
        return kr
    if kind == "metric":
        start = draw(numbers)
        target = draw(numbers.filter(lambda t: t != start))
        kr |= {"start": start, "target": target}
        values = numbers
    else:
        values = st.sampled_from([0, 1])
    weight = draw(st.sampled_from([1, 2, 0.5]))
    if weight != 1:
        kr["weight"] = weight
    if draw(st.booleans()):  # inside the period Q4 (1 Oct .. 31 Dec)
        kr["due"] = (START + timedelta(days=draw(st.integers(0, 91)))).isoformat()
    check_ins = draw(
        st.lists(
            st.fixed_dictionaries(
                {"date": days, "value": values},
                optional={"confidence": st.integers(0, 10), "note": titles},
            ),
            max_size=4,
        )
    )
    if check_ins:
        kr["check_ins"] = check_ins
    return kr


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    objectives = []
    rollups: list[str] = []  # keys of the rollup key results drawn so far
    n_krs = 0
    for i in range(draw(st.integers(0, 4))):
        krs = []
        for _ in range(draw(st.integers(0, 4))):
            krs.append(draw(key_results(n_krs)))
            n_krs += 1
        objective: dict[str, Any] = {
            "key": f"o-{i}",
            "title": draw(titles),
            "period": "Q4",
            "owner_unit": "co",
            "type": draw(st.sampled_from(["committed", "aspirational"])),
        }
        if i and draw(st.booleans()):
            objective["parent"] = f"o-{draw(st.integers(0, i - 1))}"
        # Contributions to earlier objectives and their rollup key results (so no cycle),
        # objectives first: the order an export writes them in.
        earlier = [f"o-{j}" for j in range(i) if f"o-{j}" != objective.get("parent")]
        serves = draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else []
        if rollups:
            serves += draw(st.lists(st.sampled_from(rollups), unique=True))
        if serves:
            objective["contributes_to"] = serves
        rollups += [kr["key"] for kr in krs if kr["kind"] == "rollup"]
        if krs:
            objective["key_results"] = krs
        objectives.append(objective)
    measurements = draw(st.lists(st.fixed_dictionaries({"at": days, "value": numbers}), max_size=5))
    kpi: dict[str, Any] = {
        "key": "k",
        "name": draw(titles),
        "owner_unit": "co",
        "direction": "higher_is_better",
        "target": 10,
        "cadence": draw(st.sampled_from(["daily", "weekly", "monthly"])),
        "aggregation": draw(st.sampled_from(["last", "sum", "mean", "min", "max"])),
    }
    if measurements:
        kpi["measurements"] = measurements
    if draw(st.booleans()):  # a plausible range around the values drawn
        values = [m["value"] for m in measurements] or [0.0]
        kpi |= {"min_value": min(values), "max_value": max(values)}
    return {
        "workspace": draw(titles),
        "fiscal_year_start_month": draw(st.integers(1, 12)),
        "timezone": "UTC",
        "units": [{"key": "co", "name": draw(titles), "kind": "company"}],
        "people": [],
        "periods": [
            {
                "name": "Q4",
                "kind": "custom",
                "start": "2026-10-01",
                "end": "2026-12-31",
                "state": "active",
            }
        ],
        "kpis": [kpi],
        "objectives": objectives,
    }


def _strip_empty(doc: dict[str, Any]) -> dict[str, Any]:
    # An export leaves out empty lists; the generated documents may carry some.
    return {k: v for k, v in doc.items() if v != []}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents())
def test_import_then_export_gives_back_the_document(
    document: dict[str, Any], migrated_sqlite_copy: Callable[[Path], str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        # A fresh database at head for each document: a copy of one the migrations upgraded.
        uow = make_uow(load_settings(database_url=migrated_sqlite_copy(Path(folder) / "rt.db")))
        result = import_workspace(uow, document, actor_label="test", clock=CLOCK)
        exported = export_workspace(uow, result.workspace_id)
        uow.engine.dispose()
    assert _strip_empty(exported) == _strip_empty(document)
