"""Web sessions and failed sign-ins for the web app; on SQLite, ids are never reused; the
audit log's actor label is as wide as an email.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None

# Every table of 0001 with an id column, parents before children.
_TABLES_WITH_IDS = (
    "workspace",
    "unit",
    "person",
    "period",
    "objective",
    "kpi",
    "key_result",
    "check_in",
    "initiative",
    "measurement",
    "grade",
    "audit_event",
    "api_token",
)

_NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


def _never_reuse_ids() -> None:
    # SQLite gives the next row max(id) + 1, so deleting the newest row handed its id to the
    # next one and the audit log's history of that id mixed two rows. AUTOINCREMENT stops it;
    # SQLite can only add it by rebuilding the table (env.py turns foreign keys off for that).
    if op.get_context().dialect.name != "sqlite":
        return
    for name in _TABLES_WITH_IDS:
        with op.batch_alter_table(name, recreate="always", table_kwargs=_NEVER_REUSE_IDS):
            pass


def upgrade() -> None:
    _never_reuse_ids()
    # An email may have up to 254 characters; the label held 200, so such a person's writes
    # overflowed the audit insert on PostgreSQL.
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column(
            "actor_label",
            type_=sa.String(length=320),
            existing_type=sa.String(length=200),
            existing_nullable=False,
        )
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_web_session_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_web_session_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_session_token_hash")),
        **_NEVER_REUSE_IDS,
    )
    op.create_index(
        op.f("ix_web_session_workspace_id"), "web_session", ["workspace_id"], unique=False
    )
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
        **_NEVER_REUSE_IDS,
    )
    op.create_index(op.f("ix_sign_in_failure_email"), "sign_in_failure", ["email"], unique=False)
    op.create_index(op.f("ix_sign_in_failure_client"), "sign_in_failure", ["client"], unique=False)
    op.create_index(op.f("ix_sign_in_failure_at"), "sign_in_failure", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column(
            "actor_label",
            type_=sa.String(length=200),
            existing_type=sa.String(length=320),
            existing_nullable=False,
        )
    op.drop_table("sign_in_failure")
    op.drop_table("web_session")
