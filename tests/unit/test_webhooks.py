"""The pure rules of webhooks: the signature, the back-off, what a webhook must be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from headway.domain.webhooks import next_attempt, signature, validate_webhook

T0 = datetime(2026, 11, 16, 9, tzinfo=UTC)


def test_the_signature_is_the_hex_hmac_sha256_of_the_body() -> None:
    # RFC 4231, test case 2.
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert signature("Jefe", b"what do ya want for nothing?") == f"sha256={expected}"


def test_a_failed_delivery_waits_1_5_30_120_720_minutes_then_fails_for_good() -> None:
    waits = [next_attempt(n, T0) for n in range(1, 7)]
    minutes = [None if w is None else (w - T0) / timedelta(minutes=1) for w in waits]
    assert minutes == [1, 5, 30, 120, 720, None]


def test_every_problem_of_a_webhook_names_its_field() -> None:
    assert validate_webhook("https://chat.example/x", ["kpi.alert"], None) == []
    assert validate_webhook("http://10.0.0.2:8080/h?a=1", ["period.closed"], "s") == []
    fields = [p.field for p in validate_webhook("javascript:alert(1)", [], "")]
    assert fields == ["url", "events", "secret"]
    fields = [p.field for p in validate_webhook("https://x.example/\x00", ["x", "kpi.alert"], None)]
    assert fields == ["url", "events[0]"]
    twice = validate_webhook("https://x.example/a b", ["kpi.alert", "kpi.alert"], "a" * 201)
    assert [p.field for p in twice] == ["url", "events", "secret"]
    long = validate_webhook("https://x.example/" + "a" * 1983, ["kpi.alert"], None)
    assert [p.field for p in long] == ["url"]  # 2,001 characters
    assert validate_webhook("https://x.example/" + "a" * 1982, ["kpi.alert"], None) == []
