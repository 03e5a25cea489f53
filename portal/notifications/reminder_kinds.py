"""The reminder kinds: what is due, for whom, read from the database on every run.

The package that owns the data registers its kinds (the case file at import of its
reminders module, a partner package in its `registry.register()`), like start-page tiles or
the KPI catalogue; the reminder job (tasks/reminders.py) and the regio's settings page only
read this registry. A kind's finder gets a job's system scope of one regio, today, and the
regio's number for the kind, and answers the messages that are due now. A message's key
names the occasion (the thing, the stage, its date, the person), so a run that finds the
same thing again adds nothing, and a thing that is done is no longer found: the reminder
stops (and an unsent mail of it is withdrawn, see runner.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from portal.notifications.queue import NewMessage
from tenants.scope import Scope

Finder = Callable[[Scope, date, int], Awaitable[list[NewMessage]]]


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: str
    # What the regio's number means, shown beside the field ("werkdagen vooraf").
    unit: str
    default: int
    maximum: int
    find: Finder
    order: int = 100
    # The KPI whose window is this same number (portal/kpi/agreed.py): where a convenant in
    # force agrees that window, it is the kind's number and the regio cannot set another.
    agreed_by: str = ""
    # The lowest number that means something (a PIP warning "0 weeks after registration"
    # would warn about every new case on its first day).
    minimum: int = 0


_KINDS: dict[str, ReminderKind] = {}


def register_reminder(kind: ReminderKind) -> None:
    """Add (or replace, on re-import) a reminder kind."""
    _KINDS[kind.code] = kind


def reminder_kinds() -> list[ReminderKind]:
    """Every registered kind, in the order of the settings page."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.code))
