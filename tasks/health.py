"""A job that proves the worker runs and reaches the database."""

from __future__ import annotations

from portal.core import database
from tasks import runtime
from tasks.celery_app import app


@app.task(name="portal.health.ping", ignore_result=False)
def ping() -> str:
    """Answer "pong" after a database round trip from the worker process."""
    runtime.run(database.ping())
    return "pong"
