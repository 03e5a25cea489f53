"""Unique (person, organisation, role) on membership, written by hand.

A separate migration because raw steps run before a migration's table creation, and an
index rather than a constraint because SQLite cannot add a constraint to an existing table.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T08:16:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique membership per person, organisation and role"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS membership_person_organisation_role "
            "ON membership (person, organisation, role)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS membership_person_organisation_role")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
