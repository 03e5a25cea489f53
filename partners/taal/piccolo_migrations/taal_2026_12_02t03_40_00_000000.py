"""Hand-written indexes for the KPI aggregates of the taal package over a period.

The convenant terms measure a whole regio per period (`partners/taal/kpis.py`): the attendance
rate sums the current lines of the period's lesson dates per school; signed registers count
the period's lessons per school and register status. Without these indexes both read every
row of the regio (the only index on the tenant alone), which grows with the years of history;
with them the open period reads its own month. The attendance index carries the summed
columns, so SQLite and PostgreSQL (index-only) answer from the index alone. Measured by
tests/bench/test_monitor_speed.py (docs/performance.md).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T03:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "taal indexes for the KPI aggregates per period"

INDEXES = (
    (
        "taal_attendance_period",
        "taal_attendance (tenant, lesson_date, current, organisation, minutes_attended, "
        "minutes_offered)",
    ),
    ("taal_lesson_period", "taal_lesson (tenant, lesson_date, organisation)"),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="taal", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, columns in INDEXES:
            await engine_finder().run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")

    async def drop_indexes() -> None:
        for name, _ in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
