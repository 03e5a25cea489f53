"""All migrations run from empty on each engine and give exactly the declared tables."""

from __future__ import annotations

from portal.core import database
from portal.core.settings import Settings


async def _columns(engine_type: str, table: str) -> set[str]:
    engine = database.current_engine()
    if engine_type == "sqlite":
        rows = await engine.run_ddl(f"PRAGMA table_info({table})")
        return {row["name"] for row in rows}
    rows = await engine.run_ddl(
        f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}'"  # noqa: S608
    )
    return {row["column_name"] for row in rows}


async def test_tables_match_table_classes(db: Settings, engine_name: str) -> None:
    for table in database.all_tables():
        declared = {column._meta.db_column_name for column in table._meta.columns}
        assert await _columns(engine_name, table._meta.tablename) == declared, table.__name__


async def test_membership_is_unique_per_person_organisation_role(
    db: Settings, engine_name: str
) -> None:
    engine = database.current_engine()
    if engine_name == "sqlite":
        rows = await engine.run_ddl("SELECT name FROM sqlite_master WHERE type = 'index'")
        names = {row["name"] for row in rows}
    else:
        rows = await engine.run_ddl(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'membership'"
        )
        names = {row["indexname"] for row in rows}
    assert "membership_person_organisation_role" in names


async def test_sqlite_runs_in_wal_mode(db: Settings, engine_name: str) -> None:
    if engine_name != "sqlite":
        return
    rows = await database.current_engine().run_ddl("PRAGMA journal_mode")
    assert rows[0]["journal_mode"] == "wal"
