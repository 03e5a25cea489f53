"""The case file's reminder kinds (portal/notifications/reminder_kinds.py): the PIP deadline,
tasks due and overdue, ontzorgen ending and the last months of the inburgeringstermijn; and
how a notification links to a case or a task (checked when shown, through the scoped reads).

Each finder reads only what is due today; the message key names the thing, the stage and
its date, so the next run finds the same key and adds nothing, and a thing that is done
(a PIP vastgesteld, a task afgerond, a case closed) is no longer found.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from portal.casefile import pip_rules
from portal.casefile.tables import (
    CASE_CLOSED,
    OPEN_TASK_STATUSES,
    Inburgeraar,
    Pip,
    PipTask,
)
from portal.kpi.workdays import workdays_between
from portal.notifications import links, recipients
from portal.notifications.queue import NewMessage
from portal.notifications.reminder_kinds import ReminderKind, register_reminder
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData

# Roles that work on a task for the organisation it is assigned to.
TASK_ROLES = (Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.BEGELEIDER, Role.COA)
PIP_WARNING_WEEKS = 8


async def _regievoerders(scope: Scope, cases: list[dict]) -> dict[int, list[int]]:
    """Per case: its own regievoerder, or else every regievoerder of its gemeente."""
    by_gemeente = await recipients.members(
        scope, {case["gemeente"] for case in cases}, (Role.REGIEVOERDER,)
    )
    return {
        case["id"]: [case["regievoerder"]]
        if case["regievoerder"]
        else by_gemeente.get(case["gemeente"], [])
        for case in cases
    }


def _open_cases(scope: Scope):
    return (
        TenantData(scope)
        .select(
            Inburgeraar,
            Inburgeraar.id,
            Inburgeraar.gemeente,
            Inburgeraar.regievoerder,
            Inburgeraar.brp_date,
            Inburgeraar.pip_dagtekening,
        )
        .where(Inburgeraar.status != CASE_CLOSED)
    )


async def pip_deadline(scope: Scope, today: date, warning_weeks: int) -> list[NewMessage]:
    """Cases without a vastgesteld PIP: a warning from week `warning_weeks` after the BRP
    registration, and once the 10-week deadline passed, overdue; to the regievoerder."""
    cases = await _open_cases(scope).where(
        Inburgeraar.pip_dagtekening.is_null()
        & Inburgeraar.brp_date.is_not_null()
        & (Inburgeraar.brp_date <= today - timedelta(weeks=warning_weeks))
    )
    people = await _regievoerders(scope, cases)
    messages = []
    for case in cases:
        deadline = pip_rules.pip_deadline(case["brp_date"])
        assert deadline is not None
        overdue = today > deadline
        stage = "te-laat" if overdue else "waarschuwing"
        title = "PIP-deadline verstreken" if overdue else "PIP-deadline nadert"
        for person in people[case["id"]]:
            messages.append(
                NewMessage(
                    recipient=person,
                    key=f"pip_deadline:{case['id']}:{deadline}:{stage}:{person}",
                    kind="pip_deadline",
                    title=title,
                    dossier=case["id"],
                    due_date=deadline,
                    link_kind="case",
                    link_id=case["id"],
                )
            )
    return messages


async def task_due(scope: Scope, today: date, days: int) -> list[NewMessage]:
    """Open tasks due within `days` working days, and overdue ones; to the person named on
    the task, or else the people of the organisation it is assigned to."""
    tasks = await (
        TenantData(scope)
        .select(
            PipTask,
            PipTask.id,
            PipTask.inburgeraar,
            PipTask.title,
            PipTask.due_date,
            PipTask.assigned_organisation,
            PipTask.assigned_person,
        )
        .where(PipTask.status.is_in(list(OPEN_TASK_STATUSES)))
        .where(PipTask.due_date.is_not_null())
        .where(PipTask.due_date <= today + timedelta(days=days * 2 + 14))
    )
    tasks = [
        task
        for task in tasks
        if task["due_date"] < today or workdays_between(today, task["due_date"]) <= days
    ]
    people = await recipients.members(
        scope, {task["assigned_organisation"] for task in tasks}, TASK_ROLES
    )
    messages = []
    for task in tasks:
        overdue = task["due_date"] < today
        stage = "te-laat" if overdue else "binnenkort"
        prefix = "Taak te laat" if overdue else "Taak bijna verlopen"
        to = (
            [task["assigned_person"]]
            if task["assigned_person"]
            else people.get(task["assigned_organisation"], [])
        )
        for person in to:
            messages.append(
                NewMessage(
                    recipient=person,
                    key=f"task_due:{task['id']}:{task['due_date']}:{stage}:{person}",
                    kind="task_due",
                    title=f"{prefix}: {task['title']}",
                    dossier=task["inburgeraar"],
                    due_date=task["due_date"],
                    link_kind="task",
                    link_id=task["id"],
                )
            )
    return messages


def _months_later(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has no such day)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def ontzorgen_ending(scope: Scope, today: date, days: int) -> list[NewMessage]:
    """Ontzorgen (months from the current PIP's dagtekening) ending within `days` days;
    to the regievoerder."""
    pips = await (
        TenantData(scope)
        .select(Pip, Pip.inburgeraar, Pip.dagtekening, Pip.ontzorgen_months)
        .where(Pip.status == "vastgesteld")
        .where(Pip.ontzorgen_months > 0)
        .where(Pip.dagtekening.is_not_null())
    )
    ending = {}
    for pip in pips:
        end = _months_later(pip["dagtekening"], pip["ontzorgen_months"])
        if today <= end <= today + timedelta(days=days):
            ending[pip["inburgeraar"]] = end
    if not ending:
        return []
    cases = await _open_cases(scope).where(Inburgeraar.id.is_in(sorted(ending)))
    people = await _regievoerders(scope, cases)
    return [
        NewMessage(
            recipient=person,
            key=f"ontzorgen_ending:{case['id']}:{ending[case['id']]}:{person}",
            kind="ontzorgen_ending",
            title="Ontzorgen loopt af",
            dossier=case["id"],
            due_date=ending[case["id"]],
            link_kind="case",
            link_id=case["id"],
        )
        for case in cases
        for person in people[case["id"]]
    ]


async def termijn_ending(scope: Scope, today: date, months: int) -> list[NewMessage]:
    """The last `months` months of the inburgeringstermijn, the window to ask DUO for
    verlenging; once per case and termijn, to the regievoerder."""
    cases = await _open_cases(scope).where(Inburgeraar.pip_dagtekening.is_not_null())
    due = []
    for case in cases:
        _, end = pip_rules.termijn(case["pip_dagtekening"])
        if _months_later(today, months) >= end >= today:
            due.append((case, end))
    people = await _regievoerders(scope, [case for case, _ in due])
    return [
        NewMessage(
            recipient=person,
            key=f"termijn_ending:{case['id']}:{end}:{person}",
            kind="termijn_ending",
            title="Inburgeringstermijn loopt af: verlenging bij DUO aanvragen?",
            dossier=case["id"],
            due_date=end,
            link_kind="case",
            link_id=case["id"],
        )
        for case, end in due
        for person in people[case["id"]]
    ]


async def _case_link(scope: Scope, case_id: int) -> str | None:
    if scope.role is not Role.REGIEVOERDER:
        return None
    visible = await TenantData(scope).exists(Inburgeraar).where(Inburgeraar.id == case_id)
    return f"/r/{scope.tenant_slug}/inburgeraars/{case_id}" if visible else None


async def _task_link(scope: Scope, task_id: int) -> str | None:
    visible = await TenantData(scope).exists(PipTask).where(PipTask.id == task_id)
    return f"/r/{scope.tenant_slug}/taken/{task_id}" if visible else None


def register() -> None:
    """Register the case file's reminder kinds and links (idempotent)."""
    register_reminder(
        ReminderKind(
            "pip_deadline",
            "PIP-deadline (10 weken na de BRP-inschrijving): eerste waarschuwing",
            "weken na de BRP-inschrijving",
            PIP_WARNING_WEEKS,
            9,
            pip_deadline,
            order=10,
            minimum=1,
        )
    )
    register_reminder(
        ReminderKind(
            "task_due", "Taak bijna verlopen", "werkdagen vooraf", 3, 20, task_due, order=20
        )
    )
    register_reminder(
        ReminderKind(
            "ontzorgen_ending", "Ontzorgen loopt af", "dagen vooraf", 30, 90, ontzorgen_ending, 60
        )
    )
    register_reminder(
        ReminderKind(
            "termijn_ending",
            "Inburgeringstermijn loopt af",
            "maanden vooraf",
            6,
            12,
            termijn_ending,
            order=70,
        )
    )
    links.register_link("case", _case_link)
    links.register_link("task", _task_link)
