"""The weekly check-in digest: the job "reminders" (docs/concepts.md, The rhythm).

Once per ISO week each person gets one message listing every key result due for a check-in
that is theirs to update (domain/rhythm.py), each with its objective, current value, score and
a link to check in; nobody gets two in one week, however often the job runs; a failed send is
recorded with its error and retried on the next run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from headway.domain.evaluation import evaluate
from headway.domain.model import KeyResultKind, PeriodState, Person, Workspace
from headway.domain.periods import today_in
from headway.domain.rhythm import DueCheckIn, due_check_ins, iso_week
from headway.reports.formatting import percent, quantity
from headway.services.jobs.registry import JobContext, JobRun, job
from headway.services.notify.mail import Mail, Mailer
from headway.store import notifications as ledger
from headway.store import periods as period_store
from headway.store.workspaces import list_workspaces

JOB = "reminders"
SENT = "sent"
ALREADY_SENT = "already sent"


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    """One person's digest of one ISO week."""

    workspace: Workspace
    person: Person
    week: tuple[int, int]
    due: list[DueCheckIn]


def check_in_link(base_url: str, due: DueCheckIn) -> str:
    """Where a key result is checked in: its card on its objective's page."""
    return f"{base_url.rstrip('/')}/objectives/{due.objective.id}#kr-{due.key_result.id}"


def digests_due(context: JobContext, workspace: Workspace) -> list[Digest]:
    """The digests of the workspace's week (of `as_of`, else of its today) not yet sent."""
    day = context.as_of or today_in(workspace, lambda: context.now)
    week = iso_week(day)
    uow = context.uow
    with uow.reading():
        periods = [
            p
            for p in period_store.load_periods(uow.conn, workspace.id)
            if p.state is not PeriodState.CLOSED
        ]
        data = period_store.load_periods_data(uow.conn, workspace, periods, as_of=day)
        declined = ledger.digest_declined(uow.conn, workspace.id)
        done = ledger.digests_of_week(uow.conn, workspace.id, *week)
    figures = evaluate(data, day, context.settings.thresholds())
    by_person: dict[int, list[DueCheckIn]] = defaultdict(list)
    for due in due_check_ins(data, figures, day):
        by_person[due.recipient.id].append(due)
    return [
        Digest(workspace=workspace, person=items[0].recipient, week=week, due=items)
        for person_id, items in sorted(by_person.items())
        if person_id not in declined and done.get(person_id) in (None, ledger.FAILED)
    ]


def digest_mail(digest: Digest, base_url: str) -> Mail:
    """The message: a line (and a list item) per due key result, with its link."""
    year, week = digest.week
    count = len(digest.due)
    noun = "key result is" if count == 1 else "key results are"
    subject = f"Headway: {count} {noun} due for a check-in (week {week}, {year})"
    these = "this key result is" if count == 1 else "these key results are"
    intro = f"Hello {digest.person.name}, {these} due for a check-in in {digest.workspace.name}:"
    text_lines = [intro, ""]
    items: list[str] = []
    for due in digest.due:
        kr = due.key_result
        # A due milestone is never done (a done one is achieved).
        value = (
            "not done"
            if kr.kind is KeyResultKind.MILESTONE
            else quantity(due.current_value, kr.unit_label)
        )
        link = check_in_link(base_url, due)
        last = (
            f"last check-in {due.last_check_in.isoformat()}"
            if due.last_check_in is not None
            else f"no check-in since the period began on {due.since.isoformat()}"
        )
        text_lines += [
            f"- {kr.title} ({due.objective.title})",
            f"  now {value}, score {percent(due.score)}, {last}",
            f"  check in: {link}",
        ]
        items.append(
            f'<li><a href="{escape(link)}">{escape(kr.title)}</a> ({escape(due.objective.title)})'
            f"<br>now {escape(value)}, score {percent(due.score)}, {escape(last)}</li>"
        )
    footer = "You can turn this e-mail off on your account page"
    account = f"{base_url.rstrip('/')}/account"
    text_lines += ["", f"{footer}: {account}"]
    html = (
        f"<p>{escape(intro)}</p>\n<ul>\n"
        + "\n".join(items)
        + f'\n</ul>\n<p><a href="{escape(account)}">{escape(footer)}</a>.</p>\n'
    )
    return Mail(
        to_name=digest.person.name,
        to_address=digest.person.email,
        subject=subject,
        text="\n".join(text_lines) + "\n",
        html=html,
    )


def send_digest(context: JobContext, mailer: Mailer, digest: Digest) -> str:
    """Claim the person's week in the ledger, send, and record the outcome.

    Returns SENT, ALREADY_SENT (another run took the week meanwhile) or the problem. The claim
    is committed before the message goes out, so no transaction waits on the SMTP server and
    two runs at once never both send; the outcome is recorded after.
    """
    uow, person, (year, week) = context.uow, digest.person, digest.week
    with uow:
        claimed = ledger.claim_digest(
            uow.conn,
            digest.workspace.id,
            person.id,
            year,
            week,
            key_results=len(digest.due),
            now=context.now,
        )
    if not claimed:
        return ALREADY_SENT
    problem = mailer.send(digest_mail(digest, context.settings.base_url))
    with uow:
        ledger.record_digest(uow.conn, person.id, year, week, error=problem, now=context.now)
    return problem or SENT


@job(JOB)
def send_weekly_digests(context: JobContext) -> JobRun:
    """Send each workspace's weekly check-in digests that are due and not yet sent."""
    run = JobRun(job=JOB)
    mailer = Mailer(context.settings)
    if not mailer.enabled:
        run.did(f"{JOB}: e-mail is off (HEADWAY_SMTP_HOST is empty): nothing sent")
        return run
    with context.uow.reading():
        workspaces = list_workspaces(context.uow.conn)
    for workspace in workspaces:
        for digest in digests_due(context, workspace):
            count = len(digest.due)
            what = f"{count} key result{'' if count == 1 else 's'} due"
            outcome = send_digest(context, mailer, digest)
            if outcome == SENT:
                run.did(f"sent digest to {digest.person.email} ({what})")
            elif outcome != ALREADY_SENT:
                run.failed(f"digest to {digest.person.email} ({what}) not sent: {outcome}")
    return run
