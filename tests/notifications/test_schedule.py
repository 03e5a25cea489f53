"""Every beat entry imports, names a registered task, and its arguments bind."""

from __future__ import annotations

import inspect

from tasks.celery_app import app as celery_app
from tasks.schedule import BEAT_SCHEDULE


def test_every_beat_entry_names_a_registered_task_whose_arguments_bind() -> None:
    celery_app.loader.import_default_modules()
    for name, entry in BEAT_SCHEDULE.items():
        task = celery_app.tasks.get(entry["task"])
        assert task is not None, f"beat entry {name} names unknown task {entry['task']}"
        signature = inspect.signature(task.run)
        signature.bind(*entry.get("args", ()), **entry.get("kwargs", {}))


def test_reminder_and_delivery_jobs_retry_and_are_acknowledged_late() -> None:
    celery_app.loader.import_default_modules()
    for name in ("portal.notifications.deliver_regio", "portal.notifications.remind_regio"):
        task = celery_app.tasks[name]
        assert task.acks_late and task.autoretry_for and task.retry_backoff
