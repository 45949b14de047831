"""Validation rules (docs/concepts.md): each returns every problem it finds, and never raises.

Every field rule lives here and every path calls it: the services behind the API, the pages'
forms and the CLI, and the workspace document's import. The bounds are in `limits`, which
store/tables.py builds its column widths from.

Field names are the API's (`start_value`, `effective_date`...); callers that speak another
dialect (the workspace document) rename them, and raise `ValidationFailed` when a list is
not empty.
"""

from __future__ import annotations

from headway.domain.validation.entities import (
    due_dates_outside,
    plausible_range_text,
    takes_check_ins,
    validate_check_in,
    validate_due_date,
    validate_initiative,
    validate_key_result,
    validate_key_result_text,
    validate_kpi,
    validate_kpi_targets,
    validate_kpi_text,
    validate_measurement_value,
    validate_period,
    validate_period_name,
    validate_person,
    validate_plausible_range,
)
from headway.domain.validation.fields import (
    finite,
    has_visible_character,
    normalise_email,
    validate_choice,
    validate_confidence,
    validate_day,
    validate_email,
    validate_fiscal_month,
    validate_key,
    validate_line,
    validate_link,
    validate_note,
    validate_password,
    validate_past_day,
    validate_text,
    validate_timezone,
    validate_title,
    validate_weight,
)
from headway.domain.validation.trees import (
    MAX_CONTRIBUTIONS,
    Contribution,
    alignment_creates_cycle,
    validate_contributions,
    validate_unit_tree,
)

__all__ = [
    "MAX_CONTRIBUTIONS",
    "Contribution",
    "alignment_creates_cycle",
    "due_dates_outside",
    "finite",
    "has_visible_character",
    "normalise_email",
    "plausible_range_text",
    "takes_check_ins",
    "validate_check_in",
    "validate_choice",
    "validate_confidence",
    "validate_contributions",
    "validate_day",
    "validate_due_date",
    "validate_email",
    "validate_fiscal_month",
    "validate_initiative",
    "validate_key",
    "validate_line",
    "validate_key_result",
    "validate_key_result_text",
    "validate_kpi",
    "validate_kpi_targets",
    "validate_kpi_text",
    "validate_link",
    "validate_measurement_value",
    "validate_note",
    "validate_password",
    "validate_past_day",
    "validate_period",
    "validate_period_name",
    "validate_person",
    "validate_plausible_range",
    "validate_text",
    "validate_timezone",
    "validate_title",
    "validate_unit_tree",
    "validate_weight",
]
