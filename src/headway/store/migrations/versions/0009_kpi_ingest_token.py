"""Per-KPI ingest tokens: a credential that may only read and record one KPI's measurements.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_ingest_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["person.id"],
            name=op.f("fk_kpi_ingest_token_created_by_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["kpi_id"],
            ["kpi.id"],
            name=op.f("fk_kpi_ingest_token_kpi_id_kpi"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_kpi_ingest_token_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_ingest_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kpi_ingest_token_token_hash")),
        sqlite_autoincrement=True,
    )
    for column in ("workspace_id", "kpi_id", "created_by"):
        op.create_index(
            op.f(f"ix_kpi_ingest_token_{column}"), "kpi_ingest_token", [column], unique=False
        )


def downgrade() -> None:
    op.drop_table("kpi_ingest_token")
