"""What the case page shows about begeleiding and PVT: for the regievoerder the progress of
the checklist, how many contact moments and the last, the closing report and the PVT's state;
for the begeleider the same about their own work on the case, with a link to it.

Contact notes stay with the begeleider: the gemeente sees that contact happened, not what was
said (need-to-know works both ways).
"""

from __future__ import annotations

from typing import Any

from partners.begeleiding.assignment import BEGELEIDING, KIND_LABELS, KINDS, PVT
from partners.begeleiding.begeleidingen import checklist_rows, checklist_states, finished_count
from partners.begeleiding.checklist import CONTACT_KINDS
from partners.begeleiding.pvt import workshops_of
from partners.begeleiding.tables import Begeleiding, ContactMoment, Pvt
from portal.casefile import pip_tasks
from portal.casefile.inburgeraars import subject
from portal.casefile.tables import Inburgeraar, PipTask
from portal.core import audit
from portal.core.database import write_transaction
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData


async def case_summary(scope: Scope, inburgeraar_id: int) -> list[dict[str, Any]]:
    """The begeleiding and PVT tasks of one case that the scope sees, each with its progress;
    an audited read of the case."""
    if scope.role not in (Role.REGIEVOERDER, Role.BEGELEIDER):
        raise NotFound("begeleiding")
    data = TenantData(scope)
    # The case itself first: a case the actor may not see is a 404 like any other.
    await data.get(Inburgeraar, inburgeraar_id, Inburgeraar.id)
    query = (
        data.select(
            PipTask,
            PipTask.id,
            PipTask.kind,
            PipTask.title,
            PipTask.status,
            PipTask.due_date,
            PipTask.assigned_person,
            PipTask.assigned_person.full_name.as_alias("person_name"),
            PipTask.assigned_organisation.name.as_alias("organisation_name"),
        )
        .where(PipTask.inburgeraar == inburgeraar_id)
        .where(PipTask.kind.is_in(list(KINDS)))
        # "begeleiding" before "pvt": the order of the page's sections.
        .order_by(PipTask.kind)
        .order_by(PipTask.id)
    )
    if scope.role is Role.BEGELEIDER:
        query = query.where(PipTask.assigned_person == scope.person_id)
    tasks = await query
    for task in tasks:
        task["kind_label"] = KIND_LABELS[task["kind"]]
        task["status_label"] = pip_tasks.STATUS_LABELS[task["status"]]
        if task["kind"] == BEGELEIDING:
            task.update(await _begeleiding_progress(data, task["id"]))
        elif task["kind"] == PVT:
            task.update(await _pvt_progress(data, task["id"]))
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "read", "begeleiding", inburgeraar_id, subject_ref=subject(inburgeraar_id)
            ),
        )
    return tasks


async def _begeleiding_progress(data: TenantData, task_id: int) -> dict[str, Any]:
    track = await (
        data.select(Begeleiding, Begeleiding.id, Begeleiding.report, Begeleiding.closed_at)
        .where(Begeleiding.task == task_id)
        .first()
    )
    items = checklist_states(await checklist_rows(data, track["id"] if track else None))
    last = None
    count = 0
    if track:
        count = await data.count(ContactMoment).where(ContactMoment.begeleiding == track["id"])
        last = await (
            data.select(ContactMoment, ContactMoment.held_on, ContactMoment.kind)
            .where(ContactMoment.begeleiding == track["id"])
            .order_by(ContactMoment.held_on, ascending=False)
            .order_by(ContactMoment.id, ascending=False)
            .first()
        )
        if last:
            last["kind_label"] = CONTACT_KINDS[last["kind"]]
    return {
        # Not "items": in a template that would be the dict's own method.
        "checklist": items,
        "finished": finished_count(items),
        "contact_count": count,
        "last_contact": last,
        "report": track["report"] if track else "",
        "closed_at": track["closed_at"] if track else None,
    }


async def _pvt_progress(data: TenantData, task_id: int) -> dict[str, Any]:
    row = await (
        data.select(Pvt, Pvt.id, Pvt.verklaring_on, Pvt.completed_at)
        .where(Pvt.task == task_id)
        .first()
    )
    workshops = await workshops_of(data, row["id"] if row else None)
    return {
        "workshops": workshops,
        "attended": sum(1 for w in workshops if w["attendance"] == "aanwezig"),
        "verklaring_on": row["verklaring_on"] if row else None,
    }
