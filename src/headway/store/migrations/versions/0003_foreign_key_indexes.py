"""An index on every foreign key column that had none.

Revision ID: 0003
Revises: 0002

PostgreSQL does not index a referencing column by itself: without these, deleting an
objective or a person scans every table that refers to it, and so does looking up a unit's
objectives or a key result's grades. Creating an index rebuilds no table, on SQLite either.
"""

from __future__ import annotations

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None

# (table, column): each gets the index ix_<table>_<column>, as tables.py names it.
_REFERENCES = (
    ("unit", "parent_id"),
    ("person_unit", "unit_id"),
    ("objective", "owner_unit_id"),
    ("objective", "owner_id"),
    ("objective", "parent_id"),
    ("objective", "parent_key_result_id"),
    ("objective", "continued_from_id"),
    ("kpi", "owner_unit_id"),
    ("kpi", "owner_id"),
    ("key_result", "owner_id"),
    ("check_in", "author_id"),
    ("initiative", "objective_id"),
    ("initiative", "owner_id"),
    ("measurement", "recorded_by"),
    ("grade", "objective_id"),
    ("grade", "key_result_id"),
    ("audit_event", "actor_id"),
    ("api_token", "person_id"),
    ("web_session", "person_id"),
)


def upgrade() -> None:
    for table, column in _REFERENCES:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, column in reversed(_REFERENCES):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
