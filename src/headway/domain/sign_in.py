"""How failed sign-ins are limited: refused per client address, slowed down per account.

Guessing is stopped where it comes from, never by locking the person it aims at out:

- **per client address** — after `per_client_email` failures for one email from one address,
  or `per_client` failures from one address whatever the emails, that address is refused
  (429 with Retry-After) until the oldest counted failure leaves the window;
- **per account** — after `slowdown_after` failures for one email from anywhere within the
  window, every further attempt for it, right or wrong and from wherever, is answered only
  after a delay: 1 s, doubling with each further failure, up to `max_delay_seconds`. The
  real person, signing in from their own address, waits a few seconds at most: never locked
  out. An attacker spread over many addresses pays the delay on each guess and the
  per-address limit on each address.

Pure rules over the failures' times; the store counts them, the web layer waits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """The limits' settings (HEADWAY_SIGN_IN_*); the defaults are Headway's."""

    window: timedelta = timedelta(minutes=15)
    per_client_email: int = 5
    per_client: int = 30
    slowdown_after: int = 10
    max_delay_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.window <= timedelta(0):
            raise ValueError("the window must be positive")
        if min(self.per_client_email, self.per_client, self.slowdown_after) < 1:
            raise ValueError("each count must be at least 1")
        if not 0 <= self.max_delay_seconds <= 60:
            raise ValueError("the delay must be between 0 and 60 seconds")


@dataclass(frozen=True, slots=True)
class RecentFailures:
    """Failed sign-ins within the window, newest first, as each limit counts them."""

    from_client_for_email: Sequence[datetime]
    from_client: Sequence[datetime]
    for_email: int  # from anywhere: only their number matters


def retry_after(limits: SignInLimits, failures: RecentFailures, now: datetime) -> int | None:
    """Seconds this client must wait before another attempt, or None when it may try now."""
    waits = []
    for recent, limit in (
        (failures.from_client_for_email, limits.per_client_email),
        (failures.from_client, limits.per_client),
    ):
        if len(recent) >= limit:
            oldest_counted = recent[limit - 1]
            left = (oldest_counted + limits.window - now).total_seconds()
            waits.append(max(1, math.ceil(left)))
    return max(waits) if waits else None


def account_delay(limits: SignInLimits, failures_for_email: int) -> float:
    """Seconds an attempt for an email waits before its password is checked."""
    beyond = failures_for_email - limits.slowdown_after
    if beyond < 0:
        return 0.0
    return min(limits.max_delay_seconds, 2.0 ** min(beyond, 16))
