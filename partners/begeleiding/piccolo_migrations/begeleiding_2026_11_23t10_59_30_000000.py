"""Hand-written index of the begeleiding package: one row per checklist item and begeleiding.

Auto migrations do not generate composite indexes, and raw steps run before table creation,
so it lives in its own migration (as in portal/piccolo_migrations).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T10:59:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "begeleiding checklist index"

INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS begeleiding_checklist_item_once "
    "ON begeleiding_checklist_item (begeleiding, item)"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="begeleiding", description=DESCRIPTION)

    async def create_index() -> None:
        await engine_finder().run_ddl(INDEX)

    async def drop_index() -> None:
        await engine_finder().run_ddl("DROP INDEX IF EXISTS begeleiding_checklist_item_once")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
