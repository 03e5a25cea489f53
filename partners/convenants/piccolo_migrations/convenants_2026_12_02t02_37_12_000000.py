"""Unique indexes of the convenant tables, written by hand.

A separate migration because raw steps run before a migration's table creation, and indexes
rather than constraints because SQLite cannot add a constraint to an existing table. One
party appears once per convenant, a term line once per version, a party answers a version
once, and a partner declares a term once per period.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T02:37:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique party, term line, answer and declaration per convenant"

INDEXES = (
    ("convenant_party_once", "convenant_party (convenant, organisation)"),
    ("convenant_term_line_once", "convenant_term (version, line)"),
    ("convenant_version_once", "convenant_version (convenant, number)"),
    ("convenant_acceptance_once", "convenant_acceptance (version, party)"),
    (
        "convenant_declaration_once",
        "convenant_declaration (convenant, line, organisation, period_key)",
    ),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="convenants", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, columns in INDEXES:
            await engine_finder().run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {columns}")

    async def drop_indexes() -> None:
        for name, _ in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
