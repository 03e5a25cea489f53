"""The beat schedule. A test checks that every entry imports, names a registered task and
that its arguments bind to the task's signature."""

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
    # Reminders read what is due from the database: twice a working day is enough for
    # deadlines counted in days, and a run missed (broker down) is made up by the next one.
    "reminders": {
        "task": "portal.notifications.remind_all",
        "schedule": crontab(hour="7,13", minute="0"),
    },
    # The outbox: mails at once within minutes, and daily digests at the time people chose
    # (the job sends a digest at or after that time, so every minute is not needed).
    "deliver-outbox": {
        "task": "portal.notifications.deliver_all",
        "schedule": crontab(minute="*/5"),
        # A delivery older than its interval is superseded by the next one.
        "options": {"expires": 240},
    },
}
