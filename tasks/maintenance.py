"""Housekeeping jobs."""

from __future__ import annotations

from litestar.stores.file import FileStore

from portal.auth.sessions import make_stores
from tasks import runtime
from tasks.celery_app import app, settings


@app.task(name="portal.maintenance.purge_expired_sessions")
def purge_expired_sessions() -> int:
    """Delete expired session and throttle files; returns how many stores were swept."""
    swept = 0
    for store in make_stores(settings).values():
        if isinstance(store, FileStore):
            runtime.run(store.delete_expired())
            swept += 1
    return swept
