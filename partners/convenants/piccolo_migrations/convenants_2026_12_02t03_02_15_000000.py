"""One stored value per KPI, organisation and closed period (the job that closes periods is
idempotent on this key), written by hand like the other unique indexes of this app."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-02T03:02:15:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique kpi value per code, organisation and period"

INDEXES = (
    (
        "convenant_kpi_value_once",
        "convenant_kpi_value (tenant, code, organisation, period_kind, period_key)",
    ),
    (
        "convenant_kpi_correction_lookup",
        "convenant_kpi_correction (tenant, code, organisation, period_kind, period_key)",
    ),
    (
        "convenant_score_question_row",
        "convenant_score_question (convenant, line, organisation, period_key, record_id)",
    ),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="convenants", description=DESCRIPTION)

    async def create_indexes() -> None:
        for name, columns in INDEXES:
            unique = "UNIQUE " if name.endswith("_once") else ""
            await engine_finder().run_ddl(f"CREATE {unique}INDEX IF NOT EXISTS {name} ON {columns}")

    async def drop_indexes() -> None:
        for name, _ in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
