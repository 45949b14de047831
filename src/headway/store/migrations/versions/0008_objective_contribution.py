"""Cross-team work: the objectives and rollup key results an objective also contributes to.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "objective_contribution",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("target_objective_id", sa.Integer(), nullable=True),
        sa.Column("target_key_result_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(target_objective_id IS NULL) <> (target_key_result_id IS NULL)",
            name=op.f("ck_objective_contribution_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objective.id"],
            name=op.f("fk_objective_contribution_objective_id_objective"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_key_result_id"],
            ["key_result.id"],
            name=op.f("fk_objective_contribution_target_key_result_id_key_result"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_objective_id"],
            ["objective.id"],
            name=op.f("fk_objective_contribution_target_objective_id_objective"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_objective_contribution_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objective_contribution")),
        sa.UniqueConstraint(
            "objective_id",
            "target_objective_id",
            name=op.f("uq_objective_contribution_objective_id_target_objective_id"),
        ),
        sa.UniqueConstraint(
            "objective_id",
            "target_key_result_id",
            name=op.f("uq_objective_contribution_objective_id_target_key_result_id"),
        ),
        sqlite_autoincrement=True,
    )
    for column in ("workspace_id", "target_objective_id", "target_key_result_id"):
        op.create_index(
            op.f(f"ix_objective_contribution_{column}"),
            "objective_contribution",
            [column],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("objective_contribution")
