"""Hand-written indexes of the notifications package.

- one message per occasion: `(tenant, key)` is unique, so writing the same reminder twice,
  or from two workers at once, leaves one row;
- the delivery job's claim: the rows of one regio by mail status;
- the bell: a person's unread rows;
- one preference per person and regio, one number per reminder kind and regio.
Auto migrations do not generate composite indexes, and raw steps run before table creation,
so they live in their own migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T02:48:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notifications indexes"

INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS notification_occasion ON notification (tenant, key)",
    "CREATE INDEX IF NOT EXISTS notification_mail ON notification (tenant, mail_status)",
    "CREATE INDEX IF NOT EXISTS notification_unread ON notification (recipient, read_at)",
    "CREATE UNIQUE INDEX IF NOT EXISTS notification_preference_person "
    "ON notification_preference (tenant, person)",
    "CREATE UNIQUE INDEX IF NOT EXISTS reminder_setting_code ON reminder_setting (tenant, code)",
)
NAMES = (
    "notification_occasion",
    "notification_mail",
    "notification_unread",
    "notification_preference_person",
    "reminder_setting_code",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in INDEXES:
            await engine_finder().run_ddl(statement)

    async def drop_indexes() -> None:
        for name in NAMES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
