"""Piccolo app of the tenancy tables."""

import os

from piccolo.conf.apps import AppConfig

from tenants.tables import Invitation, Membership, Organisation, Person, Regio

APP_CONFIG = AppConfig(
    app_name="tenants",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Regio, Organisation, Person, Membership, Invitation],
    migration_dependencies=[],
    commands=[],
)
