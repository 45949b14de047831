"""`headway jobs run reminders` end to end: the real command in a subprocess, a real SMTP
server on 127.0.0.1 (aiosmtpd), SQLite and PostgreSQL.

The workspace below is small enough to count by hand what is due "as of" Monday 2026-11-16
(ISO week 47): a key result is due when its latest check-in, else its period start
(2026-10-01), is 7 or more days back, and it is open (not achieved, not a rollup, no KPI).

  ana:  first (check-in 11-02, 14 days: due, 4 of 0→10 = 40%), launch (milestone, no
        check-in: 46 days, due)                                             -> 2 key results
  ben:  recent (check-in 11-12, 4 days: not due), done (10 of 10: achieved, not due),
        users (check-in 11-05, 11 days: due, 150 of 100→200 = 50%)          -> 1 key result
  cy:   cy-kr (check-in 11-01, 15 days: due) but cy opted out of the digest -> nothing
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from headway.store import tables as t
from headway.store.engine import make_engine
from smtp_sink import Sink, free_port, smtp_sink

DOCUMENT = """\
workspace: Rhythm Co
units:
  - {key: co, name: Rhythm Co, kind: company}
people:
  - {key: ana, name: Ana Alves, email: ana@rhythm.example, role: admin, units: [co]}
  - {key: ben, name: Ben Brook, email: ben@rhythm.example, role: member, units: [co]}
  - {key: cy, name: Cy Cole, email: cy@rhythm.example, role: member, units: [co]}
periods:
  - {name: 2026-Q4, kind: quarter, start: 2026-10-01, end: 2026-12-31, state: active}
objectives:
  - key: grow
    title: Grow the club
    period: 2026-Q4
    owner_unit: co
    owner: ana
    key_results:
      - {key: first, title: Sign ten partners, kind: metric, start: 0, target: 10, owner: ana,
         check_ins: [{date: 2026-11-02, value: 4}]}
      - {key: launch, title: Open the shop, kind: milestone}
      - {key: recent, title: Run ten events, kind: metric, start: 0, target: 10, owner: ben,
         check_ins: [{date: 2026-11-12, value: 5}]}
      - {key: done, title: Print ten posters, kind: metric, start: 0, target: 10, owner: ben,
         check_ins: [{date: 2026-11-09, value: 10}]}
      - {key: cy-kr, title: Answer every letter, kind: metric, start: 0, target: 10, owner: cy,
         check_ins: [{date: 2026-11-01, value: 2}]}
  - key: reach
    title: Reach more people
    period: 2026-Q4
    owner_unit: co
    owner: ben
    key_results:
      - {key: users, title: Grow members to 200, kind: metric, unit_label: members,
         start: 100, target: 200, check_ins: [{date: 2026-11-05, value: 150}]}
"""

BASE_URL = "https://okr.example.com/"


def _headway(*args: str, database: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_")}
    clean |= {"HEADWAY_DATABASE_URL": database, "HEADWAY_BASE_URL": BASE_URL, **env}
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "headway", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _smtp(host: str, port: int) -> dict[str, str]:
    return {"HEADWAY_SMTP_HOST": host, "HEADWAY_SMTP_PORT": str(port), "HEADWAY_SMTP_TLS": "none"}


def _reminders(
    database: str, cwd: Path, as_of: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return _headway("jobs", "run", "reminders", "--as-of", as_of, database=database, cwd=cwd, **env)


def _ids(database: str) -> dict[str, int]:
    engine = make_engine(database)
    try:
        with engine.connect() as conn:
            ids = {
                f"o:{k}": i for k, i in conn.execute(sa.select(t.objective.c.key, t.objective.c.id))
            }
            krs = conn.execute(sa.select(t.key_result.c.key, t.key_result.c.id))
            ids |= {str(k): int(i) for k, i in krs}
            return ids
    finally:
        engine.dispose()


def _ledger(database: str) -> list[tuple[str, int, int, str, int, str | None]]:
    engine = make_engine(database)
    try:
        with engine.connect() as conn:
            d = t.digest_delivery.c
            rows = conn.execute(
                sa.select(
                    t.person.c.email, d.iso_year, d.iso_week, d.status, d.key_results, d.error
                )
                .join(t.person, t.person.c.id == d.person_id)
                .order_by(t.person.c.email)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        engine.dispose()


@pytest.fixture
def rhythm_db(database_url: str, tmp_path: Path) -> str:
    """The workspace above, with Cy opted out of the digest."""
    document = tmp_path / "rhythm.yaml"
    document.write_text(DOCUMENT)
    for args in (("init",), ("import", str(document))):
        done = _headway(*args, database=database_url, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                t.person.update()
                .where(t.person.c.email == "cy@rhythm.example")
                .values(digest_opt_out=True)
            )
    finally:
        engine.dispose()
    return database_url


def test_the_week_digest_goes_once_to_each_person_with_their_due_key_results(
    rhythm_db: str, tmp_path: Path
) -> None:
    ids = _ids(rhythm_db)
    with smtp_sink() as sink:
        done = _reminders(rhythm_db, tmp_path, "2026-11-16", **_smtp(sink.host, sink.port))
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == [
            "sent digest to ana@rhythm.example (2 key results due)",
            "sent digest to ben@rhythm.example (1 key result due)",
        ]
        assert sorted(r for m in sink.received for r in m.recipients) == [
            "ana@rhythm.example",
            "ben@rhythm.example",
        ]
        _check_ana(sink, ids)
        _check_ben(sink, ids)

        # Later the same ISO week (Sunday 11-22): nothing is sent again.
        again = _reminders(rhythm_db, tmp_path, "2026-11-22", **_smtp(sink.host, sink.port))
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines() == ["reminders: nothing to do"]
        assert len(sink.received) == 2
    assert _ledger(rhythm_db) == [
        ("ana@rhythm.example", 2026, 47, "sent", 2, None),
        ("ben@rhythm.example", 2026, 47, "sent", 1, None),
    ]


def _check_ana(sink: Sink, ids: dict[str, int]) -> None:
    (mail,) = sink.to("ana@rhythm.example")
    message = mail.message
    assert message["Subject"] == "Headway: 2 key results are due for a check-in (week 47, 2026)"
    assert message["To"] == "Ana Alves <ana@rhythm.example>"
    assert message["From"] == "headway@localhost"
    text, html = mail.part("plain"), mail.part("html")
    first = f"https://okr.example.com/objectives/{ids['o:grow']}#kr-{ids['first']}"
    launch = f"https://okr.example.com/objectives/{ids['o:grow']}#kr-{ids['launch']}"
    assert (
        "- Sign ten partners (Grow the club)\n"
        "  now 4, score 40%, last check-in 2026-11-02\n"
        f"  check in: {first}\n" in text
    )
    assert (
        "- Open the shop (Grow the club)\n"
        "  now not done, score 0%, no check-in since the period began on 2026-10-01\n"
        f"  check in: {launch}\n" in text
    )
    assert "Run ten events" not in text and "Print ten posters" not in text
    assert f'<a href="{first}">Sign ten partners</a>' in html
    assert f'<a href="{launch}">Open the shop</a>' in html
    assert '<a href="https://okr.example.com/account">' in html


def _check_ben(sink: Sink, ids: dict[str, int]) -> None:
    (mail,) = sink.to("ben@rhythm.example")
    assert mail.message["Subject"] == "Headway: 1 key result is due for a check-in (week 47, 2026)"
    users = f"https://okr.example.com/objectives/{ids['o:reach']}#kr-{ids['users']}"
    text = mail.part("plain")
    assert (
        "- Grow members to 200 (Reach more people)\n"
        "  now 150 members, score 50%, last check-in 2026-11-05\n"
        f"  check in: {users}\n" in text
    )
    assert f'<a href="{users}">Grow members to 200</a>' in mail.part("html")


def test_an_unreachable_smtp_server_is_reported_recorded_and_retried_next_run(
    rhythm_db: str, tmp_path: Path
) -> None:
    closed = free_port()
    failed = _reminders(rhythm_db, tmp_path, "2026-11-16", **_smtp("127.0.0.1", closed))
    assert failed.returncode == 1
    problems = failed.stderr.splitlines()
    assert len(problems) == 2, failed.stderr
    for line, (email, count) in zip(
        problems,
        [("ana@rhythm.example", "2 key results"), ("ben@rhythm.example", "1 key result")],
        strict=True,
    ):
        assert line.startswith(
            f"digest to {email} ({count} due) not sent: "
            f"could not send e-mail through 127.0.0.1:{closed}: "
        )
        assert "Traceback" not in line
    ledger = _ledger(rhythm_db)
    assert [(e, s) for e, _, _, s, _, _ in ledger] == [
        ("ana@rhythm.example", "failed"),
        ("ben@rhythm.example", "failed"),
    ]
    assert all(error and f"127.0.0.1:{closed}" in error for *_, error in ledger)

    with smtp_sink() as sink:
        retried = _reminders(rhythm_db, tmp_path, "2026-11-17", **_smtp(sink.host, sink.port))
        assert retried.returncode == 0, retried.stderr
        assert len(sink.received) == 2
    assert [(e, s, err) for e, _, _, s, _, err in _ledger(rhythm_db)] == [
        ("ana@rhythm.example", "sent", None),
        ("ben@rhythm.example", "sent", None),
    ]


def test_without_an_smtp_host_the_job_says_mail_is_off_and_records_nothing(
    rhythm_db: str, tmp_path: Path
) -> None:
    done = _reminders(rhythm_db, tmp_path, "2026-11-16")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "reminders: e-mail is off (HEADWAY_SMTP_HOST is empty): nothing sent\n"
    assert _ledger(rhythm_db) == []
