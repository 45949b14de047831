"""Outgoing webhooks: the events one may subscribe to, what a webhook must be, how a body is
signed, and when a failed delivery is tried again. Pure: nothing here sends anything."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from headway.domain.errors import FieldProblem
from headway.domain.validation import validate_text

MAX_URL = 2000
MAX_SECRET = 200
SIGNATURE_HEADER = "X-Headway-Signature"
# After the n-th failed attempt the next one waits RETRY_AFTER[n - 1]; after the last, it fails.
RETRY_AFTER: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_AFTER) + 1


class WebhookEvent(StrEnum):
    KPI_ALERT = "kpi.alert"
    CHECKIN_CREATED = "checkin.created"
    MEASUREMENT_CREATED = "measurement.created"
    PERIOD_CLOSED = "period.closed"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # every attempt failed: no more are made


@dataclass(frozen=True, slots=True)
class Webhook:
    """A webhook as it may be shown: never its secret."""

    id: int
    url: str
    events: tuple[WebhookEvent, ...]
    created_by: int | None
    created_at: datetime
    active: bool


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One event on its way to one webhook, and how its attempts went."""

    id: int
    webhook_id: int
    event: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None

    @property
    def status(self) -> DeliveryStatus:
        if self.delivered_at is not None:
            return DeliveryStatus.DELIVERED
        if self.next_attempt_at is None:
            return DeliveryStatus.FAILED
        return DeliveryStatus.PENDING


def validate_webhook(url: str, events: Sequence[str], secret: str | None) -> list[FieldProblem]:
    """Every problem with a new webhook, each naming its field."""
    problems = validate_text("url", url, MAX_URL, single_line=True)
    if not problems:
        try:
            parts = urlsplit(url)
            good = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            good = False
        if not good or any(c.isspace() for c in url):
            problems.append(FieldProblem("url", "must be an http:// or https:// URL"))
    known = [e.value for e in WebhookEvent]
    if not events:
        problems.append(FieldProblem("events", "must name at least one event"))
    for i, event in enumerate(events):
        if event not in known:
            message = f"is not an event; the events are {', '.join(known)}"
            problems.append(FieldProblem(f"events[{i}]", message))
    if len(set(events)) != len(events):
        problems.append(FieldProblem("events", "must not name an event twice"))
    if secret is not None:
        if not secret.strip():
            problems.append(FieldProblem("secret", "must not be empty (leave it out instead)"))
        else:
            problems += validate_text("secret", secret, MAX_SECRET, single_line=True)
    return problems


def event_body(
    event: WebhookEvent, workspace: str, occurred_at: datetime, data: dict[str, Any], text: str
) -> str:
    """The JSON a delivery sends: the same bytes on every attempt."""
    body = {
        "event": event.value,
        "workspace": workspace,
        "occurred_at": occurred_at.isoformat(),
        "data": data,
        "text": text,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)


def signature(secret: str, body: bytes) -> str:
    """The `X-Headway-Signature` value of a body: `sha256=` and the hex HMAC-SHA256."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts; None when it has failed for good."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + RETRY_AFTER[attempts - 1]


def _figure(value: float, unit_label: str) -> str:
    number = f"{value:g}"
    return f"{number} {unit_label}".strip()


def check_in_text(
    key_result: str, value: float, unit_label: str, confidence: int | None, by: str
) -> str:
    """The one-line summary of a check-in, for a chat tool."""
    trust = "" if confidence is None else f", confidence {confidence}/10"
    return f"{by} checked in on “{key_result}”: {_figure(value, unit_label)}{trust}"


def measurement_text(kpi: str, count: int, latest: float, unit_label: str, at: str) -> str:
    """The one-line summary of a batch of measurements of one KPI."""
    figure = f"{_figure(latest, unit_label)} on {at}"
    if count == 1:
        return f"“{kpi}” measured {figure}"
    return f"“{kpi}”: {count} measurements recorded, the last {figure}"


def period_closed_text(period: str, objectives: int) -> str:
    """The one-line summary of a period's close."""
    graded = "1 objective" if objectives == 1 else f"{objectives} objectives"
    return f"Period {period} closed: {graded} graded"
