"""`pip_task.partner_access_ends`: the first day on which the organisation no longer reads a
task whose work ended (the regio's "inzage na einde werk"). Null for open tasks and for
tasks that ended before this column existed, which therefore close at once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T22:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "pip_task.partner_access_ends"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portal", description=DESCRIPTION)
    manager.add_column(
        table_class_name="PipTask",
        tablename="pip_task",
        column_name="partner_access_ends",
        db_column_name="partner_access_ends",
        column_class_name="Date",
        column_class=Date,
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
