"""Contracted hours per week as minutes: half hours (12,5) could not be stored in an integer
of hours. The whole hours of existing enrolments move over, then the old column goes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-01T23:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "taal_enrolment.hours_per_week moved to minutes_per_week"

BACKFILL = (
    "UPDATE taal_enrolment SET minutes_per_week = hours_per_week * 60 "
    "WHERE hours_per_week IS NOT NULL AND minutes_per_week IS NULL"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="taal", description=DESCRIPTION)

    async def backfill() -> None:
        await engine_finder().run_ddl(BACKFILL)

    # Raw steps run before the column is dropped (MigrationManager.run's order).
    manager.add_raw(backfill)
    manager.drop_column(
        table_class_name="Enrolment",
        tablename="taal_enrolment",
        column_name="hours_per_week",
        db_column_name="hours_per_week",
        schema=None,
    )

    return manager
