"""Jobs run in a real Celery worker: on the embedded filesystem broker and on Redis."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from celery import Celery

from portal.core.broker import broker_options
from portal.core.settings import PROJECT_ROOT, Settings
from tasks.celery_app import app as celery_app
from tasks.schedule import BEAT_SCHEDULE
from tests.conftest import REDIS_URL, require_redis


def test_every_beat_entry_names_a_registered_task() -> None:
    # The worker imports the `include` modules at start; do the same before looking.
    celery_app.loader.import_default_modules()
    registered = set(celery_app.tasks)
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in registered, f"beat entry {name} names unknown task {entry['task']}"


def test_worker_settings_that_protect_jobs() -> None:
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit


@contextmanager
def real_worker(
    settings: Settings,
    broker_url: str | None,
    queue: str,
    include: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Celery]:
    """A real `celery worker` process on the test's database and broker, and a producer;
    `include` names a module of extra jobs (a test's probes) the worker imports at start,
    `extra_env` more PORTAL_ settings (an SMTP server)."""
    env = {
        **os.environ,
        "PORTAL_ENV": "test",
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_VAR_DIR": str(settings.var_path),
        "PORTAL_BROKER_URL": broker_url or "filesystem://",
        **(extra_env or {}),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tasks.celery_app",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            *(["--include", include] if include else []),
        ],
        cwd=PROJECT_ROOT,
        env=env,
    )
    producer = Celery("test-producer")
    options = broker_options(settings)
    if broker_url:
        options = {"broker_url": broker_url, "result_backend": broker_url}
    producer.conf.update(**options, task_serializer="json", accept_content=["json"])
    try:
        yield producer
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


async def _ping(producer: Celery, queue: str) -> str:
    result = producer.send_task("portal.health.ping", queue=queue)
    return await asyncio.to_thread(result.get, timeout=60)


async def test_worker_reaches_the_database_on_the_filesystem_broker(db: Settings) -> None:
    queue = f"test-{uuid.uuid4().hex}"
    with real_worker(db, None, queue) as producer:
        assert await _ping(producer, queue) == "pong"


@pytest.mark.redis
async def test_worker_runs_jobs_over_redis(db: Settings) -> None:
    require_redis()
    queue = f"test-{uuid.uuid4().hex}"
    with real_worker(db, REDIS_URL, queue) as producer:
        assert await _ping(producer, queue) == "pong"
