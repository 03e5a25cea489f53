"""Who at the partner does the work: the begeleider's own list ("Mijn begeleidingen"), the
organisation's begeleiding and PVT tasks nobody is named to yet, and naming a begeleider.

The gemeente assigns the task to the organisation in the PIP; at the organisation a
begeleider takes an unnamed task on, or names a colleague. Once named, only that begeleider
sees the inburgeraar (portal/casefile/tables.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from partners.begeleiding.checklist import FINISHED, ITEMS
from partners.begeleiding.tables import Begeleiding, ChecklistItem, Pvt
from portal.casefile import pip_tasks
from portal.casefile.tables import PipTask
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker
from tenants.colleagues import colleagues_in_role
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

BEGELEIDING = "begeleiding"
PVT = "pvt"
KINDS = (BEGELEIDING, PVT)
KIND_LABELS = {BEGELEIDING: "Maatschappelijke begeleiding", PVT: "Participatieverklaring (PVT)"}

_COLUMNS = (
    PipTask.id,
    PipTask.kind,
    PipTask.status,
    PipTask.due_date,
    PipTask.assigned_person,
    PipTask.inburgeraar.id.as_alias("inburgeraar_id"),
    PipTask.inburgeraar.given_names.as_alias("given_names"),
    PipTask.inburgeraar.family_name.as_alias("family_name"),
    PipTask.inburgeraar.gemeente.name.as_alias("gemeente_name"),
)


@dataclass(frozen=True)
class Overview:
    mine: list[dict[str, Any]]
    unnamed: list[dict[str, Any]]
    colleagues: list[tuple[str, str]]


def require_begeleider(scope: Scope) -> None:
    """Only a begeleider works on begeleiding and PVT; anyone else gets "not found"."""
    if scope.role is not Role.BEGELEIDER:
        raise NotFound("begeleiding")


async def colleagues(scope: Scope) -> list[tuple[str, str]]:
    """The active begeleiders of the actor's organisation, the actor included."""
    require_begeleider(scope)
    return await colleagues_in_role(scope, Role.BEGELEIDER)


async def overview(scope: Scope) -> Overview:
    """The begeleider's own begeleidingen and PVT's with their progress, and the
    organisation's open ones that nobody is named to yet."""
    require_begeleider(scope)
    data = TenantData(scope)
    rows = await (
        data.select(PipTask, *_COLUMNS)
        .where(PipTask.kind.is_in(list(KINDS)))
        .where(PipTask.status != pip_tasks.TaskStatus.VERVALLEN.value)
        .order_by(PipTask.inburgeraar.family_name)
        .order_by(PipTask.id)
    )
    mine = [row for row in rows if row["assigned_person"] == scope.person_id]
    unnamed = [
        row
        for row in rows
        if row["assigned_person"] is None and row["status"] not in pip_tasks.CLOSED
    ]
    await _add_progress(data, mine)
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("list", "begeleiding"))
    return Overview(mine=mine, unnamed=unnamed, colleagues=await colleagues(scope))


async def start_counts(scope: Scope) -> dict[str, int]:
    """The begeleider's running work and the organisation's work nobody is named to yet, for
    the start page (counts only, not audited)."""
    require_begeleider(scope)
    data = TenantData(scope)

    def running() -> Any:
        return (
            data.count(PipTask)
            .where(PipTask.kind.is_in(list(KINDS)))
            .where(PipTask.status.not_in(list(pip_tasks.CLOSED)))
        )

    return {
        "mine": await running().where(PipTask.assigned_person == scope.person_id),
        "unnamed": await running().where(PipTask.assigned_person.is_null()),
    }


async def _add_progress(data: TenantData, rows: list[dict[str, Any]]) -> None:
    """Checklist items finished (begeleiding) or verklaring date (PVT), per row."""
    task_ids = [row["id"] for row in rows]
    if not task_ids:
        return
    tracks = await data.select(
        Begeleiding, Begeleiding.id, Begeleiding.task, Begeleiding.closed_at
    ).where(Begeleiding.task.is_in(task_ids))
    finished: dict[int, int] = {}
    if tracks:
        items = await data.select(
            ChecklistItem, ChecklistItem.begeleiding, ChecklistItem.status
        ).where(ChecklistItem.begeleiding.is_in([t["id"] for t in tracks]))
        for item in items:
            if item["status"] in FINISHED:
                finished[item["begeleiding"]] = finished.get(item["begeleiding"], 0) + 1
    by_task = {t["task"]: t for t in tracks}
    pvts = {
        p["task"]: p
        for p in await data.select(Pvt, Pvt.task, Pvt.verklaring_on).where(Pvt.task.is_in(task_ids))
    }
    for row in rows:
        track = by_task.get(row["id"])
        row["finished"] = finished.get(track["id"], 0) if track else 0
        row["items_total"] = len(ITEMS)
        row["verklaring_on"] = pvts[row["id"]]["verklaring_on"] if row["id"] in pvts else None


async def name_begeleider(scope: Scope, task_id: int, person_raw: str) -> str:
    """Name a begeleider of the actor's organisation (the actor or a colleague) to an open
    begeleiding or PVT task that nobody, or the actor, is named to. Returns their name."""
    require_begeleider(scope)
    data = TenantData(scope)
    check = Checker()
    async with write_transaction():
        # The task first: one the actor may not see is a 404, not a form message.
        task = await data.get_writable(
            PipTask,
            task_id,
            PipTask.kind,
            PipTask.title,
            PipTask.status,
            PipTask.inburgeraar,
            PipTask.assigned_person,
        )
        if task["kind"] not in KINDS:
            raise NotFound(f"begeleiding task {task_id}")
        options = dict(await colleagues(scope))
        if person_raw not in options:
            check.fail("person", "Kies een begeleider van uw organisatie.")
        if task["status"] in pip_tasks.CLOSED:
            check.fail("person", "Deze taak is al afgerond of vervallen.")
        check.done()
        person_id = int(person_raw)
        name = options[person_raw]
        if task["assigned_person"] == person_id:
            return name
        # The thread says who does the work. Written before the change, while the task is
        # still the actor's to write (a colleague's task is not); the status moves to "in
        # behandeling" when the named begeleider starts (see begeleidingen.py, pvt.py).
        await pip_tasks.report_progress(
            scope,
            task_id,
            pip_tasks.ProgressInput(text=f"Begeleider: {name}.", status="", progress=""),
        )
        await data.update(PipTask, task_id, assigned_person=person_id)
        # report_progress wrote this change's one audit entry (an update of the task).
    return name
