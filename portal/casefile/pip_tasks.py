"""The tasks that flow from a PIP: creating and updating them, "Mijn taken", and the progress
thread. A partner works only on tasks assigned to its organisation and changes only their
status and progress; the gemeente adds, reassigns and cancels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from piccolo.query.functions.aggregate import Count

from portal.casefile import task_settings, timeline
from portal.casefile.inburgeraars import parse_date, subject
from portal.casefile.tables import Inburgeraar, PipTask, TaskUpdate
from portal.casefile.task_templates import Party, plan
from portal.core import audit, clock
from portal.core.database import write_transaction
from portal.core.pagination import Page, PageRequest
from portal.core.validation import Checker, clean_text
from tenants import accounts, organisations
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tenants.tables import Organisation


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_BEHANDELING = "in_behandeling"
    AFGEROND = "afgerond"
    GEBLOKKEERD = "geblokkeerd"
    VERVALLEN = "vervallen"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.value]


STATUS_LABELS = {
    "open": "Open",
    "in_behandeling": "In behandeling",
    "afgerond": "Afgerond",
    "geblokkeerd": "Geblokkeerd",
    "vervallen": "Vervallen",
}
CLOSED = (TaskStatus.AFGEROND.value, TaskStatus.VERVALLEN.value)
# "Binnenkort" on the inbox: what needs doing this month, not the reports a year away.
SOON_DAYS = 30
# What a partner may set; cancelling (vervallen) is the gemeente's decision.
PARTNER_STATUSES = ("open", "in_behandeling", "afgerond", "geblokkeerd")

# Task kinds (by prefix) that a partner package closes itself, with what makes them done: a
# closing report, a signed verklaring, a filed rapportage, a recorded follow-up. Nothing but
# that flow may mark them afgerond (not the generic task page, not a job), or the work would
# count as done without it. Registered by each partner package's `registry.register()`, which
# the app, the worker and the CLI all call.
_CLOSING_FLOWS: dict[str, str] = {}


def register_closing_flow(kind_prefix: str, how: str) -> None:
    """Declare that tasks whose kind starts with `kind_prefix` are closed by their own flow;
    `how` tells the user, in Dutch, where to finish them instead."""
    _CLOSING_FLOWS[kind_prefix] = how


def closing_flow_kinds() -> frozenset[str]:
    """The task-kind prefixes registered in this process as closed by their own flow."""
    return frozenset(_CLOSING_FLOWS)


async def access_ends(data: TenantData) -> date:
    """The first day on which a partner no longer reads a task whose work ends today: today
    plus the regio's "inzage na einde werk" (0 days: it closes at once)."""
    days = await accounts.regio_partner_access_days(data.scope.tenant_id or 0)
    return clock.today() + timedelta(days=days)


def _closing_flow(kind: str) -> str | None:
    return next((how for prefix, how in _CLOSING_FLOWS.items() if kind.startswith(prefix)), None)


TASK_COLUMNS = (
    PipTask.id,
    PipTask.kind,
    PipTask.title,
    PipTask.due_date,
    PipTask.status,
    PipTask.progress,
    PipTask.blocked_reason,
    PipTask.updated_at,
    PipTask.assigned_organisation.id.as_alias("organisation_id"),
    PipTask.assigned_organisation.name.as_alias("organisation_name"),
    PipTask.inburgeraar.id.as_alias("inburgeraar_id"),
    PipTask.inburgeraar.given_names.as_alias("given_names"),
    PipTask.inburgeraar.family_name.as_alias("family_name"),
    PipTask.inburgeraar.leerroute.as_alias("leerroute"),
)


# Whose tasks a regievoerder's "Mijn taken" shows: their gemeente's own work (the default),
# the partners' work on the gemeente's cases, or both.
OWNER_LABELS = {
    "eigen": "Mijn gemeente",
    "partners": "Partners",
    "alle": "Allebei",
}


@dataclass(frozen=True)
class TaskFilter:
    status: str = "actief"
    overdue_only: bool = False
    due_within_days: int | None = None
    search: str = ""
    owner: str = "eigen"


def _of_owner(query: Any, scope: Scope, owner: str) -> Any:
    """A regievoerder's tasks narrowed to their own gemeente's or the partners' work; other
    roles see only their organisation's tasks anyway."""
    if scope.role is not Role.REGIEVOERDER or owner == "alle":
        return query
    if owner == "partners":
        return query.where(PipTask.assigned_organisation != scope.organisation_id)
    return query.where(PipTask.assigned_organisation == scope.organisation_id)


@dataclass(frozen=True)
class ProgressInput:
    text: str
    status: str
    progress: str
    blocked_reason: str = ""


def _organisation_for(party: Party, gemeente_id: int, pip: dict[str, Any]) -> int | None:
    return {
        Party.GEMEENTE: gemeente_id,
        Party.TAALAANBIEDER: pip["taalaanbieder"],
        Party.BEGELEIDING: pip["begeleider_organisation"],
        Party.PARTICIPATIE: pip["participatie_organisation"],
    }[party]


async def sync_with_pip(
    data: TenantData, inburgeraar_id: int, gemeente_id: int, pip: dict[str, Any]
) -> None:
    """Make the open tasks match a newly vastgesteld PIP: add what is new, reassign what moved,
    let lapse what no longer applies. Progress threads are never touched."""
    planned = plan(
        leerroute=pip["leerroute"],
        knm=pip["knm"],
        map_module=pip["map"],
        pvt=pip["pvt"],
        ontzorgen_months=pip["ontzorgen_months"],
        begeleiding=pip["begeleiding"],
        dagtekening=pip["dagtekening"],
        overrides=await task_settings.overrides_for(data),
    )
    existing = await (
        data.select(
            PipTask, PipTask.id, PipTask.kind, PipTask.status, PipTask.assigned_organisation
        )
        .where(PipTask.inburgeraar == inburgeraar_id)
        # Only the tasks a PIP made: not those added by hand, nor a partner package's own
        # (a verzuim signal, an eindrapportage), which a changed PIP must not let lapse.
        .where(PipTask.pip.is_not_null())
    )
    by_kind = {row["kind"]: row for row in existing}
    wanted = {task.kind for task in planned}
    now = datetime.now(UTC)
    # One timeline line per organisation, not one per task: a PIP creates a dozen tasks.
    created: dict[int, list[str]] = {}
    moved: dict[int, list[str]] = {}
    for task in planned:
        organisation = _organisation_for(task.party, gemeente_id, pip)
        if organisation is None:
            continue
        row = by_kind.get(task.kind)
        if row is None:
            await create_task(
                data, inburgeraar_id, organisation, task.kind, task.title, task.due_date, pip["id"]
            )
            created.setdefault(organisation, []).append(task.title)
        elif row["status"] not in CLOSED and row["assigned_organisation"] != organisation:
            # The person named by the old organisation does not work for the new one.
            await data.update(
                PipTask,
                row["id"],
                assigned_organisation=organisation,
                assigned_person=None,
                pip=pip["id"],
                updated_at=now,
            )
            await _note(
                data, row["id"], "Overgedragen aan een andere organisatie door de gewijzigde PIP."
            )
            moved.setdefault(organisation, []).append(task.title)
        else:
            await data.update(PipTask, row["id"], pip=pip["id"])
    for kind, row in by_kind.items():
        if kind not in wanted and row["status"] not in CLOSED:
            await _note(
                data,
                row["id"],
                "Vervallen: de gewijzigde PIP vraagt dit niet meer.",
                status_to="vervallen",
            )
            await data.update(
                PipTask,
                row["id"],
                status=TaskStatus.VERVALLEN.value,
                updated_at=now,
                partner_access_ends=await access_ends(data),
            )
    names = await _organisation_names(data, {*created, *moved})
    for organisation, titles in created.items():
        summary = f"{_taken(len(titles))} voor {names[organisation]}: {', '.join(titles)}"
        await timeline.add_event(
            data, inburgeraar_id, "taak.nieuw", summary, organisation_id=organisation
        )
    for organisation, titles in moved.items():
        summary = f"Overgedragen aan {names[organisation]}: {', '.join(titles)}"
        await timeline.add_event(
            data, inburgeraar_id, "taak.overgedragen", summary, organisation_id=organisation
        )


async def lapse_open_tasks(data: TenantData, inburgeraar_id: int, reason: str) -> None:
    """Let every open task of a case lapse, noting why in its thread."""
    rows = await (
        data.select(PipTask, PipTask.id)
        .where(PipTask.inburgeraar == inburgeraar_id)
        .where(PipTask.status.not_in(list(CLOSED)))
    )
    now = datetime.now(UTC)
    ends = await access_ends(data)
    for row in rows:
        await _note(data, row["id"], reason, status_to=TaskStatus.VERVALLEN.value)
        await data.update(
            PipTask,
            row["id"],
            status=TaskStatus.VERVALLEN.value,
            updated_at=now,
            partner_access_ends=ends,
        )


def _taken(count: int) -> str:
    return "1 taak" if count == 1 else f"{count} taken"


async def _organisation_names(data: TenantData, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await data.select(Organisation, Organisation.id, Organisation.name).where(
        Organisation.id.is_in(list(ids))
    )
    return {row["id"]: row["name"] for row in rows}


async def _note(
    data: TenantData,
    task_id: int,
    text: str,
    *,
    status_from: str | None = None,
    status_to: str | None = None,
) -> None:
    await data.insert(
        TaskUpdate,
        task=task_id,
        author=data.scope.person_id,
        author_organisation=data.scope.organisation_id,
        text=text,
        status_from=status_from,
        status_to=status_to,
    )


async def create_task(
    data: TenantData,
    inburgeraar_id: int,
    organisation_id: int,
    kind: str,
    title: str,
    due_date: date | None,
    pip_id: int | None = None,
) -> int:
    """Insert a task on a case for an organisation; the one place tasks are made, so every
    task carries the case's gemeente (the regievoerder's inbox filters on it). Runs inside
    the caller's transaction."""
    case = await data.get(Inburgeraar, inburgeraar_id, Inburgeraar.gemeente)
    return await data.insert(
        PipTask,
        inburgeraar=inburgeraar_id,
        gemeente=case["gemeente"],
        pip=pip_id,
        assigned_organisation=organisation_id,
        kind=kind,
        title=title,
        due_date=due_date,
    )


def _filtered(query: Any, filters: TaskFilter, today: date) -> Any:
    if filters.status == "actief":
        query = query.where(PipTask.status.not_in(list(CLOSED)))
    elif filters.status in STATUS_LABELS:
        query = query.where(PipTask.status == filters.status)
    if filters.due_within_days is not None:
        query = query.where(PipTask.due_date <= today + timedelta(days=filters.due_within_days))
    if filters.overdue_only:
        query = query.where(PipTask.due_date < today).where(PipTask.status.not_in(list(CLOSED)))
    if filters.search.strip():
        term = f"%{filters.search.strip()[:100]}%"
        query = query.where(
            PipTask.inburgeraar.family_name.ilike(term)
            | PipTask.inburgeraar.given_names.ilike(term)
            | PipTask.title.ilike(term)
        )
    return query


async def my_tasks(
    scope: Scope, filters: TaskFilter, page: PageRequest, today: date
) -> tuple[Page, dict[str, int]]:
    """The organisation's inbox: tasks it may see, overdue first, then by due date.

    For a regievoerder these are the gemeente's own tasks, or (`filters.owner`) the
    partners' tasks on the gemeente's cases, or both."""
    if scope.role not in (Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.COA, Role.BEGELEIDER):
        raise NotFound("tasks")
    data = TenantData(scope)
    # The page's ids first, then their columns: sorting and skipping over the bare task index
    # keeps a deep page as cheap as the first, instead of joining every case before the cut.
    page_ids = (
        _of_owner(_filtered(data.select(PipTask, PipTask.id), filters, today), scope, filters.owner)
        .order_by(PipTask.due_date)
        .order_by(PipTask.id)
        .limit(page.size)
        .offset(page.offset)
    )
    rows = await (
        data.select(PipTask, *TASK_COLUMNS)
        .where(PipTask.id.is_in(page_ids))
        .order_by(PipTask.due_date)
        .order_by(PipTask.id)
    )
    for row in rows:
        row["overdue"] = bool(
            row["due_date"] and row["due_date"] < today and row["status"] not in CLOSED
        )
    counts = await inbox_counts(scope, today, filters.owner)
    total = _total_from_counts(filters, counts)
    if total is None:
        total = await _of_owner(
            _filtered(data.count(PipTask), filters, today), scope, filters.owner
        )
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("list", "pip_task"))
    return Page(rows=rows, total=total, number=page.number, size=page.size), counts


def _total_from_counts(filters: TaskFilter, counts: dict[str, Any]) -> int | None:
    """The list's total when a status filter alone decides it (the common case), read from
    the per-status counts the page shows anyway; None when another filter narrows it."""
    if filters.overdue_only or filters.due_within_days is not None or filters.search.strip():
        return None
    per_status: dict[str, int] = counts["per_status"]
    if filters.status == "actief":
        return counts["open"]
    if filters.status in STATUS_LABELS:
        return per_status.get(filters.status, 0)
    return sum(per_status.values())


async def inbox_counts(scope: Scope, today: date, owner: str = "eigen") -> dict[str, Any]:
    """Open, blocked, overdue and due-soon tasks of the scope, in two aggregate queries (for
    a regievoerder: of their gemeente's own work unless `owner` says otherwise)."""
    data = TenantData(scope)
    by_status = await _of_owner(
        data.select(PipTask, PipTask.status, Count()), scope, owner
    ).group_by(PipTask.status)
    per_status = {row["status"]: row["count"] for row in by_status}
    # Due dates up to the horizon, grouped: a bounded number of rows whatever the task count.
    due = await (
        _of_owner(data.select(PipTask, PipTask.due_date, Count()), scope, owner)
        .where(PipTask.status.not_in(list(CLOSED)))
        .where(PipTask.due_date <= today + timedelta(days=SOON_DAYS))
        .group_by(PipTask.due_date)
    )
    return {
        "per_status": per_status,
        "open": sum(n for status, n in per_status.items() if status not in CLOSED),
        "blocked": per_status.get(TaskStatus.GEBLOKKEERD.value, 0),
        "overdue": sum(row["count"] for row in due if row["due_date"] < today),
        "soon": sum(row["count"] for row in due),
    }


async def tasks_of_case(scope: Scope, inburgeraar_id: int) -> list[dict[str, Any]]:
    """Tasks on one case that this scope may see."""
    return await (
        TenantData(scope)
        .select(PipTask, *TASK_COLUMNS)
        .where(PipTask.inburgeraar == inburgeraar_id)
        .order_by(PipTask.due_date)
        .order_by(PipTask.id)
    )


# Work between organisations that means nothing to the inburgeraar on their own plan.
INTERNAL_TASK_KINDS = frozenset({"ontzorgen.evaluatie", "route.aanmelden"})


async def plan_tasks(scope: Scope, inburgeraar_id: int) -> list[dict[str, Any]]:
    """The open tasks of a case that the inburgeraar's own plan lists: only those the PIP
    made (not a verzuim signal, a report or work added by hand between organisations), and
    not the internal steps between the gemeente and its partners."""
    rows = await (
        TenantData(scope)
        .select(PipTask, *TASK_COLUMNS)
        .where(PipTask.inburgeraar == inburgeraar_id)
        .where(PipTask.pip.is_not_null())
        .where(PipTask.status.not_in(list(CLOSED)))
        .where(PipTask.kind.not_in(list(INTERNAL_TASK_KINDS)))
        .order_by(PipTask.due_date)
        .order_by(PipTask.id)
    )
    return [row for row in rows if not row["kind"].startswith("taal.voortgang")]


async def get_task(scope: Scope, task_id: int) -> dict[str, Any]:
    """One task with its thread; audited as a read of the case it belongs to."""
    data = TenantData(scope)
    task = await data.get(PipTask, task_id, *TASK_COLUMNS)
    task["updates"] = await (
        data.select(
            TaskUpdate,
            TaskUpdate.text,
            TaskUpdate.progress,
            TaskUpdate.status_from,
            TaskUpdate.status_to,
            TaskUpdate.created_at,
            TaskUpdate.author.full_name.as_alias("author_name"),
            TaskUpdate.author_organisation.name.as_alias("author_organisation_name"),
        )
        .where(TaskUpdate.task == task_id)
        .order_by(TaskUpdate.id)
    )
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "read", "pip_task", task_id, subject_ref=subject(task["inburgeraar_id"])
            ),
        )
    return task


async def report_progress(
    scope: Scope, task_id: int, update: ProgressInput, *, own_flow: bool = False
) -> None:
    """Add a message to the thread, optionally with a percentage and a new status. A task
    with its own closing flow is closed only by that flow (`own_flow`), never by the generic
    task page or a job."""
    data = TenantData(scope)
    check = Checker()
    text = update.text.strip()[:4000]
    progress: int | None = None
    if update.progress.strip():
        if not update.progress.strip().isdigit() or not 0 <= int(update.progress) <= 100:
            check.fail("progress", "Vul een percentage van 0 tot 100 in.")
        else:
            progress = int(update.progress)
    allowed = STATUS_LABELS if scope.role is Role.REGIEVOERDER else PARTNER_STATUSES
    if update.status and update.status not in allowed:
        check.fail("status", "Deze status kunt u niet kiezen.")
    reason = clean_text(update.blocked_reason, 500)
    if update.status == TaskStatus.GEBLOKKEERD.value and not reason:
        check.fail("blocked_reason", "Geef aan waarom de taak geblokkeerd is.")
    if not text and progress is None and not update.status:
        check.fail("text", "Schrijf een bericht, of kies een nieuwe status of voortgang.")
    async with write_transaction():
        task = await data.get_writable(
            PipTask,
            task_id,
            PipTask.status,
            PipTask.title,
            PipTask.inburgeraar,
            PipTask.assigned_organisation,
            PipTask.kind,
        )
        how = _closing_flow(task["kind"])
        if how and not own_flow and update.status == TaskStatus.AFGEROND.value:
            check.fail("status", how)
        if (
            update.status
            and update.status != task["status"]
            and not await data.exists(Inburgeraar).where(Inburgeraar.id == task["inburgeraar"])
        ):
            # A begeleidingsorganisatie's task nobody is named to yet: the colleagues see it
            # to take it on, but the case opens only for the begeleider it is named to.
            check.fail(
                "status",
                "Deze taak staat nog op naam van niemand. Neem de taak eerst op u onder "
                "'Mijn begeleidingen'; daarna kunt u de status wijzigen.",
            )
        check.done()
        changes: dict[str, Any] = {"updated_at": datetime.now(UTC)}
        new_status = update.status if update.status and update.status != task["status"] else None
        if new_status:
            changes["status"] = new_status
            changes["blocked_reason"] = reason if new_status == TaskStatus.GEBLOKKEERD.value else ""
            # Ending the work starts the partner's read-only period; reopening ends it.
            changes["partner_access_ends"] = (
                await access_ends(data) if new_status in CLOSED else None
            )
        if progress is not None:
            changes["progress"] = progress
        if new_status == TaskStatus.AFGEROND.value:
            changes["progress"] = 100
        message = text or (
            f"Geblokkeerd: {reason}" if new_status == TaskStatus.GEBLOKKEERD.value else ""
        )
        # Thread and timeline first, while the work is still open: a partner whose last open
        # task this is no longer sees the case once it is afgerond.
        await data.insert(
            TaskUpdate,
            task=task_id,
            author=scope.person_id,
            author_organisation=scope.organisation_id,
            text=message,
            progress=progress,
            status_from=task["status"] if new_status else None,
            status_to=new_status,
        )
        if new_status:
            await timeline.add_event(
                data,
                task["inburgeraar"],
                "taak.status",
                f"Taak ‘{task['title']}’: {STATUS_LABELS[new_status].lower()}",
                organisation_id=task["assigned_organisation"],
            )
        await data.update(PipTask, task_id, **changes)
        await audit.record(
            scope,
            audit.AuditEvent(
                "update", "pip_task", task_id, subject_ref=subject(task["inburgeraar"])
            ),
        )


# Work the gemeente does itself (by kind prefix): only its own gemeente can hold it.
_GEMEENTE_WORK = ("route.", "ontzorgen.", "taal.verzuim")
# Which kinds of organisation a task kind fits; other kinds (a task added by hand) may go
# to the gemeente itself or to any partner of the regio, never to another gemeente.
_PARTNER_KINDS = {
    "taal.": {OrganisationKind.TAALAANBIEDER},
    "knm": {OrganisationKind.TAALAANBIEDER},
    # Begeleiding, PVT and MAP: a begeleidingsorganisatie or a participatie partner (both hold
    # the begeleider role, tenants/roles.py).
    "map": {OrganisationKind.PARTICIPATIE, OrganisationKind.BEGELEIDING},
    "begeleiding": {OrganisationKind.BEGELEIDING, OrganisationKind.PARTICIPATIE},
    "pvt": {OrganisationKind.BEGELEIDING, OrganisationKind.PARTICIPATIE},
}
_ANY_PARTNER = {
    OrganisationKind.TAALAANBIEDER,
    OrganisationKind.BEGELEIDING,
    OrganisationKind.PARTICIPATIE,
    OrganisationKind.COA,
}


def _fitting_kinds(kind: str) -> tuple[set[str], bool]:
    """The organisation kinds a task of `kind` fits, and whether the own gemeente does."""
    if kind.startswith(_GEMEENTE_WORK):
        return set(), True
    fits = next(
        (kinds for prefix, kinds in _PARTNER_KINDS.items() if kind.startswith(prefix)), None
    )
    if fits is not None:
        return {k.value for k in fits}, False
    return {k.value for k in _ANY_PARTNER}, True


async def assignable_organisations(scope: Scope, kind: str) -> list[tuple[str, str]]:
    """Who a regievoerder may give a task of `kind` to: the regio's active partners that fit
    the kind, and for the gemeente's own or hand-made work their own gemeente."""
    partner_kinds, own_gemeente = _fitting_kinds(kind)
    return [
        (str(row["id"]), row["name"])
        for row in await organisations.organisation_options(scope)
        if row["kind"] in partner_kinds or (own_gemeente and row["id"] == scope.organisation_id)
    ]


@dataclass(frozen=True)
class NewTask:
    title: str
    organisation_id: str
    due_date: str


async def add_task(scope: Scope, inburgeraar_id: int, new: NewTask, today: date) -> int:
    """A task added by hand by the regievoerder, for their own gemeente or an active partner
    organisation of the regio (never another gemeente)."""
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("task")
    data = TenantData(scope)
    check = Checker()
    title = clean_text(new.title, 200)
    check.require("title", title, "een omschrijving")
    due = parse_date(new.due_date)
    if new.due_date.strip() and due is None:
        check.fail("due_date", "Vul de datum in als dd-mm-jjjj.")
    org_id = int(new.organisation_id) if new.organisation_id.isdigit() else None
    async with write_transaction():
        await data.get(Inburgeraar, inburgeraar_id, Inburgeraar.id)
        allowed = dict(await assignable_organisations(scope, "handmatig"))
        if org_id is None or str(org_id) not in allowed:
            check.fail(
                "organisation_id", "Kies uw eigen gemeente of een partnerorganisatie van de regio."
            )
        check.done()
        task_id = await create_task(data, inburgeraar_id, org_id, "handmatig", title, due)
        await timeline.add_event(
            data, inburgeraar_id, "taak.nieuw", f"Taak ‘{title}’ toegevoegd", organisation_id=org_id
        )
        await audit.record(
            scope,
            audit.AuditEvent("create", "pip_task", task_id, subject_ref=subject(inburgeraar_id)),
        )
    return task_id


async def reassign(scope: Scope, task_id: int, organisation_id: str) -> None:
    """Give an open task to another organisation that fits its kind (see
    `assignable_organisations`); its thread goes with it."""
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("task")
    data = TenantData(scope)
    check = Checker()
    org_id = int(organisation_id) if organisation_id.isdigit() else None
    async with write_transaction():
        task = await data.get_writable(
            PipTask, task_id, PipTask.inburgeraar, PipTask.title, PipTask.status, PipTask.kind
        )
        allowed = dict(await assignable_organisations(scope, task["kind"]))
        if org_id is None or str(org_id) not in allowed:
            check.fail("organisation_id", "Kies een organisatie die deze taak kan doen.")
        if task["status"] in CLOSED:
            check.fail(
                "organisation_id",
                "Een afgeronde of vervallen taak kan niet meer worden overgedragen.",
            )
        check.done()
        # The new organisation names its own person (the old one's begeleider loses the case).
        await data.update(
            PipTask,
            task_id,
            assigned_organisation=org_id,
            assigned_person=None,
            updated_at=datetime.now(UTC),
        )
        await _note(data, task_id, "Overgedragen aan een andere organisatie.")
        await timeline.add_event(
            data,
            task["inburgeraar"],
            "taak.overgedragen",
            f"Taak ‘{task['title']}’ overgedragen",
            organisation_id=org_id,
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "reassign", "pip_task", task_id, subject_ref=subject(task["inburgeraar"])
            ),
        )
