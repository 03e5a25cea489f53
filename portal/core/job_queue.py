"""Queuing a background job from the web app, by the job's name (portal/ never imports tasks/).

The work itself is already a row in the database (an outbox row), written in the request's
own transaction; queuing a job only makes it happen sooner. When the broker is away the call
gives up at once and says so, and the periodic sweep (tasks/schedule.py) does the work once
the broker is back: nothing the user did is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache

from celery import Celery
from kombu.exceptions import OperationalError

from portal.core.broker import BROKER_CONNECT_TIMEOUT, broker_options
from portal.core.settings import Settings

log = logging.getLogger("portal.jobs")


@cache
def _producer(settings: Settings) -> Celery:
    producer = Celery("portal-web")
    options = broker_options(settings)
    # Jobs report through the database: the web app never waits for a result, so it has no
    # result backend (whose reconnecting would hold a request for many seconds).
    options.pop("result_backend", None)
    producer.conf.update(
        **options,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_timeout=BROKER_CONNECT_TIMEOUT,
    )
    return producer


def queue_job(settings: Settings, name: str, args: Sequence[object]) -> bool:
    """Queue the job `name` once, without retrying; False (and logged) when the broker cannot
    take it now. Blocking: call it from a thread in a request."""
    try:
        _producer(settings).send_task(name, args=list(args), retry=False, ignore_result=True)
    except (OperationalError, ConnectionError, OSError) as exc:
        log.warning("job %s not queued, the sweep will do it: %s", name, exc)
        return False
    return True
