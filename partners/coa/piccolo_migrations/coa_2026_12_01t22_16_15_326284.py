from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T22:16:15:326284"
VERSION = "1.38.0"
DESCRIPTION = "Overdracht person: linked to an existing case by the regievoerder's decision"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="coa", description=DESCRIPTION)

    manager.add_column(
        table_class_name="OverdrachtPerson",
        tablename="coa_overdracht_person",
        column_name="linked_existing",
        db_column_name="linked_existing",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
