"""The Celery app. Settings beside their reasons; the schedule lives in tasks/schedule.py."""

from __future__ import annotations

import sqlite3

import asyncpg
from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown
from kombu.exceptions import OperationalError as BrokerError

from partners.registry import register_all
from portal.core.broker import broker_options
from portal.core.settings import load_settings
from tasks import runtime
from tasks.schedule import BEAT_SCHEDULE

settings = load_settings()
# The partner packages' rules (closing flows) hold in the worker as in the web app; the
# worker never imports a routes module, so it registers them itself, at import.
register_all(web=False)

# Errors a job may meet when the database or the broker is briefly away (a restart, a
# failover, a lock held too long): jobs that are safe to repeat retry on these with backoff.
DB_AND_BROKER_ERRORS = (
    sqlite3.OperationalError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.TooManyConnectionsError,
    ConnectionError,
    OSError,
    BrokerError,
)

app = Celery(
    "portal",
    include=["tasks.maintenance", "tasks.health", "tasks.notifications", "tasks.convenants"],
)
app.conf.update(
    **broker_options(settings),
    # Jobs report through the database (rows, outbox, progress), not through Celery results;
    # the few that return something for a caller (the health ping) opt in.
    task_ignore_result=True,
    # A job is acknowledged only after it ran, so a worker killed mid-job hands it to the next
    # one; every job is idempotent (a unique key per side effect) to make that safe.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # One job at a time per worker process: long rapportages must not hold short reminders.
    worker_prefetch_multiplier=1,
    # JSON only: no pickle from a broker that others might write to.
    task_serializer="json",
    accept_content=["json"],
    # A hung job is stopped instead of blocking the worker forever.
    task_soft_time_limit=15 * 60,
    task_time_limit=16 * 60,
    # Reminders are about Dutch working days: schedule in Dutch time (DST handled by Celery).
    timezone="Europe/Amsterdam",
    enable_utc=True,
    broker_connection_retry_on_startup=True,
    beat_schedule=BEAT_SCHEDULE,
    beat_schedule_filename=str(settings.var_path / "celerybeat-schedule"),
    worker_hijack_root_logger=False,
)


@worker_process_init.connect
def _open_runtime(**_: object) -> None:
    runtime.start(settings)


@worker_process_shutdown.connect
def _close_runtime(**_: object) -> None:
    runtime.stop()
