"""One run of the reminders for one regio: every kind finds what is due, new occasions go
into the outbox, and unsent mails of things that are done meanwhile are withdrawn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.notifications import queue, reminder_settings
from portal.notifications.reminder_kinds import reminder_kinds
from tenants.scope import Scope


@dataclass
class ReminderReport:
    new: dict[str, int] = field(default_factory=dict)
    withdrawn: int = 0


async def run_reminders(scope: Scope, today: date) -> ReminderReport:
    """Write the reminders due today for the scope's regio (a job's system scope)."""
    report = ReminderReport()
    numbers = await reminder_settings.numbers(scope, today)
    for kind in reminder_kinds():
        messages = await kind.find(scope, today, numbers[kind.code])
        report.new[kind.code] = await queue.add_once(scope, messages)
        report.withdrawn += await queue.withdraw(scope, kind.code, {m.key for m in messages})
    return report
