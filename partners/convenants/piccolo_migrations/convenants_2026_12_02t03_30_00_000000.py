from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T03:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Convenant term: the agreed window in working days of a timeliness term"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="convenants", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ConvenantTerm",
        tablename="convenant_term",
        column_name="window_workdays",
        db_column_name="window_workdays",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": None,
            "null": True,
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
