"""What each workspace revision changed: the change log a process keeping figures reads.

Revision ID: 0005
Revises: 0004

Rows are written with the revision a write's commit gets (store/revisions.py) and pruned a
day later; none exist for writes made before this migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("subject_type", sa.String(length=50), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_workspace_change_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_change")),
    )
    op.create_index(
        "ix_workspace_change_workspace_id_revision",
        "workspace_change",
        ["workspace_id", "revision"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_workspace_change_workspace_id_revision", table_name="workspace_change")
    op.drop_table("workspace_change")
