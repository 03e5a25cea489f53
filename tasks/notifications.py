"""Delivering the outbox and running the reminders: one regio per run, with that regio's
system scope, calling the same services as the web app.

The beat entries (tasks/schedule.py) start a fan-out job that queues one job per active
regio; each of those reads what is due from the database itself, so nothing waits in the
broker with a countdown and a run missed while the broker was down is simply done by the
next one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from portal.core import clock
from portal.notifications import delivery, runner
from tasks import runtime
from tasks.celery_app import DB_AND_BROKER_ERRORS, app, settings
from tenants import accounts
from tenants.scope import Scope


def _scope(tenant_id: int, tenant_slug: str, job: str) -> Scope:
    return Scope.system(tenant_id, tenant_slug, job)


async def _regios() -> list[tuple[int, str]]:
    return [(row["id"], row["slug"]) for row in await accounts.all_regios() if row["active"]]


# Safe to repeat (every message has a unique key; delivery claims rows under a token), so
# the job is acknowledged late and retried with backoff when the database or broker fails.
_RETRYING = {
    "autoretry_for": DB_AND_BROKER_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


@app.task(name=delivery.DELIVER_JOB, **_RETRYING)
def deliver_regio(tenant_id: int, tenant_slug: str) -> int:
    """Send the mails due now for one regio; returns how many mails were sent."""
    scope = _scope(tenant_id, tenant_slug, "deliver")
    report = runtime.run(delivery.deliver(scope, settings, datetime.now(UTC)))
    return report.mails


@app.task(name="portal.notifications.remind_regio", **_RETRYING)
def remind_regio(tenant_id: int, tenant_slug: str) -> int:
    """Write the reminders due today for one regio; returns how many are new."""
    scope = _scope(tenant_id, tenant_slug, "reminders")
    report = runtime.run(runner.run_reminders(scope, clock.today()))
    return sum(report.new.values())


@app.task(name="portal.notifications.deliver_all", **_RETRYING)
def deliver_all() -> int:
    """Queue the delivery of every active regio; returns how many were queued."""
    regios = runtime.run(_regios())
    for tenant_id, slug in regios:
        deliver_regio.delay(tenant_id, slug)
    return len(regios)


@app.task(name="portal.notifications.remind_all", **_RETRYING)
def remind_all() -> int:
    """Queue the reminders of every active regio, then their delivery."""
    regios = runtime.run(_regios())
    for tenant_id, slug in regios:
        (remind_regio.si(tenant_id, slug) | deliver_regio.si(tenant_id, slug)).delay()
    return len(regios)
