"""Piccolo app of the portal's own tables: the audit log and the case file."""

import os

from piccolo.conf.apps import AppConfig

from portal.casefile.tables import (
    Inburgeraar,
    IntakeEntry,
    Pip,
    PipTask,
    RegioTaskTemplate,
    Taakstelling,
    TaskUpdate,
    TimelineEvent,
)
from portal.core.audit import AuditEntry

APP_CONFIG = AppConfig(
    app_name="portal",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        AuditEntry,
        Inburgeraar,
        IntakeEntry,
        Pip,
        PipTask,
        RegioTaskTemplate,
        Taakstelling,
        TaskUpdate,
        TimelineEvent,
    ],
    migration_dependencies=["tenants.piccolo_app"],
    commands=[],
)
