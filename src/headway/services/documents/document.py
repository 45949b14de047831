"""The shape of a workspace document (the README, "OKRs as code").

Pydantic checks the structure — types, required fields, allowed values, unknown fields;
`imports.py` then checks the meaning (references, domain rules). Both report a path
like `objectives[3].key_results[1].target`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar, get_args

import yaml
from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
)

from headway.domain.errors import FieldProblem, ProblemList, ValidationFailed
from headway.domain.model import (
    Aggregation,
    Cadence,
    Direction,
    InitiativeStatus,
    KeyResultKind,
    KpiSource,
    ObjectiveState,
    ObjectiveType,
    PeriodKind,
    PeriodState,
    Role,
    UnitKind,
)
from headway.domain.typed_text import parse_day
from headway.domain.validation import (
    finite,
    validate_day,
    validate_key,
    validate_period_name,
    validate_title,
)
from headway.services.documents.bounded_text import TooDeep, TooManyValues, load_json, load_yaml


def _iso_date(value: object) -> object:
    # Dates are ISO 8601 strings (JSON) or dates (YAML); never numbers or datetimes.
    day = value if isinstance(value, date) and type(value) is date else None
    if isinstance(value, str):
        parsed = parse_day("", value)
        day = parsed if isinstance(parsed, date) else None
    if day is None:
        raise ValueError("must be an ISO 8601 date (YYYY-MM-DD)")
    for problem in validate_day("", day):
        raise ValueError(problem.message)
    return day


_T = TypeVar("_T")


def _obeying(rule: Callable[[_T], list[FieldProblem]]) -> AfterValidator:
    """The domain's rule as a Pydantic check: its first problem is reported at the value's path."""

    def check(value: _T) -> _T:
        for problem in rule(value):
            raise ValueError(problem.message)
        return value

    return AfterValidator(check)


def _name_text(value: object) -> object:
    # YAML reads `name: 2026` as a number; a name or key is text whatever it looks like.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Number = Annotated[float, Strict(), AllowInfNan(False), _obeying(lambda value: finite("", value))]
Day = Annotated[date, BeforeValidator(_iso_date)]
# Keys and period names are what other parts of the document refer to, so they are checked
# with the structure: a reference is only compared with names that are themselves valid.
# Python's strip, as the rules' own: Pydantic's keeps \x1c-\x1f, which str.strip removes.
_Trimmed = Annotated[str, BeforeValidator(_name_text), Strict(), AfterValidator(str.strip)]
Key = Annotated[_Trimmed, _obeying(lambda key: validate_key("", key))]
PeriodName = Annotated[_Trimmed, _obeying(validate_period_name)]
Text = Annotated[str, Strict()]


class _Part(BaseModel):
    # Unknown fields are kept aside and reported as warnings by `unknown_fields`: a comma in
    # an unquoted YAML flow mapping (`{title: Drive 10,000 views}`) splits a value into a
    # bogus extra field, and the person importing must be told rather than refused outright.
    model_config = ConfigDict(extra="allow")


class UnitDoc(_Part):
    key: Key
    name: Text
    kind: UnitKind
    parent: Key | None = None


class PersonDoc(_Part):
    key: Key
    name: Text
    email: Text
    role: Role
    units: list[Key] = Field(default_factory=list)
    active: bool = True


class PeriodDoc(_Part):
    key: Key | None = None
    name: PeriodName
    kind: PeriodKind
    start: Day
    end: Day
    state: PeriodState = PeriodState.ACTIVE


class MeasurementDoc(_Part):
    at: Day
    value: Number
    note: Text = ""
    source: KpiSource = KpiSource.MANUAL


class KpiDoc(_Part):
    key: Key
    name: Text
    description: Text = ""
    owner_unit: Key
    owner: Key | None = None
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
    measurements: list[MeasurementDoc] = Field(default_factory=list)


class CheckInDoc(_Part):
    date: Day
    value: Number
    confidence: Annotated[int, Strict()] | None = None
    note: Text = ""
    author: Key | None = None


class InitiativeDoc(_Part):
    title: Text
    status: InitiativeStatus = InitiativeStatus.PLANNED
    owner: Key | None = None
    due: Day | None = None
    link: Text = ""


class KeyResultDoc(_Part):
    key: Key
    title: Text
    kind: KeyResultKind
    unit_label: Text = ""
    start: Number | None = None
    target: Number | None = None
    weight: Number = 1.0
    owner: Key | None = None
    kpi: Key | None = None
    due: Day | None = None
    check_ins: list[CheckInDoc] = Field(default_factory=list)
    initiatives: list[InitiativeDoc] = Field(default_factory=list)


class ObjectiveDoc(_Part):
    key: Key
    title: Text
    description: Text = ""
    period: PeriodName
    owner_unit: Key | None = None
    owner: Key | None = None
    type: ObjectiveType = ObjectiveType.COMMITTED
    state: ObjectiveState = ObjectiveState.ACTIVE
    parent: Key | None = None
    parent_kr: Key | None = None
    # Keys of further objectives or rollup key results of the same period it also serves.
    contributes_to: list[Key] = Field(default_factory=list)
    key_results: list[KeyResultDoc] = Field(default_factory=list)


class WorkspaceDoc(_Part):
    workspace: Annotated[
        str, Strict(), AfterValidator(str.strip), _obeying(lambda name: validate_title("", name))
    ]
    fiscal_year_start_month: Annotated[int, Strict()] = 1
    timezone: Text = "UTC"
    units: list[UnitDoc] = Field(default_factory=list)
    people: list[PersonDoc] = Field(default_factory=list)
    periods: list[PeriodDoc] = Field(default_factory=list)
    kpis: list[KpiDoc] = Field(default_factory=list)
    objectives: list[ObjectiveDoc] = Field(default_factory=list)


def path_of(location: tuple[int | str, ...]) -> str:
    """`("objectives", 3, "key_results", 1, "target")` -> `objectives[3].key_results[1].target`."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "enum":
        allowed = error.get("ctx", {}).get("expected", "")
        return f"must be one of {allowed}"
    if kind in ("float_type", "int_type", "string_type", "bool_type", "list_type"):
        return (
            "must be "
            + {
                "float_type": "a number",
                "int_type": "a whole number",
                "string_type": "text",
                "bool_type": "true or false",
                "list_type": "a list",
            }[kind]
        )
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def parse_document(data: object) -> WorkspaceDoc:
    """The document's structure, or ValidationFailed listing every structural problem."""
    if not isinstance(data, dict):
        raise ValidationFailed([FieldProblem("", "the document must be a mapping at the top")])
    try:
        return WorkspaceDoc.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            problems.append(FieldProblem(path_of(tuple(error["loc"])), _message(error)))
        raise ValidationFailed(_unique(problems)) from None


def _unique(problems: list[FieldProblem]) -> list[FieldProblem]:
    seen: dict[str, FieldProblem] = {}
    for problem in problems:
        seen.setdefault(problem.field, problem)
    return list(seen.values())


def unknown_fields(part: BaseModel, path: str = "") -> list[FieldProblem]:
    """Warnings for every field the document format does not know, with its path: the first
    hundred, and how many more (a document of a million unknown keys gets a short answer)."""
    found = ProblemList()
    _collect_unknown(part, path, found)
    return found.as_list()


def _collect_unknown(part: BaseModel, path: str, found: ProblemList) -> None:
    for name in part.model_extra or {}:
        found.append(
            FieldProblem(f"{path}.{name}" if path else name, "is not a known field; it was ignored")
        )
    # Only the fields that may hold parts are walked: a document of a hundred thousand
    # check-ins builds no path for each of them unless one has an unknown field.
    for name in _parts_in(type(part)):
        value = getattr(part, name)
        here = f"{path}.{name}" if path else name
        if isinstance(value, BaseModel):
            _collect_unknown(value, here, found)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel) and (item.model_extra or _parts_in(type(item))):
                    _collect_unknown(item, f"{here}[{index}]", found)


@functools.cache
def _parts_in(model: type[BaseModel]) -> tuple[str, ...]:
    """The names of a model's fields whose values may be (or hold) models."""
    return tuple(name for name, info in model.model_fields.items() if _holds_model(info.annotation))


def _holds_model(annotation: object) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in get_args(annotation))


def load_text(
    text: str, *, filename: str = "", max_values: int, as_json: bool | None = None, field: str = ""
) -> object:
    """Parse YAML or JSON text (JSON is YAML, but its errors read better from json), of at
    most `max_values` values (bounded_text.py). JSON when `as_json`, else when the file name
    ends in .json; problems are named by `field` (the API's "body", whose messages need not
    say what it is) or else by the file."""
    name = filename or ("" if field else "document")
    try:
        if filename.endswith(".json") if as_json is None else as_json:
            return load_json(text, max_values=max_values)
        return load_yaml(text, max_values=max_values)
    except (TooManyValues, TooDeep) as exc:
        raise ValidationFailed([FieldProblem(field, f"{name} {exc}".lstrip())]) from None
    except json.JSONDecodeError as exc:
        where = f"{name} line {exc.lineno} column {exc.colno}".lstrip()
        problem = FieldProblem(field, f"{where} is not valid JSON: {exc.msg}")
        raise ValidationFailed([problem]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = name
        if mark is not None:
            where += f" line {mark.line + 1} column {mark.column + 1}"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problem = FieldProblem(field, f"{where} is not valid YAML: {reason}".lstrip())
        raise ValidationFailed([problem]) from None


def dump_text(document: dict[str, Any], *, as_json: bool = False) -> str:
    """The document as YAML (default) or JSON text, keys in the order the README gives."""
    if as_json:
        return json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
