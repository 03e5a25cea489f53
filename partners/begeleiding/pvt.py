"""The participatieverklaringstraject (PVT), worked by the begeleider its PIP task is named to
(at VluchtelingenWerk or another partner the gemeente chose): workshops planned and attended,
then the verklaring signed. Recording the signing completes the PVT task of the PIP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from partners.begeleiding.assignment import PVT, require_begeleider
from partners.begeleiding.begeleidingen import own_task, start_task
from partners.begeleiding.checklist import ATTENDANCE_LABELS
from partners.begeleiding.tables import Pvt, PvtWorkshop
from portal.casefile import inburgeraars, pip_tasks
from portal.casefile.inburgeraars import parse_date, subject
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

DONE_MESSAGE = "De participatieverklaring is al ondertekend; het traject is afgerond."


@dataclass(frozen=True)
class WorkshopInput:
    title: str
    planned_on: str


async def _pvt(data: TenantData, task_id: int) -> dict[str, Any] | None:
    return await (
        data.select(Pvt, Pvt.id, Pvt.verklaring_on, Pvt.completed_at)
        .where(Pvt.task == task_id)
        .first()
    )


async def _open_pvt(data: TenantData, task: dict[str, Any]) -> int:
    """The PVT's id, created at its first change; refuses a completed one."""
    row = await _pvt(data, task["id"])
    if task["status"] in pip_tasks.CLOSED or (row and row["completed_at"] is not None):
        raise ValidationFailed({"pvt": DONE_MESSAGE})
    if row is None:
        await start_task(data.scope, task)
        return await data.insert(Pvt, task=task["id"], inburgeraar=task["inburgeraar"])
    return row["id"]


async def workshops_of(data: TenantData, pvt_id: int | None) -> list[dict[str, Any]]:
    """The workshops of a PVT by date (none before its first change)."""
    if pvt_id is None:
        return []
    rows = await (
        data.select(
            PvtWorkshop,
            PvtWorkshop.id,
            PvtWorkshop.title,
            PvtWorkshop.planned_on,
            PvtWorkshop.attendance,
        )
        .where(PvtWorkshop.pvt == pvt_id)
        .order_by(PvtWorkshop.planned_on)
        .order_by(PvtWorkshop.id)
    )
    for row in rows:
        row["attendance_label"] = ATTENDANCE_LABELS[row["attendance"]]
    return rows


async def load(scope: Scope, task_id: int) -> dict[str, Any]:
    """The begeleider's PVT page; one audited read of the case."""
    require_begeleider(scope)
    data = TenantData(scope)
    task = await own_task(data, task_id, PVT)
    person = await inburgeraars.person_view(data, task["inburgeraar"])
    row = await _pvt(data, task_id)
    async with write_transaction():
        await audit.record(
            scope, audit.AuditEvent("read", "pvt", task_id, subject_ref=subject(person["id"]))
        )
    return {
        "task": task,
        "person": person,
        "pvt": row,
        "done": bool(row and row["completed_at"]) or task["status"] in pip_tasks.CLOSED,
        "workshops": await workshops_of(data, row["id"] if row else None),
    }


async def add_workshop(scope: Scope, task_id: int, entry: WorkshopInput) -> None:
    """Plan a workshop on a date (past dates are fine: it may be entered afterwards)."""
    require_begeleider(scope)
    data = TenantData(scope)
    check = Checker()
    title = clean_text(entry.title, 200)
    check.require("title", title, "het onderwerp van de workshop")
    planned_on = parse_date(entry.planned_on)
    if planned_on is None:
        check.fail("planned_on", "Vul de datum van de workshop in als dd-mm-jjjj.")
    check.done()
    async with write_transaction():
        task = await own_task(data, task_id, PVT)
        pvt_id = await _open_pvt(data, task)
        await data.insert(PvtWorkshop, pvt=pvt_id, title=title, planned_on=planned_on)
        await audit.record(
            scope,
            audit.AuditEvent("update", "pvt", task_id, subject_ref=subject(task["inburgeraar"])),
        )


async def set_attendance(
    scope: Scope, task_id: int, workshop_raw: str, attendance: str, today: date
) -> None:
    """Mark a workshop of this PVT as attended or missed (or planned again)."""
    require_begeleider(scope)
    data = TenantData(scope)
    if attendance not in ATTENDANCE_LABELS:
        raise ValidationFailed({"attendance": "Kies of de workshop gevolgd is."})
    async with write_transaction():
        task = await own_task(data, task_id, PVT)
        pvt_id = await _open_pvt(data, task)
        workshop_id = int(workshop_raw) if workshop_raw.isdigit() else 0
        workshop = await (
            data.select(PvtWorkshop, PvtWorkshop.id, PvtWorkshop.planned_on)
            .where(PvtWorkshop.id == workshop_id)
            .where(PvtWorkshop.pvt == pvt_id)
            .first()
        )
        if workshop is None:
            raise NotFound(f"workshop {workshop_raw!r}")
        if attendance != "gepland" and workshop["planned_on"] > today:
            raise ValidationFailed(
                {"attendance": "Deze workshop is nog niet geweest: dat kan pas na de datum."}
            )
        await data.update(
            PvtWorkshop, workshop_id, attendance=attendance, updated_at=datetime.now(UTC)
        )
        await audit.record(
            scope,
            audit.AuditEvent("update", "pvt", task_id, subject_ref=subject(task["inburgeraar"])),
        )


def planned_warning(planned: list[dict[str, Any]]) -> str:
    """What a begeleider must know before signing while workshops are still planned."""
    which = ", ".join(f"{w['title']} ({w['planned_on']:%d-%m-%Y})" for w in planned)
    first = (
        "Er staat nog een workshop gepland"
        if len(planned) == 1
        else (f"Er staan nog {len(planned)} workshops gepland")
    )
    return (
        f"{first}: {which}. Na het vastleggen kunt u de aanwezigheid niet meer registreren. "
        "Vul eerst de aanwezigheid in, of vink aan dat u de ondertekening toch vastlegt."
    )


async def complete(
    scope: Scope, task_id: int, signed_on_raw: str, today: date, *, planned_confirmed: bool = False
) -> None:
    """Record the date the participatieverklaring was signed; this completes the PVT task of
    the PIP (its thread and the case's timeline say so). While a workshop is still planned,
    the begeleider must say explicitly that the verklaring is signed anyway
    (`planned_confirmed`): afterwards nothing of the PVT can change."""
    require_begeleider(scope)
    data = TenantData(scope)
    check = Checker()
    signed_on = parse_date(signed_on_raw)
    if signed_on is None:
        check.fail("verklaring_on", "Vul de datum van ondertekening in als dd-mm-jjjj.")
    elif signed_on > today:
        # DUO refuses a PVT date in the future (DOMAIN.md §8).
        check.fail("verklaring_on", "De datum van ondertekening kan niet in de toekomst liggen.")
    async with write_transaction():
        task = await own_task(data, task_id, PVT)
        pvt_id = await _open_pvt(data, task)
        workshops = await workshops_of(data, pvt_id)
        attended = [w for w in workshops if w["attendance"] == "aanwezig"]
        planned = [w for w in workshops if w["attendance"] == "gepland"]
        if not attended:
            check.fail(
                "verklaring_on",
                "Registreer eerst de gevolgde workshops: de verklaring volgt op de workshops.",
            )
        elif planned and not planned_confirmed:
            check.fail("planned_confirmed", planned_warning(planned))
        check.done()
        await data.update(
            Pvt,
            pvt_id,
            verklaring_on=signed_on,
            completed_at=datetime.now(UTC),
            completed_by=scope.person_id,
        )
        await pip_tasks.report_progress(
            scope,
            task_id,
            pip_tasks.ProgressInput(
                text=(
                    f"Participatieverklaring ondertekend op {signed_on:%d-%m-%Y}; "
                    f"{len(attended)} van {len(workshops)} workshops gevolgd"
                    + (f", {len(planned)} nog gepland." if planned else ".")
                ),
                status=pip_tasks.TaskStatus.AFGEROND.value,
                progress="",
            ),
            own_flow=True,
        )
        # report_progress wrote this change's one audit entry (an update of the task).
