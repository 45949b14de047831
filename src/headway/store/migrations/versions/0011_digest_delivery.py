"""The weekly check-in digest: who declined which e-mail, and which digests went out.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    for column in ("digest_opt_out", "alerts_opt_out"):
        op.add_column(
            "person",
            sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    op.create_table(
        "digest_delivery",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("iso_year", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("key_results", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_digest_delivery_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_digest_delivery_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_delivery")),
        sa.UniqueConstraint(
            "person_id",
            "iso_year",
            "iso_week",
            name=op.f("uq_digest_delivery_person_id_iso_year_iso_week"),
        ),
        sqlite_autoincrement=True,
    )
    for column in ("workspace_id", "person_id"):
        op.create_index(
            op.f(f"ix_digest_delivery_{column}"), "digest_delivery", [column], unique=False
        )


def downgrade() -> None:
    op.drop_table("digest_delivery")
    for column in ("alerts_opt_out", "digest_opt_out"):
        op.drop_column("person", column)
