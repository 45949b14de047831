"""The sign-in limits' rules: refused per client address, slowed (never locked) per account."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headway.config import SettingsError, load_settings
from headway.domain.sign_in import RecentFailures, SignInLimits, account_delay, retry_after

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
LIMITS = SignInLimits()


def ago(*minutes: float) -> list[datetime]:
    """Failure times, newest first, `minutes` before NOW."""
    return [NOW - timedelta(minutes=m) for m in sorted(minutes)]


def failures(
    client_email: list[datetime] | None = None,
    client: list[datetime] | None = None,
    email: int = 0,
) -> RecentFailures:
    client_email = client_email or []
    return RecentFailures(
        from_client_for_email=client_email,
        from_client=client if client is not None else client_email,
        for_email=email,
    )


def test_the_defaults() -> None:
    assert LIMITS == SignInLimits(
        window=timedelta(minutes=15),
        per_client_email=5,
        per_client=30,
        slowdown_after=10,
        max_delay_seconds=10.0,
    )


def test_a_client_below_its_limits_may_try() -> None:
    assert retry_after(LIMITS, failures(ago(1, 2, 3, 4)), NOW) is None


def test_a_client_at_its_limit_for_one_email_waits_for_the_counted_failure_to_leave() -> None:
    # Six failures: the fifth newest (10 minutes ago) leaves the window in 5 minutes.
    recent = ago(0.5, 1, 2, 3, 10, 14)
    assert retry_after(LIMITS, failures(recent), NOW) == 5 * 60
    # Part of a second left still means a second to wait, never 0.
    assert retry_after(LIMITS, failures(ago(1, 2, 3, 4, 14.999)), NOW) == 1


def test_a_client_failing_across_many_emails_is_refused_too() -> None:
    many = ago(*[m / 4 for m in range(30)])
    assert retry_after(LIMITS, failures(client_email=[], client=many), NOW) == 15 * 60 - 435


def test_the_longer_wait_wins_when_both_limits_are_reached() -> None:
    for_email = ago(1, 2, 3, 4, 5)  # its fifth newest leaves in 10 minutes
    anywhere = ago(*[m / 10 for m in range(30)])  # its 30th newest in about 12 minutes
    wait = retry_after(LIMITS, failures(for_email, anywhere), NOW)
    assert wait == 15 * 60 - 174


def test_an_account_is_slowed_after_its_free_failures_doubling_up_to_the_longest() -> None:
    delays = [account_delay(LIMITS, n) for n in range(0, 17)]
    assert delays == [0.0] * 10 + [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert account_delay(LIMITS, 10**9) == 10.0
    assert account_delay(SignInLimits(max_delay_seconds=0), 500) == 0.0
    assert account_delay(SignInLimits(slowdown_after=1, max_delay_seconds=0.2), 1) == 0.2


@given(
    st.integers(min_value=0, max_value=10**12),
    st.lists(st.floats(min_value=0, max_value=14.9), max_size=4),
)
def test_guesses_from_elsewhere_never_lock_a_person_out(for_email: int, mine: list[float]) -> None:
    """However many failures others caused for this email, a client with fewer failures of its
    own than its limits may always try, after a bounded delay."""
    own = ago(*mine)
    assert retry_after(LIMITS, failures(own, own, email=for_email), NOW) is None
    assert 0 <= account_delay(LIMITS, for_email) <= LIMITS.max_delay_seconds


@pytest.mark.parametrize(
    "bad",
    [
        {"window": timedelta(0)},
        {"per_client_email": 0},
        {"per_client": 0},
        {"slowdown_after": 0},
        {"max_delay_seconds": -1},
        {"max_delay_seconds": 61},
    ],
)
def test_nonsense_limits_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        SignInLimits(**bad)  # type: ignore[arg-type]


def test_the_settings_configure_the_limits_and_trust_no_proxy_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in list(os.environ):
        if name.startswith(("HEADWAY_SIGN_IN_", "HEADWAY_FORWARDED_")):
            monkeypatch.delenv(name)
    defaults = load_settings()
    assert defaults.forwarded_allow_ips == ""
    assert defaults.sign_in_limits() == LIMITS
    monkeypatch.setenv("HEADWAY_SIGN_IN_WINDOW_MINUTES", "60")
    monkeypatch.setenv("HEADWAY_SIGN_IN_CLIENT_EMAIL_FAILURES", "3")
    monkeypatch.setenv("HEADWAY_SIGN_IN_CLIENT_FAILURES", "12")
    monkeypatch.setenv("HEADWAY_SIGN_IN_SLOWDOWN_AFTER", "4")
    monkeypatch.setenv("HEADWAY_SIGN_IN_MAX_DELAY_SECONDS", "2.5")
    assert load_settings().sign_in_limits() == SignInLimits(
        window=timedelta(hours=1),
        per_client_email=3,
        per_client=12,
        slowdown_after=4,
        max_delay_seconds=2.5,
    )
    monkeypatch.setenv("HEADWAY_SIGN_IN_CLIENT_FAILURES", "0")
    with pytest.raises(SettingsError, match="HEADWAY_SIGN_IN_CLIENT_FAILURES"):
        load_settings()
