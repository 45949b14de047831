"""The database schema (SQLAlchemy Core). Every row belongs to exactly one workspace.

Text columns take their widths from the domain's limits, which the field rules check, so a
value the rules accept always fits its column.

Migrations in `migrations/versions` must produce exactly this metadata; a test compares them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from headway.domain.validation.limits import (
    AUDIT_NAME_WIDTH,
    CLIENT_WIDTH,
    EMAIL_WIDTH,
    HASH_WIDTH,
    MAX_CATEGORY,
    MAX_CHOICE,
    MAX_KEY,
    MAX_LINK,
    MAX_PERIOD_NAME,
    MAX_TIMEZONE,
    MAX_TITLE,
    MAX_UNIT_LABEL,
    PASSWORD_HASH_WIDTH,
)

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Number: sa.Double[float] = sa.Double()
Timestamp = sa.DateTime(timezone=True)

# SQLite would hand a deleted row's id to the next row; the audit log names rows by id, so an
# id is never reused (PostgreSQL's sequences never reuse one anyway).
NEVER_REUSE_IDS: dict[str, Any] = {"sqlite_autoincrement": True}


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _workspace_id() -> sa.Column[int]:
    return sa.Column(
        "workspace_id",
        sa.Integer,
        sa.ForeignKey("workspace.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
    ]


def _key() -> sa.Column[str]:
    # The slug a workspace document gave the row, so export -> import keeps references stable.
    return sa.Column("key", sa.String(MAX_KEY), nullable=True)


workspace = sa.Table(
    "workspace",
    metadata,
    _id(),
    sa.Column("name", sa.String(MAX_TITLE), nullable=False, unique=True),
    sa.Column("fiscal_year_start_month", sa.Integer, nullable=False),
    sa.Column("timezone", sa.String(MAX_TIMEZONE), nullable=False),
    *_stamps(),
    **NEVER_REUSE_IDS,
)

# A number every committed write to the workspace changes (store/revisions.py), so that a
# process keeping figures knows when its copy is old. A row of its own, not a column of
# `workspace`: bumping it at commit then never waits for a writer holding `lock_workspace`.
workspace_revision = sa.Table(
    "workspace_revision",
    metadata,
    sa.Column(
        "workspace_id",
        sa.Integer,
        sa.ForeignKey("workspace.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("revision", sa.BigInteger, nullable=False),
)

# What each revision changed (store/revisions.py): the rows a write touched, named as the
# figures depend on them (a check-in as its key result, a measurement as its KPI), so that a
# process keeping figures at an older revision recomputes only what those rows reach. Kept a
# day (older rows are pruned by later writes).
workspace_change = sa.Table(
    "workspace_change",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "workspace_id",
        sa.Integer,
        sa.ForeignKey("workspace.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("revision", sa.BigInteger, nullable=False),
    sa.Column("subject_type", sa.String(AUDIT_NAME_WIDTH), nullable=False),
    sa.Column("subject_id", sa.Integer, nullable=True),
    sa.Index("ix_workspace_change_workspace_id_revision", "workspace_id", "revision"),
)

unit = sa.Table(
    "unit",
    metadata,
    _id(),
    _workspace_id(),
    _key(),
    sa.Column("name", sa.String(MAX_TITLE), nullable=False),
    sa.Column("kind", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=True, index=True),
    *_stamps(),
    sa.UniqueConstraint("workspace_id", "key"),
    **NEVER_REUSE_IDS,
)

person = sa.Table(
    "person",
    metadata,
    _id(),
    _workspace_id(),
    _key(),
    sa.Column("name", sa.String(MAX_TITLE), nullable=False),
    sa.Column("email", sa.String(EMAIL_WIDTH), nullable=False),
    sa.Column("role", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("password_hash", sa.String(PASSWORD_HASH_WIDTH), nullable=True),
    *_stamps(),
    # What e-mail the person declined: the weekly check-in digest, KPI alerts.
    sa.Column("digest_opt_out", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("alerts_opt_out", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("workspace_id", "email"),
    sa.UniqueConstraint("workspace_id", "key"),
    **NEVER_REUSE_IDS,
)

person_unit = sa.Table(
    "person_unit",
    metadata,
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    ),
    # The primary key leads with person_id; looking up a unit's people needs its own index.
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), primary_key=True, index=True),
)

period = sa.Table(
    "period",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column("name", sa.String(MAX_PERIOD_NAME), nullable=False),
    sa.Column("kind", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("state", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("retro_worked", sa.Text, nullable=False, server_default=sa.text("''")),
    sa.Column("retro_didnt", sa.Text, nullable=False, server_default=sa.text("''")),
    sa.Column("retro_next", sa.Text, nullable=False, server_default=sa.text("''")),
    *_stamps(),
    sa.UniqueConstraint("workspace_id", "name"),
    **NEVER_REUSE_IDS,
)

objective = sa.Table(
    "objective",
    metadata,
    _id(),
    _workspace_id(),
    _key(),
    sa.Column("period_id", sa.Integer, sa.ForeignKey("period.id"), nullable=False, index=True),
    sa.Column("title", sa.String(MAX_TITLE), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("owner_unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=True, index=True),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("person.id"), nullable=True, index=True),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("objective.id"), nullable=True, index=True),
    # The key_result table references objective too; use_alter breaks the cycle on create.
    sa.Column(
        "parent_key_result_id",
        sa.Integer,
        sa.ForeignKey("key_result.id", use_alter=True),
        nullable=True,
        index=True,
    ),
    sa.Column("type", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("state", sa.String(MAX_CHOICE), nullable=False),
    sa.Column(
        "continued_from_id", sa.Integer, sa.ForeignKey("objective.id"), nullable=True, index=True
    ),
    sa.Column("position", sa.Integer, nullable=False),
    *_stamps(),
    sa.UniqueConstraint("workspace_id", "key"),
    **NEVER_REUSE_IDS,
)

kpi = sa.Table(
    "kpi",
    metadata,
    _id(),
    _workspace_id(),
    _key(),
    sa.Column("name", sa.String(MAX_TITLE), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("owner_unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False, index=True),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("person.id"), nullable=True, index=True),
    sa.Column("category", sa.String(MAX_CATEGORY), nullable=False),
    sa.Column("unit_label", sa.String(MAX_UNIT_LABEL), nullable=False),
    sa.Column("direction", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("target", Number, nullable=True),
    sa.Column("target_low", Number, nullable=True),
    sa.Column("target_high", Number, nullable=True),
    sa.Column("warning", Number, nullable=True),
    sa.Column("cadence", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("aggregation", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("source", sa.String(MAX_CHOICE), nullable=False),
    *_stamps(),
    # added by migration 0006, so after the stamps
    sa.Column("min_value", Number, nullable=True),
    sa.Column("max_value", Number, nullable=True),
    sa.UniqueConstraint("workspace_id", "key"),
    **NEVER_REUSE_IDS,
)

key_result = sa.Table(
    "key_result",
    metadata,
    _id(),
    _workspace_id(),
    _key(),
    sa.Column(
        "objective_id",
        sa.Integer,
        sa.ForeignKey("objective.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("title", sa.String(MAX_TITLE), nullable=False),
    sa.Column("kind", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("unit_label", sa.String(MAX_UNIT_LABEL), nullable=False),
    sa.Column("start_value", Number, nullable=True),
    sa.Column("target_value", Number, nullable=True),
    sa.Column("weight", Number, nullable=False),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("person.id"), nullable=True, index=True),
    sa.Column("kpi_id", sa.Integer, sa.ForeignKey("kpi.id"), nullable=True, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    *_stamps(),
    # added by migration 0007, so after the stamps
    sa.Column("due_date", sa.Date, nullable=True),
    sa.UniqueConstraint("workspace_id", "key"),
    **NEVER_REUSE_IDS,
)

# Cross-team work: an objective also serves further objectives or rollup key results of its
# period (`Objective.contributes_to`). Each row names exactly one target. A link belongs to
# its objective and goes with it; it goes with its target only when a whole workspace goes
# (services refuse to delete a target while objectives contribute to it).
objective_contribution = sa.Table(
    "objective_contribution",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column(
        "objective_id",
        sa.Integer,
        sa.ForeignKey("objective.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "target_objective_id",
        sa.Integer,
        sa.ForeignKey("objective.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column(
        "target_key_result_id",
        sa.Integer,
        sa.ForeignKey("key_result.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.CheckConstraint(
        "(target_objective_id IS NULL) <> (target_key_result_id IS NULL)", name="one_target"
    ),
    # Each leads with objective_id, so they index it too (a null target is never compared).
    sa.UniqueConstraint("objective_id", "target_objective_id"),
    sa.UniqueConstraint("objective_id", "target_key_result_id"),
    **NEVER_REUSE_IDS,
)

check_in = sa.Table(
    "check_in",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column(
        "key_result_id",
        sa.Integer,
        sa.ForeignKey("key_result.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("value", Number, nullable=False),
    sa.Column("confidence", sa.Integer, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("person.id"), nullable=True, index=True),
    sa.Column("effective_date", sa.Date, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    **NEVER_REUSE_IDS,
)

initiative = sa.Table(
    "initiative",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column(
        "key_result_id",
        sa.Integer,
        sa.ForeignKey("key_result.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column(
        "objective_id",
        sa.Integer,
        sa.ForeignKey("objective.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column("title", sa.String(MAX_TITLE), nullable=False),
    sa.Column("owner_id", sa.Integer, sa.ForeignKey("person.id"), nullable=True, index=True),
    sa.Column("status", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("due_date", sa.Date, nullable=True),
    sa.Column("link", sa.String(MAX_LINK), nullable=False),
    *_stamps(),
    **NEVER_REUSE_IDS,
)

measurement = sa.Table(
    "measurement",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column("kpi_id", sa.Integer, sa.ForeignKey("kpi.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", sa.Date, nullable=False),
    sa.Column("value", Number, nullable=False),
    sa.Column("source", sa.String(MAX_CHOICE), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.Integer, sa.ForeignKey("person.id"), nullable=True, index=True),
    sa.Column("recorded_at", Timestamp, nullable=False),
    sa.Index("ix_measurement_kpi_at", "kpi_id", "at"),
    **NEVER_REUSE_IDS,
)

grade = sa.Table(
    "grade",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column("period_id", sa.Integer, sa.ForeignKey("period.id"), nullable=False, index=True),
    sa.Column(
        "objective_id",
        sa.Integer,
        sa.ForeignKey("objective.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column(
        "key_result_id",
        sa.Integer,
        sa.ForeignKey("key_result.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column("score", Number, nullable=True),
    sa.Column("band", sa.String(MAX_CHOICE), nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    **NEVER_REUSE_IDS,
)

audit_event = sa.Table(
    "audit_event",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column("actor_id", sa.Integer, sa.ForeignKey("person.id"), nullable=True, index=True),
    sa.Column("actor_label", sa.String(EMAIL_WIDTH), nullable=False),  # an email, or "cli"
    sa.Column("action", sa.String(AUDIT_NAME_WIDTH), nullable=False),
    sa.Column("subject_type", sa.String(AUDIT_NAME_WIDTH), nullable=False),
    sa.Column("subject_id", sa.Integer, nullable=True),
    sa.Column("before", sa.JSON, nullable=True),
    sa.Column("after", sa.JSON, nullable=True),
    sa.Column("at", Timestamp, nullable=False),
    sa.Index("ix_audit_event_subject", "subject_type", "subject_id"),
    **NEVER_REUSE_IDS,
)

api_token = sa.Table(
    "api_token",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("person.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(MAX_TITLE), nullable=False),
    # Only a SHA-256 of the token is kept; the token itself is shown once.
    sa.Column("token_hash", sa.String(HASH_WIDTH), nullable=False, unique=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("last_used_at", Timestamp, nullable=True),
    sa.Column("revoked_at", Timestamp, nullable=True),
    **NEVER_REUSE_IDS,
)

kpi_ingest_token = sa.Table(
    "kpi_ingest_token",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column(
        "kpi_id",
        sa.Integer,
        sa.ForeignKey("kpi.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(MAX_TITLE), nullable=False),
    # Only a SHA-256 of the token is kept; the token itself is shown once.
    sa.Column("token_hash", sa.String(HASH_WIDTH), nullable=False, unique=True),
    # Who made it, for the record: the token belongs to the KPI, not to them.
    sa.Column(
        "created_by",
        sa.Integer,
        sa.ForeignKey("person.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("last_used_at", Timestamp, nullable=True),
    sa.Column("revoked_at", Timestamp, nullable=True),
    **NEVER_REUSE_IDS,
)

webhook = sa.Table(
    "webhook",
    metadata,
    _id(),
    _workspace_id(),
    # An http(s) URL of at most 2,000 characters (domain/webhooks.py checks it).
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", sa.Text, nullable=False),  # JSON list of event names
    # Kept as it was given: it signs every body. Never shown again after creation.
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column(
        "created_by",
        sa.Integer,
        sa.ForeignKey("person.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    **NEVER_REUSE_IDS,
)

# The outbox: a row per event and webhook, written in the transaction of the write that
# causes it, and sent (and retried) by the "webhooks" job.
webhook_delivery = sa.Table(
    "webhook_delivery",
    metadata,
    _id(),
    sa.Column(
        "webhook_id",
        sa.Integer,
        sa.ForeignKey("webhook.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("event", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the JSON sent, byte for byte
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", Timestamp, nullable=True, index=True),  # None: done
    sa.Column("last_status", sa.Integer, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("delivered_at", Timestamp, nullable=True),
    **NEVER_REUSE_IDS,
)

web_session = sa.Table(
    "web_session",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("person.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # Only a SHA-256 of the session cookie is kept, as for API tokens.
    sa.Column("token_hash", sa.String(HASH_WIDTH), nullable=False, unique=True),
    # The session's CSRF token: every form and every script request must carry it.
    sa.Column("csrf_token", sa.String(HASH_WIDTH), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("last_seen_at", Timestamp, nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False),
    sa.Column("ended_at", Timestamp, nullable=True),
    **NEVER_REUSE_IDS,
)

# The weekly check-in digests: one row per person and ISO week, so that nobody gets two in
# one week however often the job runs; a failed send is kept with its error and retried.
digest_delivery = sa.Table(
    "digest_delivery",
    metadata,
    _id(),
    _workspace_id(),
    sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("person.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("iso_year", sa.Integer, nullable=False),
    sa.Column("iso_week", sa.Integer, nullable=False),
    sa.Column("sent_at", Timestamp, nullable=False),  # when it was sent, or last tried
    sa.Column("status", sa.String(MAX_CHOICE), nullable=False),  # sent | failed
    sa.Column("key_results", sa.Integer, nullable=False),  # how many it listed
    sa.Column("error", sa.Text, nullable=True),
    sa.UniqueConstraint("person_id", "iso_year", "iso_week"),
    **NEVER_REUSE_IDS,
)

# Failed sign-ins, for the rate limit. Not workspace content: before a sign-in succeeds
# nobody knows which workspace (if any) the email belongs to.
sign_in_failure = sa.Table(
    "sign_in_failure",
    metadata,
    _id(),
    sa.Column("email", sa.String(EMAIL_WIDTH), nullable=False, index=True),
    sa.Column("client", sa.String(CLIENT_WIDTH), nullable=False, index=True),
    sa.Column("at", Timestamp, nullable=False, index=True),
    **NEVER_REUSE_IDS,
)
