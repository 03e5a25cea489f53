"""Hand-written indexes of the case file.

- one BSN per regio (unique on tenant + keyed hash), one V-nummer per regio;
- "Mijn taken": the inbox query filters on tenant, organisation and status, ordered by due date.
Auto migrations do not generate composite indexes, and raw steps run before table creation,
so they live in their own migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T09:02:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "case file indexes"

INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS inburgeraar_tenant_bsn ON inburgeraar (tenant, bsn_index)",
    "CREATE UNIQUE INDEX IF NOT EXISTS inburgeraar_tenant_v_nummer ON inburgeraar (tenant, v_nummer)",
    "CREATE INDEX IF NOT EXISTS pip_task_inbox ON pip_task (tenant, assigned_organisation, status, due_date)",
    "CREATE INDEX IF NOT EXISTS inburgeraar_caseload ON inburgeraar (tenant, gemeente, family_name)",
)
NAMES = (
    "inburgeraar_tenant_bsn",
    "inburgeraar_tenant_v_nummer",
    "pip_task_inbox",
    "inburgeraar_caseload",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in INDEXES:
            await engine_finder().run_ddl(statement)

    async def drop_indexes() -> None:
        for name in NAMES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
