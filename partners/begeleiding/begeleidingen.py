"""One maatschappelijke begeleiding, worked by the begeleider it is named to: the person's
minimum data, the settling-in checklist, contact moments, and the closing report that ends
the begeleiding and completes the PIP task (through the case file's task thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from partners.begeleiding.assignment import BEGELEIDING, require_begeleider
from partners.begeleiding.checklist import CONTACT_KINDS, FINISHED, ITEM_KEYS, ITEMS, STATUS_LABELS
from partners.begeleiding.tables import Begeleiding, ChecklistItem, ContactMoment
from portal.casefile import inburgeraars, pip_tasks
from portal.casefile.inburgeraars import parse_date, subject
from portal.casefile.tables import PipTask
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

CLOSED_MESSAGE = "Deze begeleiding is afgesloten en kan niet meer worden gewijzigd."


@dataclass(frozen=True)
class ItemInput:
    item: str
    status: str
    done_on: str
    notes: str


@dataclass(frozen=True)
class ContactInput:
    held_on: str
    kind: str
    note: str


async def own_task(data: TenantData, task_id: int, kind: str) -> dict[str, Any]:
    """A task of `kind` named to the actor, or NotFound: an unnamed task of the organisation
    is visible for taking it on, but its work is not."""
    task = await data.get(
        PipTask,
        task_id,
        PipTask.id,
        PipTask.kind,
        PipTask.title,
        PipTask.status,
        PipTask.due_date,
        PipTask.inburgeraar,
        PipTask.assigned_person,
    )
    if task["kind"] != kind or task["assigned_person"] != data.scope.person_id:
        raise NotFound(f"{kind} task {task_id}")
    return task


async def _track(data: TenantData, task: dict[str, Any]) -> dict[str, Any] | None:
    return await (
        data.select(
            Begeleiding,
            Begeleiding.id,
            Begeleiding.report,
            Begeleiding.closed_at,
            Begeleiding.closed_by.full_name.as_alias("closed_by_name"),
        )
        .where(Begeleiding.task == task["id"])
        .first()
    )


async def _open_track(data: TenantData, task: dict[str, Any]) -> int:
    """The begeleiding's id, created at its first change; refuses a closed one."""
    track = await _track(data, task)
    if task["status"] in pip_tasks.CLOSED or (track and track["closed_at"] is not None):
        raise ValidationFailed({"begeleiding": CLOSED_MESSAGE})
    if track is None:
        await start_task(data.scope, task)
        return await data.insert(Begeleiding, task=task["id"], inburgeraar=task["inburgeraar"])
    return track["id"]


async def start_task(scope: Scope, task: dict[str, Any]) -> None:
    """The first work on an open task puts it "in behandeling" (thread and timeline)."""
    if task["status"] == pip_tasks.TaskStatus.OPEN.value:
        await pip_tasks.report_progress(
            scope,
            task["id"],
            pip_tasks.ProgressInput(
                text="Gestart.", status=pip_tasks.TaskStatus.IN_BEHANDELING.value, progress=""
            ),
        )


def checklist_states(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every checklist item in order, with its saved state or "open"."""
    saved = {row["item"]: row for row in rows}
    result = []
    for item in ITEMS:
        row = saved.get(item.key, {})
        result.append(
            {
                "key": item.key,
                "label": item.label,
                "hint": item.hint,
                "status": row.get("status", "open"),
                "status_label": STATUS_LABELS[row.get("status", "open")],
                "done_on": row.get("done_on"),
                "notes": row.get("notes", ""),
                "updated_at": row.get("updated_at"),
            }
        )
    return result


async def checklist_rows(data: TenantData, begeleiding_id: int | None) -> list[dict[str, Any]]:
    """The saved checklist rows of a begeleiding (none before its first change)."""
    if begeleiding_id is None:
        return []
    return await data.select(
        ChecklistItem,
        ChecklistItem.item,
        ChecklistItem.status,
        ChecklistItem.done_on,
        ChecklistItem.notes,
        ChecklistItem.updated_at,
    ).where(ChecklistItem.begeleiding == begeleiding_id)


def finished_count(items: list[dict[str, Any]]) -> int:
    return sum(1 for item in items if item["status"] in FINISHED)


async def checklist_progress(scope: Scope, task_id: int) -> tuple[int, int]:
    """(items finished, items in all) of a begeleiding, for the counter above the list."""
    require_begeleider(scope)
    data = TenantData(scope)
    task = await own_task(data, task_id, BEGELEIDING)
    track = await _track(data, task)
    items = checklist_states(await checklist_rows(data, track["id"] if track else None))
    return finished_count(items), len(items)


async def load(scope: Scope, task_id: int) -> dict[str, Any]:
    """Everything the begeleider's page shows; one audited read of the case."""
    require_begeleider(scope)
    data = TenantData(scope)
    task = await own_task(data, task_id, BEGELEIDING)
    person = await inburgeraars.person_view(data, task["inburgeraar"])
    track = await _track(data, task)
    items = checklist_states(await checklist_rows(data, track["id"] if track else None))
    contacts = []
    if track:
        contacts = await (
            data.select(
                ContactMoment,
                ContactMoment.held_on,
                ContactMoment.kind,
                ContactMoment.note,
                ContactMoment.author.full_name.as_alias("author_name"),
            )
            .where(ContactMoment.begeleiding == track["id"])
            .order_by(ContactMoment.held_on, ascending=False)
            .order_by(ContactMoment.id, ascending=False)
        )
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent("read", "begeleiding", task_id, subject_ref=subject(person["id"])),
        )
    return {
        "task": task,
        "person": person,
        "track": track,
        "closed": bool(track and track["closed_at"]) or task["status"] in pip_tasks.CLOSED,
        "items": items,
        "finished": finished_count(items),
        "contacts": contacts,
    }


def _checked_item(entry: ItemInput, today: date) -> dict[str, Any]:
    check = Checker()
    if entry.item not in ITEM_KEYS:
        raise NotFound(f"checklist item {entry.item!r}")
    prefix = f"{entry.item}-"
    if entry.status not in STATUS_LABELS:
        check.fail(prefix + "status", "Kies een status.")
    done_on = parse_date(entry.done_on)
    if entry.done_on.strip() and done_on is None:
        check.fail(prefix + "done_on", "Vul de datum in als dd-mm-jjjj.")
    elif done_on and entry.status == "geregeld" and done_on > today:
        check.fail(prefix + "done_on", "Wat geregeld is, kan geen datum in de toekomst hebben.")
    check.done()
    return {"status": entry.status, "done_on": done_on, "notes": clean_text(entry.notes, 1000)}


async def save_item(scope: Scope, task_id: int, entry: ItemInput, today: date) -> dict[str, Any]:
    """Save the state of one checklist item; returns the item as the page shows it."""
    require_begeleider(scope)
    data = TenantData(scope)
    values = _checked_item(entry, today)
    async with write_transaction():
        task = await own_task(data, task_id, BEGELEIDING)
        begeleiding_id = await _open_track(data, task)
        existing = await (
            data.select(ChecklistItem, ChecklistItem.id)
            .where(ChecklistItem.begeleiding == begeleiding_id)
            .where(ChecklistItem.item == entry.item)
            .first()
        )
        stamp = {"updated_by": scope.person_id, "updated_at": datetime.now(UTC)}
        if existing:
            await data.update(ChecklistItem, existing["id"], **values, **stamp)
        else:
            await data.insert(
                ChecklistItem, begeleiding=begeleiding_id, item=entry.item, **values, **stamp
            )
        await audit.record(
            scope,
            audit.AuditEvent(
                "update", "begeleiding", task_id, subject_ref=subject(task["inburgeraar"])
            ),
        )
        rows = await checklist_rows(data, begeleiding_id)
    return next(item for item in checklist_states(rows) if item["key"] == entry.item)


async def add_contact(scope: Scope, task_id: int, entry: ContactInput, today: date) -> None:
    """Record a contact moment (on a date up to today) with an optional note."""
    require_begeleider(scope)
    data = TenantData(scope)
    check = Checker()
    held_on = parse_date(entry.held_on)
    if held_on is None:
        check.fail("held_on", "Vul de datum van het contact in als dd-mm-jjjj.")
    elif held_on > today:
        check.fail("held_on", "Een contactmoment kan niet in de toekomst liggen.")
    if entry.kind not in CONTACT_KINDS:
        check.fail("kind", "Kies het soort contact.")
    check.done()
    async with write_transaction():
        task = await own_task(data, task_id, BEGELEIDING)
        begeleiding_id = await _open_track(data, task)
        await data.insert(
            ContactMoment,
            begeleiding=begeleiding_id,
            held_on=held_on,
            kind=entry.kind,
            note=clean_text(entry.note, 2000),
            author=scope.person_id,
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "create", "begeleiding_contact", task_id, subject_ref=subject(task["inburgeraar"])
            ),
        )


def closing_report(report: str) -> str:
    """The closing report as it will be sent, or a Dutch refusal: checked before the
    begeleider is asked to confirm, and again when the begeleiding closes."""
    # The thread keeps 4,000 characters; the heading takes some of them.
    text = report.strip()[:3800]
    if len(text) < 20:
        raise ValidationFailed(
            {"report": "Schrijf een eindverslag voor de regievoerder (minstens een paar zinnen)."}
        )
    return text


async def close(scope: Scope, task_id: int, report: str) -> None:
    """End the begeleiding with a closing report to the regievoerder: the report goes into
    the task's thread and the task is completed, so the case's timeline shows it too."""
    require_begeleider(scope)
    data = TenantData(scope)
    text = closing_report(report)
    async with write_transaction():
        task = await own_task(data, task_id, BEGELEIDING)
        begeleiding_id = await _open_track(data, task)
        items = checklist_states(await checklist_rows(data, begeleiding_id))
        await data.update(
            Begeleiding,
            begeleiding_id,
            report=text,
            closed_at=datetime.now(UTC),
            closed_by=scope.person_id,
        )
        await pip_tasks.report_progress(
            scope,
            task_id,
            pip_tasks.ProgressInput(
                text=(
                    f"Eindverslag maatschappelijke begeleiding "
                    f"({finished_count(items)} van {len(items)} punten geregeld):\n{text}"
                ),
                status=pip_tasks.TaskStatus.AFGEROND.value,
                progress="",
            ),
            own_flow=True,
        )
        # report_progress wrote this change's one audit entry (an update of the task).
