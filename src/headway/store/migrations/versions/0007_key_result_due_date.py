"""A key result's optional due date, inside its objective's period.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.add_column("key_result", sa.Column("due_date", sa.Date(), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place since 3.35, so the table keeps its AUTOINCREMENT.
    op.drop_column("key_result", "due_date")
