"""One taakstelling per gemeente, year and half year in a regio (a composite unique index,
written by hand: auto migrations do not make them)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T03:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "taakstelling unique per gemeente and half year"

NAME = "taakstelling_gemeente_half_year"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {NAME} ON taakstelling "
            "(tenant, gemeente, year, half)"
        )

    async def drop_index() -> None:
        await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {NAME}")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
