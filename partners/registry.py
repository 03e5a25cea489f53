"""Every partner package's `register()`, called by each process that runs the portal's rules.

The app factory calls `register_all(web=True)`; the Celery worker and the `portal` command
call `register_all(web=False)`. So the rules the packages add (closing flows) hold in every
process, not only in the one that happened to import the routes.
"""

from __future__ import annotations

from partners.begeleiding import registry as begeleiding
from partners.coa import registry as coa
from partners.convenants import registry as convenants
from partners.taal import registry as taal
from portal.casefile import reminders as casefile_reminders


def register_all(*, web: bool) -> None:
    """Register every partner package's rules, and with `web` its page parts (idempotent)."""
    casefile_reminders.register()
    for package in (coa, begeleiding, taal, convenants):
        package.register(web=web)
