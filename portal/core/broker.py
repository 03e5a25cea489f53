"""Where background jobs are queued: the broker settings shared by Celery and /health."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kombu import Connection

from portal.core.settings import Settings

BROKER_CONNECT_TIMEOUT = 2


def broker_folder(settings: Settings) -> Path:
    return settings.var_path / "broker"


def broker_options(settings: Settings) -> dict[str, Any]:
    """Celery's broker_url and broker_transport_options for the configured broker."""
    if settings.uses_filesystem_broker:
        folder = broker_folder(settings)
        # In and out must be the same folder (producer and worker share it), and the control
        # folder must be set, or kombu creates ./control in whatever directory it runs from.
        for sub in ("queue", "control", "processed", "results"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        return {
            "broker_url": "filesystem://",
            "result_backend": (folder / "results").as_uri(),
            "broker_transport_options": {
                "data_folder_in": str(folder / "queue"),
                "data_folder_out": str(folder / "queue"),
                "control_folder": str(folder / "control"),
                "processed_folder": str(folder / "processed"),
                "store_processed": False,
            },
        }
    return {
        "broker_url": settings.broker_url,
        "result_backend": settings.broker_url,
        # A countdown longer than the visibility timeout would be redelivered again and again;
        # the portal schedules from the database instead, so one hour is plenty.
        "broker_transport_options": {"visibility_timeout": 3600},
    }


def broker_reachable(settings: Settings) -> bool:
    """True when a job could be queued right now."""
    if settings.uses_filesystem_broker:
        folder = broker_folder(settings) / "queue"
        return folder.is_dir() and os.access(folder, os.W_OK)
    with Connection(settings.broker_url, connect_timeout=BROKER_CONNECT_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_CONNECT_TIMEOUT)
    return True
