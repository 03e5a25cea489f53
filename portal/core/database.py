"""Database engines: which one the URL names, how SQLite is tuned, and write transactions.

Piccolo tables find their engine through `piccolo_conf` by default; the app, the worker
and the tests call `bind()` instead, so the engine always follows the settings object
they were given and one test session can run the same suite on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from asyncpg import Pool
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from portal.core.settings import PROJECT_ROOT

# Seconds a writer waits for SQLite's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT = 15

_bound: list[Engine] = []


class LoopPooledPostgresEngine(PostgresEngine):
    """PostgreSQL with a connection pool per event loop.

    An asyncpg pool belongs to the loop that made it. The web process and the worker run
    one loop each, so there this is Piccolo's own pool; but a process that runs two loops
    (the test client runs the app on a loop of its own thread, beside the test's) would
    otherwise hand a connection made on one loop to a query on the other. Each loop starts
    and closes its own pool (`start_connection_pool`, `close_connection_pool`); a loop
    without one opens a connection per query, as before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pools: dict[asyncio.AbstractEventLoop, Pool] = {}
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def pool(self) -> Pool | None:
        loop = _running_loop()
        return self._pools.get(loop) if loop else None

    @pool.setter
    def pool(self, value: Pool | None) -> None:
        loop = _running_loop()
        if loop is None:
            if value is not None:
                raise RuntimeError("a pool is started inside an event loop")
            return
        if value is None:
            self._pools.pop(loop, None)
        else:
            self._pools[loop] = value


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


# One engine per database URL in a process: the app, its jobs and the test fixtures that
# name the same database share it, and with it each loop's pool.
_engines: dict[str, Engine] = {}


def engine_from_url(url: str) -> Engine:
    """The Piccolo engine a database URL names (SQLite file or PostgreSQL DSN), one per URL."""
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = _new_engine(url)
    return engine


def _new_engine(url: str) -> Engine:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return SQLiteEngine(path=str(sqlite_path(url)), timeout=SQLITE_BUSY_TIMEOUT)
    if parts.scheme in {"postgres", "postgresql"}:
        return LoopPooledPostgresEngine(config={"dsn": url})
    raise ValueError(f"Unsupported database URL scheme {parts.scheme!r}")


def sqlite_path(url: str) -> Path:
    """`sqlite:///var/x.sqlite3` is relative to the project root, `sqlite:////abs` absolute."""
    raw = url.split("sqlite://", 1)[1]
    path = Path(raw[1:]) if raw.startswith("/") else Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def prepare_sqlite(url: str) -> None:
    """Create the folder and switch the file to WAL once (WAL is stored in the file)."""
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


def all_tables() -> list:
    """Every Piccolo table of every app, from the app registry in piccolo_conf."""
    from portal.piccolo_conf import APP_REGISTRY

    return [table for app in APP_REGISTRY.app_configs.values() for table in app.table_classes]


def bind(engine: Engine) -> Engine:
    """Point every table at `engine` (the one process-wide database handle)."""
    for table in all_tables():
        table._meta.db = engine
    _bound[:] = [engine]
    return engine


def current_engine() -> Engine:
    if not _bound:
        from portal.piccolo_conf import DB

        bind(DB)
    return _bound[0]


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for a change: IMMEDIATE on SQLite, so two writers queue instead of
    one failing with "database is locked" when its read turns into a write."""
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with engine.transaction():
            yield


async def ping() -> None:
    """Raise if the database does not answer a trivial query."""
    await current_engine().run_ddl("SELECT 1")
