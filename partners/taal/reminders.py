"""The taal package's reminder kinds: a lesson register not signed some working days after
the lesson (to its docent), and a verzuim signal without follow-up (to the regievoerder)."""

from __future__ import annotations

from datetime import date, timedelta

from partners.taal.kpis import SIGNAL_CODE
from partners.taal.tables import Lesson, VerzuimSignal
from portal.kpi.workdays import add_workdays, workday_on_or_before
from portal.notifications import links, recipients
from portal.notifications.queue import NewMessage
from portal.notifications.reminder_kinds import ReminderKind, register_reminder
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData

SIGNED = ("ondertekend", "geimporteerd")


async def register_unsigned(scope: Scope, today: date, days: int) -> list[NewMessage]:
    """Lessons given `days` working days ago or longer whose register is not signed. On a
    weekend or public holiday no working day passed since the last one, so the count starts
    from that day (else a Saturday run would remind a day early)."""
    cutoff = add_workdays(workday_on_or_before(today), -days)
    lessons = await (
        TenantData(scope)
        .select(Lesson, Lesson.id, Lesson.docent, Lesson.lesson_date, Lesson.groep.name)
        .where(Lesson.status != "geannuleerd")
        .where(Lesson.register_status.not_in(list(SIGNED)))
        .where(Lesson.lesson_date <= cutoff)
        .where(Lesson.lesson_date >= today - timedelta(days=90))
        .where(Lesson.docent.is_not_null())
    )
    return [
        NewMessage(
            recipient=lesson["docent"],
            key=f"register_unsigned:{lesson['id']}:{lesson['docent']}",
            kind="register_unsigned",
            title=f"Presentielijst nog niet ondertekend: {lesson['groep.name']}",
            due_date=lesson["lesson_date"],
            link_kind="register",
            link_id=lesson["id"],
        )
        for lesson in lessons
    ]


async def verzuim_open(scope: Scope, today: date, days: int) -> list[NewMessage]:
    """Verzuim signals without a follow-up `days` days after they were raised."""
    signals = await (
        TenantData(scope)
        .select(
            VerzuimSignal,
            VerzuimSignal.id,
            VerzuimSignal.inburgeraar,
            VerzuimSignal.gemeente,
            VerzuimSignal.task,
            VerzuimSignal.created_at,
        )
        .where(VerzuimSignal.follow_up.is_null())
    )
    signals = [s for s in signals if s["created_at"].date() <= today - timedelta(days=days)]
    people = await recipients.members(scope, {s["gemeente"] for s in signals}, (Role.REGIEVOERDER,))
    return [
        NewMessage(
            recipient=person,
            key=f"verzuim_open:{signal['id']}:{person}",
            kind="verzuim_open",
            title="Verzuimsignaal zonder opvolging",
            dossier=signal["inburgeraar"],
            link_kind="task" if signal["task"] else "case",
            link_id=signal["task"] or signal["inburgeraar"],
        )
        for signal in signals
        for person in people.get(signal["gemeente"], [])
    ]


async def _register_link(scope: Scope, lesson_id: int) -> str | None:
    if scope.role is not Role.TAALAANBIEDER:
        return None
    visible = await TenantData(scope).exists(Lesson).where(Lesson.id == lesson_id)
    return f"/r/{scope.tenant_slug}/lessen/{lesson_id}" if visible else None


def register() -> None:
    """Register the taal reminder kinds and the register link (idempotent)."""
    register_reminder(
        ReminderKind(
            "register_unsigned",
            "Presentielijst niet ondertekend",
            "werkdagen na de les",
            2,
            20,
            register_unsigned,
            order=30,
            # The verzuim signal is raised when the register is signed: its timeliness window
            # is how long a register may stay unsigned, so an agreed window is this number.
            agreed_by=SIGNAL_CODE,
        )
    )
    register_reminder(
        ReminderKind(
            "verzuim_open",
            "Verzuimsignaal zonder opvolging",
            "dagen na het signaal",
            3,
            30,
            verzuim_open,
            order=40,
        )
    )
    links.register_link("register", _register_link)
