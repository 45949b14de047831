"""What a backup's rows mean, checked with the same domain rules a workspace document's import
uses, before a restore writes any of them.

The file is trusted for nothing: roles and every other choice, the text rules, numbers and
dates, the unit tree and the alignment tree without cycles, check-ins and measurements dated no
later than today in their workspace, one e-mail per person in a workspace; and, from the
schema (`store/backup_checks.py`), every reference inside one workspace and every unique
constraint. Each problem is named by table, row key and column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from headway.domain import validation
from headway.domain.errors import FieldProblem
from headway.domain.model import (
    Aggregation,
    Cadence,
    GradeBand,
    InitiativeStatus,
    KeyResult,
    KeyResultKind,
    KpiSource,
    Objective,
    ObjectiveState,
    ObjectiveType,
    PeriodKind,
    PeriodState,
    UnitKind,
)
from headway.store.backup import DatabaseRows, TableRows
from headway.store.backup_checks import BackupRow, backup_rows, schema_rule_problems

Rule = Callable[[BackupRow], list[FieldProblem]]


def backup_problems(backup: DatabaseRows, now: datetime) -> list[FieldProblem]:
    """Every problem with the backup's rows, in table order; empty when it may be restored."""
    tables = backup.tables
    workspaces = {row.values.get("id"): row for row in backup_rows(tables, "workspace")}
    today = _todays(workspaces.values(), now)
    key_results = {row.values.get("id"): row for row in backup_rows(tables, "key_result")}
    kpis = {row.values.get("id"): row for row in backup_rows(tables, "kpi")}
    objectives = {row.values.get("id"): row for row in backup_rows(tables, "objective")}
    periods = {row.values.get("id"): row for row in backup_rows(tables, "period")}

    def key_result(row: BackupRow) -> list[FieldProblem]:
        problems = _key_result(row)
        due = row.values.get("due_date")  # a backup of before 0007 has none
        objective = objectives.get(row.values.get("objective_id"))
        found = None if objective is None else periods.get(objective.values.get("period_id"))
        if due is None or found is None or not {"start_date", "end_date"} <= found.values.keys():
            return problems  # a missing reference is reported by the schema's checks
        start, end = found.values["start_date"], found.values["end_date"]
        if not isinstance(start, date) or not isinstance(end, date) or start > end:
            return problems  # the period's own problem
        return problems + validation.validate_due_date(due, start, end)

    def check_in(row: BackupRow) -> list[FieldProblem]:
        kr = key_results.get(row.values.get("key_result_id"))
        problems = validation.validate_note("note", row.values["note"])
        if kr is None or "kind" not in kr.values:
            return problems  # the reference's own problem is reported by the schema's checks
        return problems + validation.validate_check_in(
            kr.values["kind"],
            row.values["value"],
            row.values["confidence"],
            row.values["effective_date"],
            today(row),
            kpi_linked=kr.values.get("kpi_id") is not None,
        )

    def period(row: BackupRow) -> list[FieldProblem]:
        problems = validation.validate_period_name(row.values["name"])
        problems += _choices(row, kind=PeriodKind, state=PeriodState)
        workspace = workspaces.get(row.workspace_id)
        month = None if workspace is None else workspace.values.get("fiscal_year_start_month")
        problems += validation.validate_period(
            row.values["start_date"],
            row.values["end_date"],
            kind=row.values["kind"],
            fiscal_start_month=month,
        )
        for name in ("retro_worked", "retro_didnt", "retro_next"):
            problems += validation.validate_note(name, row.values[name])
        return problems

    def measurement(row: BackupRow) -> list[FieldProblem]:
        kpi = kpis.get(row.values.get("kpi_id"))
        bounds = {} if kpi is None else kpi.values  # a backup of before 0006 has no range
        problems = validation.validate_measurement_value(
            row.values["value"], bounds.get("min_value"), bounds.get("max_value")
        )
        problems += validation.validate_past_day("at", row.values["at"], today(row))
        return (
            problems
            + validation.validate_note("note", row.values["note"])
            + _choices(row, source=KpiSource)
        )

    rules: dict[str, tuple[tuple[str, ...], Rule]] = {
        "workspace": (("name", "fiscal_year_start_month", "timezone"), _workspace),
        "unit": (("name", "kind", "key"), _unit),
        "person": (("name", "email", "role", "key"), _person),
        "period": (
            ("name", "kind", "state", "start_date", "end_date", "workspace_id")
            + ("retro_worked", "retro_didnt", "retro_next"),
            period,
        ),
        "objective": (
            ("title", "description", "type", "state", "key", "parent_id", "parent_key_result_id"),
            _objective,
        ),
        "kpi": (
            ("name", "description", "category", "unit_label", "direction", "target")
            + ("target_low", "target_high", "warning", "cadence", "aggregation", "source", "key"),
            _kpi,
        ),
        "key_result": (
            ("title", "unit_label", "kind", "start_value", "target_value", "weight", "kpi_id")
            + ("key",),
            key_result,
        ),
        "check_in": (
            ("key_result_id", "value", "confidence", "note", "effective_date", "workspace_id"),
            check_in,
        ),
        "initiative": (("title", "link", "due_date", "status"), _initiative),
        "measurement": (("value", "at", "note", "source", "workspace_id"), measurement),
        "grade": (("score", "band"), _grade),
        "api_token": (("name",), lambda row: validation.validate_title("name", row.values["name"])),
        "kpi_ingest_token": (
            ("name",),
            lambda row: validation.validate_title("name", row.values["name"]),
        ),
    }
    problems = schema_rule_problems(tables)
    for name, (columns, rule) in rules.items():
        data = tables.get(name)
        if data is None or not set(columns) <= set(data.columns):
            continue  # a table or column of another revision: its rules are that version's
        for row in backup_rows(tables, name):
            problems += _at(row, rule(row))
    problems += _unit_trees(tables)
    problems += _emails(tables)
    problems += _alignment(tables)
    return problems


def _at(row: BackupRow, problems: Iterable[FieldProblem]) -> list[FieldProblem]:
    return [
        FieldProblem(f"{row.place}.{p.field}" if p.field else row.place, p.message)
        for p in problems
    ]


def _todays(workspaces: Iterable[BackupRow], now: datetime) -> Callable[[BackupRow], date]:
    """Today in the workspace of a row: nothing may have happened later."""
    days: dict[Any, date] = {}
    for workspace in workspaces:
        try:
            day = now.astimezone(ZoneInfo(workspace.values["timezone"])).date()
        except (KeyError, ValueError, OSError):
            day = now.date()  # the unknown zone is reported by the workspace's own rule
        days[workspace.values.get("id")] = day
    return lambda row: days.get(row.workspace_id, now.date())


def _choices(row: BackupRow, **fields: type[StrEnum]) -> list[FieldProblem]:
    return [
        problem
        for name, allowed in fields.items()
        if row.values[name] is not None
        for problem in validation.validate_choice(name, row.values[name], allowed)
    ]


def _key(row: BackupRow) -> list[FieldProblem]:
    key = row.values["key"]
    return [] if key is None else validation.validate_key("key", key)


def _workspace(row: BackupRow) -> list[FieldProblem]:
    values = row.values
    problems = validation.validate_title("name", values["name"])
    problems += validation.validate_fiscal_month(values["fiscal_year_start_month"])
    return problems + validation.validate_timezone(values["timezone"])


def _unit(row: BackupRow) -> list[FieldProblem]:
    problems = validation.validate_title("name", row.values["name"])
    return problems + _choices(row, kind=UnitKind) + _key(row)


def _person(row: BackupRow) -> list[FieldProblem]:
    values = row.values
    problems = validation.validate_person(
        email=values["email"], name=values["name"], role=values["role"]
    )
    return problems + _key(row)


def _objective(row: BackupRow) -> list[FieldProblem]:
    values = row.values
    problems = validation.validate_title("title", values["title"])
    problems += validation.validate_note("description", values["description"])
    problems += _choices(row, type=ObjectiveType, state=ObjectiveState) + _key(row)
    if values["parent_id"] is not None and values["parent_key_result_id"] is not None:
        problems.append(
            FieldProblem(
                "parent_key_result_id",
                "an objective aligns to an objective or a key result, not both",
            )
        )
    return problems


def _kpi(row: BackupRow) -> list[FieldProblem]:
    values = row.values
    problems = validation.validate_kpi_text(
        values["name"], values["description"], values["category"], values["unit_label"]
    )
    problems += validation.validate_kpi(
        values["direction"],
        values["target"],
        values["target_low"],
        values["target_high"],
        values["warning"],
        min_value=values.get("min_value"),
        max_value=values.get("max_value"),
    )
    problems += _choices(row, cadence=Cadence, aggregation=Aggregation, source=KpiSource)
    return problems + _key(row)


def _key_result(row: BackupRow) -> list[FieldProblem]:
    values = row.values
    problems = validation.validate_key_result_text(values["title"], values["unit_label"])
    problems += validation.validate_key_result(
        values["kind"],
        values["start_value"],
        values["target_value"],
        values["weight"],
        kpi_linked=values["kpi_id"] is not None,
    )
    return problems + _key(row)


def _initiative(row: BackupRow) -> list[FieldProblem]:
    values = row.values
    problems = validation.validate_initiative(values["title"], values["link"], values["due_date"])
    return problems + _choices(row, status=InitiativeStatus)


def _grade(row: BackupRow) -> list[FieldProblem]:
    return validation.finite("score", row.values["score"]) + _choices(row, band=GradeBand)


def _by_workspace(rows: Iterable[BackupRow]) -> dict[int | None, list[BackupRow]]:
    groups: dict[int | None, list[BackupRow]] = defaultdict(list)
    for row in rows:
        groups[row.workspace_id].append(row)
    return groups


def _has(tables: Mapping[str, TableRows], name: str, *columns: str) -> bool:
    data = tables.get(name)
    return data is not None and set(columns) <= set(data.columns)


def _unit_trees(tables: Mapping[str, TableRows]) -> list[FieldProblem]:
    """Each workspace's units form one tree under one company."""
    if not _has(tables, "unit", "id", "workspace_id", "kind", "parent_id"):
        return []
    problems: list[FieldProblem] = []
    for workspace_id, units in _by_workspace(backup_rows(tables, "unit")).items():
        places = {unit.values["id"]: unit.place for unit in units}
        # A parent that is missing or in another workspace is the schema checks' to report.
        tree = [
            (unit.values["id"], unit.values["kind"], unit.values["parent_id"])
            for unit in units
            if unit.values["parent_id"] is None or unit.values["parent_id"] in places
        ]
        for problem in validation.validate_unit_tree(tree, field_of=_parent_field(places)):
            where = problem.field or f"tables.workspace[id={workspace_id!r}]"
            problems.append(FieldProblem(where, problem.message))
    return problems


def _parent_field(places: Mapping[Any, str]) -> Callable[[int], str]:
    return lambda unit_id: f"{places[unit_id]}.parent_id"


def _emails(tables: Mapping[str, TableRows]) -> list[FieldProblem]:
    """One person per e-mail address in a workspace, compared as the sign-in compares them."""
    if not _has(tables, "person", "workspace_id", "email"):
        return []
    problems: list[FieldProblem] = []
    for people in _by_workspace(backup_rows(tables, "person")).values():
        first: dict[str, BackupRow] = {}
        for person in people:
            email = person.values["email"]
            earlier = first.setdefault(validation.normalise_email(email), person)
            # The very same text twice breaks the unique constraint, reported with the schema.
            if earlier is not person and earlier.values["email"] != email:
                problems.append(
                    FieldProblem(
                        f"{person.place}.email",
                        f"{email!r} is the e-mail of {earlier.place} too: "
                        "an address names one person",
                    )
                )
    return problems


def _alignment(tables: Mapping[str, TableRows]) -> list[FieldProblem]:
    """Alignment is a tree: no objective is its own ancestor, through objectives, key results
    or contributions; and each contribution names one target its rules allow."""
    needed = ("id", "workspace_id", "title", "period_id", "parent_id", "parent_key_result_id")
    if not _has(tables, "objective", *needed) or not _has(
        tables, "key_result", "id", "objective_id", "title", "kind"
    ):
        return []
    objectives = list(backup_rows(tables, "objective"))
    key_results = list(backup_rows(tables, "key_result"))
    links = _by_workspace(backup_rows(tables, "objective_contribution"))
    problems: list[FieldProblem] = []
    krs_by_workspace = _by_workspace(key_results)
    for workspace_id, rows in _by_workspace(objectives).items():
        tree = {
            row.values["id"]: Objective(
                id=row.values["id"],
                title=row.values["title"],
                period_id=row.values["period_id"],
                parent_id=row.values["parent_id"],
                parent_key_result_id=row.values["parent_key_result_id"],
            )
            for row in rows
        }
        krs = {
            kr.values["id"]: KeyResult(
                id=kr.values["id"],
                objective_id=kr.values["objective_id"],
                title=kr.values["title"],
                kind=_kind(kr.values["kind"]),
            )
            for kr in krs_by_workspace.get(workspace_id, [])
        }
        contributions = _contributions(links.get(workspace_id, []), tree, krs)
        problems += contributions
        for row in rows:
            parent, parent_kr = row.values["parent_id"], row.values["parent_key_result_id"]
            if (parent is None and parent_kr is None) or not validation.alignment_creates_cycle(
                row.values["id"], parent, parent_kr, tree, krs
            ):
                continue
            column = "parent_id" if parent is not None else "parent_key_result_id"
            problems.append(
                FieldProblem(
                    f"{row.place}.{column}",
                    "alignment forms a cycle: the objective would be its own ancestor",
                )
            )
    return problems


def _kind(value: Any) -> KeyResultKind:
    # An unknown kind is the key result's own rule's to report; here it is no rollup.
    return KeyResultKind(value) if value in set(KeyResultKind) else KeyResultKind.METRIC


def _contributions(
    rows: list[BackupRow], tree: Mapping[Any, Objective], krs: Mapping[Any, KeyResult]
) -> list[FieldProblem]:
    """Give each objective of `tree` the contributions these rows hold, then judge each row
    as the services would (a reference that leads nowhere is the schema checks' to report)."""
    problems: list[FieldProblem] = []
    judged: list[tuple[BackupRow, Objective, validation.Contribution]] = []
    for row in rows:
        objective = tree.get(row.values.get("objective_id"))
        target: int | None = row.values.get("target_objective_id")
        kr: int | None = row.values.get("target_key_result_id")
        if (target is None) == (kr is None):
            problems.append(
                FieldProblem(
                    f"{row.place}.target_objective_id",
                    "a contribution names exactly one target: an objective or a key result",
                )
            )
            continue
        if objective is None:
            continue
        if target is not None:
            objective.contributes_to += (target,)
            column = "target_objective_id"
        elif kr is not None:
            objective.contributes_to_key_results += (kr,)
            column = "target_key_result_id"
        link = validation.Contribution(
            f"{row.place}.{column}", objective_id=target, key_result_id=kr
        )
        judged.append((row, objective, link))
    for _, objective, link in judged:
        problems += validation.validate_contributions(
            objective, [link], tree, krs, period_field=None
        )
    return problems
