"""The beat schedule. A test checks that every entry names a registered task."""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Expired session files pile up under var/store in embedded mode; Redis expires its own.
    "purge-expired-sessions": {
        "task": "portal.maintenance.purge_expired_sessions",
        "schedule": crontab(hour="3", minute="30"),
    },
    # Just after midnight the last period closed: store its values before anyone looks, and
    # mark convenants that ended verlopen.
    "close-convenant-periods": {
        "task": "portal.convenants.close_periods",
        "schedule": crontab(hour="0", minute="15"),
    },
}
