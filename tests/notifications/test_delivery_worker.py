"""The outbox delivered by real Celery workers to a real SMTP server on loopback: each mail
once, also with two workers at once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from celery import Celery

from partners.registry import register_all
from portal.core.clock import today
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from portal.notifications import runner
from portal.notifications.tables import MAIL_NEW, MAIL_SENT, Notification
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.conftest import REDIS_URL, require_redis
from tests.notifications.smtp import Mailbox, smtp_server
from tests.tasks.test_jobs import real_worker

register_all(web=False)

DELIVER = "portal.notifications.deliver_regio"
PING = "portal.health.ping"


async def _waiting_outbox() -> tuple[Scope, set[int]]:
    """The demo's reminder run for Regio Alkmaar; the ids of the rows waiting for a mail."""
    rachid = await demo_scope("regievoerder@alkmaar.demo")
    system = Scope.system(rachid.tenant_id or 0, "alkmaar", "test-worker")
    await runner.run_reminders(system, today())
    rows = (
        await TenantData(system)
        .select(Notification, Notification.id)
        .where(Notification.mail_status == MAIL_NEW)
    )
    assert len(rows) >= 5
    return system, {row["id"] for row in rows}


def _smtp_env(port: int) -> dict[str, str]:
    return {
        "PORTAL_SMTP_HOST": "127.0.0.1",
        "PORTAL_SMTP_PORT": str(port),
        "PORTAL_SMTP_STARTTLS": "false",
    }


def _deliver(producer: Celery, queue: str, system: Scope) -> None:
    # Jobs report through the database, not through Celery results (tasks/celery_app.py).
    producer.send_task(DELIVER, args=[system.tenant_id, system.tenant_slug], queue=queue)


async def _settled(producer: Celery, queue: str, workers: int = 1) -> None:
    """Wait until the worker(s) ran everything queued before: each solo worker takes one
    message at a time, so a ping per worker answered means the jobs before it are done."""
    pings = [producer.send_task(PING, queue=queue) for _ in range(workers * 2)]
    for ping in pings:
        assert await asyncio.to_thread(ping.get, timeout=120) == "pong"


def _once_each(mailbox: Mailbox, expected: set[int]) -> None:
    """Every waiting row arrived as exactly one mail (the row's id is in its dedup header)."""
    keys = Counter(message["X-Portal-Melding"] for message in mailbox.messages)
    assert len(mailbox.messages) == len(expected), keys
    assert all(count == 1 for count in keys.values()), keys


async def _all_sent(system: Scope, ids: set[int]) -> bool:
    rows = await TenantData(system).select(Notification, Notification.id, Notification.mail_status)
    return all(row["mail_status"] == MAIL_SENT for row in rows if row["id"] in ids)


async def test_a_real_worker_delivers_each_outbox_mail_once(demo: Settings) -> None:
    system, waiting = await _waiting_outbox()
    queue = f"test-{uuid.uuid4().hex}"
    with (
        smtp_server() as (mailbox, port),
        real_worker(demo, None, queue, extra_env=_smtp_env(port)) as producer,
    ):
        _deliver(producer, queue, system)
        await _settled(producer, queue)
        _once_each(mailbox, waiting)
        # The job again (a retry, the next beat): nothing is sent twice.
        _deliver(producer, queue, system)
        await _settled(producer, queue)
    _once_each(mailbox, waiting)
    assert await _all_sent(system, waiting)
    assert all("Regio Alkmaar" in message["From"] for message in mailbox.messages)


@pytest.mark.redis
async def test_two_workers_at_once_deliver_each_mail_once(demo: Settings) -> None:
    require_redis()
    system, waiting = await _waiting_outbox()
    queue = f"test-{uuid.uuid4().hex}"
    with smtp_server() as (mailbox, port):
        env = _smtp_env(port)
        with (
            real_worker(demo, REDIS_URL, queue, extra_env=env) as producer,
            real_worker(demo, REDIS_URL, queue, extra_env=env),
        ):
            for _ in range(4):
                _deliver(producer, queue, system)
            await _settled(producer, queue, workers=2)
        _once_each(mailbox, waiting)
    assert await _all_sent(system, waiting)
