"""Coaching (docs/coaching.md): advice on a period's OKRs and on the KPIs, never a block.

`coach` reads rows and the figures `evaluate` already computed; it computes no score itself.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType

from headway.domain.kpi import format_number, key_result_target_met
from headway.domain.model import (
    Direction,
    Figures,
    Finding,
    Health,
    KeyResult,
    KeyResultKind,
    Kpi,
    Objective,
    ObjectiveState,
    Period,
    PeriodData,
    PeriodState,
    Severity,
    Status,
)

MAX_OBJECTIVES_PER_OWNER = 5
MIN_KEY_RESULTS = 3
MAX_KEY_RESULTS = 5
MAX_DAYS_WITHOUT_UPDATE = 14

# Verbs that name work to do rather than a state reached: a milestone titled with one of them
# is usually an initiative. Multi-word entries match the title's first words.
ACTIVITY_VERBS: tuple[str, ...] = (
    "implement", "launch", "host", "hold", "build", "create", "write", "run", "organise",
    "organize", "develop", "deploy", "design", "hire", "ship", "release", "migrate", "set up",
    "roll out", "kick off", "introduce", "install", "integrate", "conduct", "prepare",
    "publish", "send", "start", "redesign", "rebuild", "refactor", "train",
    "arrange",
)  # fmt: skip

_INFO_CODES = frozenset({"OKR004", "OKR005", "KPI002"})
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")
_NO_VALUES: Mapping[int, float | None] = MappingProxyType({})


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _finding(code: str, subject_type: str, subject_id: int, title: str, message: str) -> Finding:
    severity = Severity.INFO if code in _INFO_CODES else Severity.WARNING
    return Finding(
        code=code,
        severity=severity,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_title=title,
        message=message,
    )


def starts_with_activity_verb(title: str) -> bool:
    """True when the title's first word (or words) is one of ACTIVITY_VERBS."""
    words = [w.casefold() for w in _WORD.findall(title)]
    for verb in ACTIVITY_VERBS:
        parts = verb.split()
        if words[: len(parts)] == parts:
            return True
    return False


def coach(
    data: PeriodData,
    period: Period,
    figures: Figures,
    as_of: date,
    *,
    kpi_value_before: Mapping[int, float | None] = _NO_VALUES,
) -> list[Finding]:
    """Every coaching finding for the period's OKRs and for every KPI, in a stable order."""
    objectives = [o for o in data.objectives if o.period_id == period.id]
    ids = {o.id for o in objectives}
    by_objective: dict[int, list[KeyResult]] = {o.id: [] for o in objectives}
    for kr in data.key_results:
        if kr.objective_id in ids:
            by_objective[kr.objective_id].append(kr)
    key_results = [kr for o in objectives for kr in by_objective[o.id]]
    kpis = {k.id: k for k in data.kpis}

    # Drafts count nowhere but on their own page: they are coached on their own shape, but
    # are no owner's load, need no check-ins, no input of another objective, and no part of
    # the period's key results for OKR010. A draft's key result linked to a KPI still answers
    # KPI001: the proposal has been made.
    adopted = [o for o in objectives if not o.is_draft]
    adopted_key_results = [kr for o in adopted for kr in by_objective[o.id]]
    fed = {
        target
        for o in data.objectives
        if not o.is_draft
        for target in (*([o.parent_id] if o.parent_id is not None else []), *o.contributes_to)
    }
    findings = _owner_load(data, period, adopted)
    for objective in objectives:
        findings += _objective_shape(objective, by_objective[objective.id], fed)
    for kr in key_results:
        findings += _key_result_shape(kr, kpis, period, kpi_value_before)
    findings += _stale_key_results(period, adopted, by_objective, figures, kpis, as_of)
    findings += _kpi_findings(data.kpis, period, adopted_key_results, key_results, figures)
    return sorted(findings, key=lambda f: (f.code, f.subject_title, f.subject_id, f.subject_type))


def _owner_load(data: PeriodData, period: Period, objectives: list[Objective]) -> list[Finding]:
    """OKR001: too many objectives for one owner, a person or a unit (each counts apart)."""
    people = Counter(o.owner_id for o in objectives if o.owner_id is not None)
    units = Counter(o.owner_unit_id for o in objectives if o.owner_unit_id is not None)
    findings = []
    for subject_type, counts in (("person", people), ("unit", units)):
        for owner_id, n in counts.items():
            if n <= MAX_OBJECTIVES_PER_OWNER:
                continue
            if subject_type == "person":
                person = data.people.get(owner_id)
                title = person.name if person else f"person {owner_id}"
            else:
                unit = data.units.get(owner_id)
                title = unit.name if unit else f"unit {owner_id}"
            findings.append(
                _finding(
                    "OKR001",
                    subject_type,
                    owner_id,
                    title,
                    f"owns {n} objectives in {period.name}; aim for at most "
                    f"{MAX_OBJECTIVES_PER_OWNER} to keep focus",
                )
            )
    return findings


def _objective_shape(
    objective: Objective, key_results: list[KeyResult], fed: set[int]
) -> list[Finding]:
    """OKR002, OKR003, OKR005, OKR008: how one objective is put together."""

    def found(code: str, message: str) -> Finding:
        return _finding(code, "objective", objective.id, objective.title, message)

    findings = []
    n = len(key_results)
    if n and not MIN_KEY_RESULTS <= n <= MAX_KEY_RESULTS:
        findings.append(
            found(
                "OKR002",
                f"{_plural(n, 'key result')}; aim for {MIN_KEY_RESULTS} to {MAX_KEY_RESULTS}",
            )
        )
    milestones = sum(kr.kind == KeyResultKind.MILESTONE for kr in key_results)
    if 2 * milestones > n:
        findings.append(
            found(
                "OKR003",
                f"{milestones} of {n} key results are milestones: it reads like a task list; "
                "measure outcomes instead",
            )
        )
    number = _NUMBER.search(objective.title)
    if number:
        findings.append(
            found(
                "OKR005",
                f'the title carries a number ("{number.group()}"): objectives are '
                "qualitative; put the number in a key result",
            )
        )
    # With no key results of its own, it is scored from the objectives aligned straight under
    # it and those contributing to it (`fed` holds the objectives that have any but drafts).
    if n == 0 and objective.id not in fed:
        findings.append(
            found(
                "OKR008",
                "no key results and no aligned or contributing objectives: it cannot be scored",
            )
        )
    return findings


def _key_result_shape(
    kr: KeyResult,
    kpis: Mapping[int, Kpi],
    period: Period,
    kpi_value_before: Mapping[int, float | None],
) -> list[Finding]:
    """OKR004, OKR006, OKR007: how one key result is put together."""

    def found(code: str, message: str) -> Finding:
        return _finding(code, "key_result", kr.id, kr.title, message)

    findings = []
    if kr.kind == KeyResultKind.MILESTONE and starts_with_activity_verb(kr.title):
        first = _WORD.findall(kr.title)[0]
        findings.append(
            found(
                "OKR004",
                f'starts with "{first}": it looks like an initiative; name the result it '
                "brings instead",
            )
        )
    kpi = kpis.get(kr.kpi_id) if kr.kpi_id is not None else None
    before = kpi_value_before.get(kpi.id) if kpi is not None else None
    if kpi is not None and before is not None and kr.target_value is not None:
        if key_result_target_met(kr, before):
            findings.append(
                found(
                    "OKR006",
                    f"{kpi.name} read {format_number(before)} before {period.name} began, "
                    f"already meeting the target {format_number(kr.target_value)}: a KPI to "
                    "watch, not a change to make",
                )
            )
    if kr.owner_id is None:
        findings.append(found("OKR007", "no owner: name the person who reports on it"))
    return findings


def _stale_key_results(
    period: Period,
    objectives: list[Objective],
    by_objective: Mapping[int, list[KeyResult]],
    figures: Figures,
    kpis: Mapping[int, Kpi],
    as_of: date,
) -> list[Finding]:
    """OKR009: open key results with no check-in (or measurement) for more than 14 days."""
    if period.state == PeriodState.CLOSED or as_of < period.start_date:
        return []
    # Past its end a period only awaits closing: no more days without news accrue.
    until = min(as_of, period.end_date)
    limit = timedelta(days=MAX_DAYS_WITHOUT_UPDATE)
    findings = []
    for objective in objectives:
        if objective.state == ObjectiveState.CLOSED:
            continue
        for kr in by_objective[objective.id]:
            if kr.kind == KeyResultKind.ROLLUP:
                continue
            fig = figures.key_results.get(kr.id)
            if fig is not None and fig.status == Status.ACHIEVED:
                continue
            last = fig.last_update if fig is not None else None
            since = last if last is not None else period.start_date
            if until - since <= limit:
                continue
            days = (until - since).days
            kpi = kpis.get(kr.kpi_id) if kr.kpi_id is not None else None
            what = f"measurement of {kpi.name}" if kpi is not None else "check-in"
            if last is not None:
                message = f"no {what} for {days} days (last on {last.isoformat()})"
            else:
                message = f"no {what} in the {days} days since {period.name} began"
            findings.append(_finding("OKR009", "key_result", kr.id, kr.title, message))
    return findings


def _target_text(kpi: Kpi) -> str:
    if kpi.direction == Direction.IN_RANGE:
        low = format_number(kpi.target_low) if kpi.target_low is not None else "?"
        high = format_number(kpi.target_high) if kpi.target_high is not None else "?"
        return f"the range {low} to {high}"
    return f"target {format_number(kpi.target)}" if kpi.target is not None else "its target"


def _kpi_findings(
    kpis: list[Kpi],
    period: Period,
    key_results: list[KeyResult],
    proposed: list[KeyResult],
    figures: Figures,
) -> list[Finding]:
    """OKR010, KPI001, KPI002: how the period's OKRs and the KPIs meet.

    `key_results` are those of the period's objectives but drafts (OKR010); `proposed`
    include the drafts' too: a KPI a draft's key result follows is being worked on (KPI001).
    """
    findings = []
    linked = {kr.kpi_id for kr in proposed if kr.kpi_id is not None}
    if key_results and all(kr.kpi_id is not None for kr in key_results):
        findings.append(
            _finding(
                "OKR010",
                "period",
                period.id,
                period.name,
                f"all {_plural(len(key_results), 'key result')} of {period.name} are linked "
                "to KPIs: the essential few are lost among health metrics",
            )
        )
    for kpi in kpis:
        fig = figures.kpis.get(kpi.id)
        if fig is None:
            continue
        if fig.health == Health.CRITICAL and kpi.id not in linked:
            reading = (
                f" at {format_number(fig.latest_value)}" if fig.latest_value is not None else ""
            )
            findings.append(
                _finding(
                    "KPI001",
                    "kpi",
                    kpi.id,
                    kpi.name,
                    f"critical{reading} against {_target_text(kpi)}, and no key result of "
                    f"{period.name} is linked to it: propose an OKR from it",
                )
            )
        elif fig.health == Health.STALE:
            last = f"on {fig.last_measured.isoformat()}" if fig.last_measured else "long ago"
            findings.append(
                _finding(
                    "KPI002",
                    "kpi",
                    kpi.id,
                    kpi.name,
                    f"stale: last measured {last}, nothing in the current or previous "
                    f"{kpi.cadence} bucket",
                )
            )
    return findings
