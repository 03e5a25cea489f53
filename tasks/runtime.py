"""One event loop per worker process, with the database bound to it.

Piccolo's `run_sync` would start a new loop per call, and an asyncpg pool belongs to the loop
that opened it; so each worker process keeps one loop and runs every job's coroutine on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from portal.core import database
from portal.core.settings import Settings

T = TypeVar("T")

_loop: list[asyncio.AbstractEventLoop] = []


def start(settings: Settings) -> None:
    """Bind the database and open this process's loop (idempotent)."""
    if _loop:
        return
    database.bind(database.engine_from_url(settings.database_url))
    _loop.append(asyncio.new_event_loop())


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a job's coroutine on this process's loop."""
    if not _loop:
        from tasks.celery_app import settings

        start(settings)
    return _loop[0].run_until_complete(coro)


def stop() -> None:
    if _loop:
        _loop.pop().close()
