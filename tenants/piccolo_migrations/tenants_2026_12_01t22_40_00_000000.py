"""`regio.partner_access_days`: the regio's "inzage na einde werk" (default 14 days)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T22:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "regio.partner_access_days"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tenants", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Regio",
        tablename="regio",
        column_name="partner_access_days",
        db_column_name="partner_access_days",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 14,
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
