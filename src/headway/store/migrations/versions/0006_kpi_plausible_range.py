"""A KPI's plausible range: optional min_value and max_value; a measurement outside is refused.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.add_column("kpi", sa.Column("min_value", sa.Double(), nullable=True))
    op.add_column("kpi", sa.Column("max_value", sa.Double(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place since 3.35, so the table keeps its AUTOINCREMENT.
    op.drop_column("kpi", "max_value")
    op.drop_column("kpi", "min_value")
