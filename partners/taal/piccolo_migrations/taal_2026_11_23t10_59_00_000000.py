"""Hand-written indexes of the taal package, for its real queries.

- "Mijn lessen vandaag": lessons of one docent on one day;
- one lesson per group, day and start time (generating the rooster twice adds nothing);
- a lesson register: the current lines of one lesson; one row per line and version;
- a learner's attendance history and the verzuim rules: current lines of one enrolment by
  date; the hours of an inburgeraar: current lines of one inburgeraar by date.
Auto migrations do not generate composite indexes, and raw steps run before table creation,
so they live in their own migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T10:59:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "taal indexes"

INDEXES = (
    "CREATE INDEX IF NOT EXISTS taal_lesson_docent_day "
    "ON taal_lesson (tenant, docent, lesson_date)",
    "CREATE UNIQUE INDEX IF NOT EXISTS taal_lesson_slot "
    "ON taal_lesson (groep, lesson_date, starts)",
    "CREATE INDEX IF NOT EXISTS taal_attendance_lesson ON taal_attendance (lesson, current)",
    "CREATE UNIQUE INDEX IF NOT EXISTS taal_attendance_line "
    "ON taal_attendance (lesson, enrolment, version)",
    "CREATE INDEX IF NOT EXISTS taal_attendance_history "
    "ON taal_attendance (enrolment, current, lesson_date)",
    "CREATE INDEX IF NOT EXISTS taal_attendance_inburgeraar "
    "ON taal_attendance (inburgeraar, current, lesson_date)",
)
NAMES = (
    "taal_lesson_docent_day",
    "taal_lesson_slot",
    "taal_attendance_lesson",
    "taal_attendance_line",
    "taal_attendance_history",
    "taal_attendance_inburgeraar",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="taal", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in INDEXES:
            await engine_finder().run_ddl(statement)

    async def drop_indexes() -> None:
        for name in NAMES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
