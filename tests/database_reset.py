"""Emptying the test database and putting the seeded demo back, fast.

Every test that goes through the HTTP client starts from the demo regio's and ends with
empty tables. Done through Piccolo this opened one connection per statement (about 80 per
test on PostgreSQL, where a connection costs milliseconds); here each reset is one
connection and one transaction: SQLite through the standard library, PostgreSQL through
asyncpg with COPY.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import asyncpg
from piccolo.table import sort_table_classes

from portal.core import database


@dataclass(frozen=True)
class TableRows:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple]


Snapshot = list[TableRows]


def _table_names() -> list[str]:
    """Parents first, so that inserting in this order never breaks a foreign key."""
    return [t._meta.tablename for t in sort_table_classes(database.all_tables())]


def _sqlite_connect(url: str) -> sqlite3.Connection:
    conn = sqlite3.connect(database.sqlite_path(url), timeout=database.SQLITE_BUSY_TIMEOUT)
    conn.isolation_level = None
    return conn


def _sqlite_empty(conn: sqlite3.Connection, names: list[str]) -> None:
    for name in reversed(names):
        conn.execute(f"DELETE FROM {name}")  # noqa: S608 (table names from the registry)
    # AUTOINCREMENT counters: a test that counts on id 1 finds it, as on a fresh database.
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
        conn.execute("DELETE FROM sqlite_sequence")


async def empty_all_tables(url: str) -> None:
    """Delete every row of every table, in one transaction."""
    names = _table_names()
    if url.startswith("sqlite"):
        conn = _sqlite_connect(url)
        try:
            conn.execute("BEGIN IMMEDIATE")
            _sqlite_empty(conn, names)
            conn.execute("COMMIT")
        finally:
            conn.close()
        return
    # DELETE, not TRUNCATE: TRUNCATE gives every table and index a new file, which cost
    # half a second to a second per test; a DELETE of a few hundred rows costs milliseconds.
    # Id sequences go on counting, which no test may count on.
    pg = await asyncpg.connect(url)
    try:
        deletes = " ".join(f"DELETE FROM {name};" for name in reversed(names))  # noqa: S608
        await pg.execute(f"BEGIN; {deletes} COMMIT;")
    finally:
        await pg.close()


async def take_snapshot(url: str) -> Snapshot:
    """Every row of every non-empty table, as the database driver returns it."""
    snapshot: Snapshot = []
    if url.startswith("sqlite"):
        conn = _sqlite_connect(url)
        try:
            for name in _table_names():
                cursor = conn.execute(f"SELECT * FROM {name}")  # noqa: S608
                rows = cursor.fetchall()
                if rows:
                    columns = tuple(d[0] for d in cursor.description)
                    snapshot.append(TableRows(name, columns, rows))
        finally:
            conn.close()
        return snapshot
    pg = await asyncpg.connect(url)
    try:
        for name in _table_names():
            records = await pg.fetch(f"SELECT * FROM {name}")  # noqa: S608
            if records:
                columns = tuple(records[0].keys())
                snapshot.append(TableRows(name, columns, [tuple(r) for r in records]))
    finally:
        await pg.close()
    return snapshot


async def restore_snapshot(url: str, snapshot: Snapshot) -> None:
    """Put the snapshot's rows back (ids included) into empty tables, parents first;
    PostgreSQL's id sequences move past them so that rows a test makes get fresh ids."""
    if url.startswith("sqlite"):
        conn = _sqlite_connect(url)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for table in snapshot:
                marks = ", ".join("?" for _ in table.columns)
                names = ", ".join(f'"{c}"' for c in table.columns)
                conn.executemany(
                    f"INSERT INTO {table.name} ({names}) VALUES ({marks})",  # noqa: S608
                    table.rows,
                )
            conn.execute("COMMIT")
        finally:
            conn.close()
        return
    pg = await asyncpg.connect(url)
    try:
        async with pg.transaction():
            for table in snapshot:
                await pg.copy_records_to_table(
                    table.name, records=table.rows, columns=list(table.columns)
                )
                if "id" in table.columns:
                    await pg.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                        f"(SELECT MAX(id) FROM {table.name}))"
                    )
    finally:
        await pg.close()
