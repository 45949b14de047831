"""The one Settings object: every `HEADWAY_*` variable, with a default and help text."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from headway.domain.model import StatusThresholds
from headway.domain.sign_in import SignInLimits

DEFAULT_DATABASE_URL = "sqlite:///./var/headway.db"
# Not a setting: `headway serve --workers N` tells its processes its id in this variable, so
# that each stops once that process is gone (web/app.py::create_app_from_environment).
SUPERVISOR_PID = "_HEADWAY_SUPERVISOR_PID"


class Settings(BaseSettings):
    """Runtime configuration, read from the environment once and never changed."""

    model_config = SettingsConfigDict(env_prefix="HEADWAY_", frozen=True, extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the database: sqlite:///path or postgresql+psycopg://...",
    )
    host: str = Field("127.0.0.1", description="Address `headway serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `headway serve` listens on.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Processes `headway serve` answers with, sharing one socket (more than one: "
        "each has its own connections; use PostgreSQL to serve many requests at once).",
    )
    secure_cookies: bool = Field(
        False,
        description="Mark the session cookie Secure (browsers then send it over HTTPS only); "
        "turn on when Headway is served over HTTPS.",
    )
    forwarded_allow_ips: str = Field(
        "",
        description="Comma-separated addresses of reverse proxies whose X-Forwarded-For is "
        "trusted for the client address (the sign-in limits count per client); empty (the "
        "default) trusts no proxy, * trusts every sender (only behind a proxy that sets it).",
    )
    sqlite_busy_timeout_ms: int = Field(
        5000,
        ge=0,
        le=600_000,
        description="Milliseconds a write on SQLite waits for another writer's lock before it "
        "gives up and is answered 503 with Retry-After (nothing stored). Reads never wait.",
    )
    sign_in_window_minutes: int = Field(
        15, ge=1, le=24 * 60, description="Minutes over which failed sign-ins are counted."
    )
    sign_in_client_email_failures: int = Field(
        5,
        ge=1,
        le=1000,
        description="Failed sign-ins for one email from one client address within the window "
        "after which that address is refused (429 with Retry-After) for that email.",
    )
    sign_in_client_failures: int = Field(
        30,
        ge=1,
        le=100_000,
        description="Failed sign-ins from one client address, whatever the emails, within the "
        "window after which that address is refused (429 with Retry-After).",
    )
    sign_in_slowdown_after: int = Field(
        10,
        ge=1,
        le=100_000,
        description="Failed sign-ins for one email from anywhere within the window after which "
        "every attempt for it waits (1 s, doubling per further failure): slowed, never locked.",
    )
    sign_in_max_delay_seconds: float = Field(
        10.0,
        ge=0,
        le=60,
        description="The longest an attempt for a much-guessed email waits, in seconds.",
    )
    max_body_bytes: int = Field(
        2**20,
        ge=1024,
        description="Largest request body in bytes (JSON, forms); a larger one is refused "
        "with 413 before it is read.",
    )
    max_upload_bytes: int = Field(
        10 * 2**20,
        ge=1024,
        description="Largest spreadsheet (CSV, XLSX) a measurement import accepts, in bytes.",
    )
    max_document_bytes: int = Field(
        8 * 2**20,
        ge=1024,
        description="Largest workspace document (POST /api/v1/import, `headway import`), in bytes.",
    )
    max_document_values: int = Field(
        500_000,
        ge=1000,
        description="Most values (scalars, lists, mappings) a workspace document may hold.",
    )
    warm_reports: int = Field(
        2,
        ge=0,
        le=64,
        description="Period reports each server process keeps computed, served until a write "
        "to their workspace (each holds a copy of its period's rows; 0 keeps none).",
    )
    on_track_gap: float = Field(
        0.10, ge=0, le=1, description="Largest gap (expected - score) still on track."
    )
    at_risk_gap: float = Field(
        0.25, ge=0, le=1, description="Largest gap (expected - score) still at risk."
    )
    low_confidence: int = Field(
        3, ge=0, le=10, description="Latest confidence at or below this: on track becomes at risk."
    )

    # Outgoing webhooks (the "webhooks" job).
    webhook_timeout_seconds: float = Field(
        10,
        gt=0,
        le=120,
        description="Seconds a webhook delivery waits to connect and for the answer before "
        "it counts as failed and is retried later.",
    )

    # E-mail and the weekly check-in digest (README "Reminders and e-mail").
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address people reach Headway at: the links in e-mails start with it.",
    )
    smtp_host: str = Field(
        "", description="SMTP server that sends Headway's e-mail; empty (the default): no e-mail."
    )
    smtp_port: int = Field(
        587, ge=1, le=65535, description="Port of the SMTP server (587 starttls, 465 tls, 25)."
    )
    smtp_user: str = Field("", description="User to log in to the SMTP server as; empty: no login.")
    smtp_password: str = Field("", description="Password for the SMTP login.")
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        "starttls",
        description="How the SMTP connection is encrypted: starttls (upgrade after connecting), "
        "tls (encrypted from the start) or none.",
    )
    smtp_from: str = Field("headway@localhost", description="The From address of Headway's e-mail.")
    smtp_timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="Seconds to wait for the SMTP server before giving up."
    )
    digest_weekday: int = Field(
        1,
        ge=1,
        le=7,
        description="ISO weekday (1 Monday … 7 Sunday) the scheduler sends the weekly check-in "
        "digest on.",
    )
    digest_hour: int = Field(
        8,
        ge=0,
        le=23,
        description="Hour of that day, in each workspace's timezone, the digest goes out at.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("must start with sqlite: or postgresql+psycopg:")
        return value

    def thresholds(self) -> StatusThresholds:
        """The status thresholds these settings configure."""
        return StatusThresholds(
            on_track_gap=self.on_track_gap,
            at_risk_gap=self.at_risk_gap,
            low_confidence=self.low_confidence,
        )

    def sign_in_limits(self) -> SignInLimits:
        """The limits on failed sign-ins these settings configure."""
        return SignInLimits(
            window=timedelta(minutes=self.sign_in_window_minutes),
            per_client_email=self.sign_in_client_email_failures,
            per_client=self.sign_in_client_failures,
            slowdown_after=self.sign_in_slowdown_after,
            max_delay_seconds=self.sign_in_max_delay_seconds,
        )


def size_text(size: int) -> str:
    """A byte count as a person reads a limit: 10 MB, 512 KB, 1000 bytes."""
    if size % 2**20 == 0:
        return f"{size // 2**20} MB"
    if size % 2**10 == 0:
        return f"{size // 2**10} KB"
    return f"{size} bytes"


class SettingsError(Exception):
    """A HEADWAY_* variable has a bad value; the message names it."""


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and overrides, or a SettingsError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "HEADWAY_" + "_".join(str(p) for p in error["loc"]).upper()
            lines.append(f"{name}: {error['msg']}")
        raise SettingsError("; ".join(lines)) from exc
