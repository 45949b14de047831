"""The "webhooks" job: send every delivery that is due, signed, and note how each went.

A 2xx answer delivers it; anything else (another status, a timeout, a refused connection)
is recorded on the delivery and tried again later (`domain.webhooks.next_attempt`), until
the last attempt fails and the delivery is marked failed. A failure is a problem line of the
run, never an exception: the run goes on with the next delivery.
"""

from __future__ import annotations

import httpx

from headway.domain.webhooks import SIGNATURE_HEADER, next_attempt, signature
from headway.services.jobs.registry import JobContext, JobRun, job
from headway.store import webhooks as webhook_store
from headway.store.webhooks import DueDelivery

MAX_ERROR = 500  # characters of an error kept on the delivery


def _send(client: httpx.Client, due: DueDelivery) -> tuple[int | None, str | None]:
    """POST the delivery once: the status (None when no answer came) and the error, if any."""
    body = due.body.encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(due.secret, body),
        "User-Agent": "Headway-Webhooks",
    }
    try:
        answer = client.post(due.url, content=body, headers=headers)
    except httpx.TimeoutException:
        return None, "timed out"
    except httpx.HTTPError as exc:
        return None, (f"{type(exc).__name__}: {exc}" or type(exc).__name__)[:MAX_ERROR]
    if 200 <= answer.status_code < 300:
        return answer.status_code, None
    return answer.status_code, f"answered {answer.status_code}"


@job("webhooks")
def deliver_due(context: JobContext) -> JobRun:
    """Send every webhook delivery due at `context.now`, once each."""
    run = JobRun(job="webhooks")
    uow, now = context.uow, context.now
    with uow.reading():
        due = webhook_store.due_deliveries(uow.conn, now)
    timeout = context.settings.webhook_timeout_seconds
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for delivery in due:
            status, error = _send(client, delivery)
            attempts = delivery.attempts + 1
            delivered = error is None
            retry = None if delivered else next_attempt(attempts, now)
            with uow:
                webhook_store.record_attempt(
                    uow.conn,
                    delivery.id,
                    attempts=attempts,
                    status=status,
                    error=error,
                    delivered_at=now if delivered else None,
                    next_attempt_at=retry,
                )
            where = f"delivery {delivery.id} to {delivery.url}"
            if delivered:
                run.did(f"webhooks: {where} delivered ({status})")
            elif retry is None:
                run.failed(f"webhooks: {where} failed for good after {attempts} attempts: {error}")
            else:
                run.failed(
                    f"webhooks: {where} failed ({error}); next attempt at {retry.isoformat()}"
                )
    return run
