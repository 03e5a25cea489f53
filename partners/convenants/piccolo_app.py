"""Piccolo app of the convenants package's tables."""

import os

from piccolo.conf.apps import AppConfig

from partners.convenants import tables

APP_CONFIG = AppConfig(
    app_name="convenants",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=tables.TABLES,
    migration_dependencies=["portal.piccolo_app"],
    commands=[],
)
