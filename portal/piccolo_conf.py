"""Piccolo's configuration: the engine named by PORTAL_DATABASE_URL and every app's tables.

`PICCOLO_CONF=portal.piccolo_conf` is set by tenants/__init__.py, the lowest package, so
the Piccolo CLI and any table import find this module without a top-level file.
"""

from piccolo.conf.apps import AppRegistry

from portal.core.database import engine_from_url
from portal.core.settings import load_settings

DB = engine_from_url(load_settings().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "tenants.piccolo_app",
        "portal.piccolo_app",
        "partners.coa.piccolo_app",
        "partners.begeleiding.piccolo_app",
        "partners.taal.piccolo_app",
        "partners.convenants.piccolo_app",
        "portal.notifications.piccolo_app",
    ]
)
