"""Database engines: which one the URL names, how SQLite is tuned, and write transactions.

Piccolo tables find their engine through `piccolo_conf` by default; the app, the worker
and the tests call `bind()` instead, so the engine always follows the settings object
they were given and one test session can run the same suite on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from portal.core.settings import PROJECT_ROOT

# Seconds a writer waits for SQLite's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT = 15

_bound: list[Engine] = []


def engine_from_url(url: str) -> Engine:
    """Make the Piccolo engine a database URL names (SQLite file or PostgreSQL DSN)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return SQLiteEngine(path=str(sqlite_path(url)), timeout=SQLITE_BUSY_TIMEOUT)
    if parts.scheme in {"postgres", "postgresql"}:
        from piccolo.engine.postgres import PostgresEngine

        return PostgresEngine(config={"dsn": url})
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
