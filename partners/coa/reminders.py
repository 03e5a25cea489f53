"""The coa package's reminder kind: an overdracht waiting for the gemeente's acceptance
longer than the regio's number of days (to the gemeente's regievoerders)."""

from __future__ import annotations

from datetime import date, timedelta

from partners.coa.tables import Overdracht
from portal.notifications import links, recipients
from portal.notifications.queue import NewMessage
from portal.notifications.reminder_kinds import ReminderKind, register_reminder
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData


async def overdracht_waiting(scope: Scope, today: date, days: int) -> list[NewMessage]:
    """Overdrachten ingediend `days` days ago or longer and not yet accepted."""
    waiting = await (
        TenantData(scope)
        .select(Overdracht, Overdracht.id, Overdracht.gemeente, Overdracht.submitted_at)
        .where(Overdracht.status == "ingediend")
        .where(Overdracht.submitted_at.is_not_null())
    )
    waiting = [w for w in waiting if w["submitted_at"].date() <= today - timedelta(days=days)]
    people = await recipients.members(scope, {w["gemeente"] for w in waiting}, (Role.REGIEVOERDER,))
    return [
        NewMessage(
            recipient=person,
            key=f"overdracht_waiting:{row['id']}:{row['submitted_at'].date()}:{person}",
            kind="overdracht_waiting",
            title="Warme overdracht wacht op acceptatie",
            link_kind="overdracht",
            link_id=row["id"],
        )
        for row in waiting
        for person in people.get(row["gemeente"], [])
    ]


async def _overdracht_link(scope: Scope, overdracht_id: int) -> str | None:
    visible = await TenantData(scope).exists(Overdracht).where(Overdracht.id == overdracht_id)
    return f"/r/{scope.tenant_slug}/overdrachten/{overdracht_id}" if visible else None


def register() -> None:
    """Register the overdracht reminder kind and link (idempotent)."""
    register_reminder(
        ReminderKind(
            "overdracht_waiting",
            "Warme overdracht wacht op acceptatie",
            "dagen na indienen",
            5,
            30,
            overdracht_waiting,
            order=50,
        )
    )
    links.register_link("overdracht", _overdracht_link)
