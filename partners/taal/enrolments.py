"""Aanmelding and enrolment: the gemeente sends the aanmelding from the PIP, the
taalaanbieder accepts it, records the intake (placement levels per skill), and places the
inburgeraar in a group.

Statuses: aangemeld → intake → actief ⇄ onderbroken → afgerond | uitgevallen. The PIP
tasks follow along: "Aanmelden bij de taalaanbieder" (gemeente) is done when the aanmelding
is sent, "Intake en plaatsingstoets" when the intake is recorded, "Start van de lessen" when
the learner is placed in a group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from partners.taal import learner_codes
from partners.taal.tables import Enrolment, Group
from portal.casefile import pip_tasks, timeline
from portal.casefile.inburgeraars import parse_date, subject
from portal.casefile.tables import Inburgeraar, PipTask
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

STATUS_LABELS = {
    "aangemeld": "Aangemeld",
    "intake": "Intake",
    "actief": "Actief",
    "onderbroken": "Onderbroken",
    "afgerond": "Afgerond",
    "uitgevallen": "Uitgevallen",
}
ENDED = ("afgerond", "uitgevallen")
EIND_TASK = "taal.eind"
EIND_DUE_DAYS = 14
# What the school may change by hand once a learner is placed.
STATUS_CHANGES = {
    "actief": ("onderbroken", "afgerond", "uitgevallen"),
    "onderbroken": ("actief", "afgerond", "uitgevallen"),
}
LEVELS = ("A0", "A1", "A2", "B1", "B2")
SKILLS = {
    "lezen": "Lezen",
    "luisteren": "Luisteren",
    "spreken": "Spreken",
    "schrijven": "Schrijven",
    "knm": "KNM",
}
# A skill inside a sentence ("Niveau lezen", "Niveau KNM"): an abbreviation keeps its capitals.
SKILL_WORDS = {
    skill: label if label.isupper() else label.lower() for skill, label in SKILLS.items()
}

ENROLMENT_COLUMNS = (
    *Enrolment.all_columns(exclude=[Enrolment.code_hash]),
    Enrolment.inburgeraar.given_names.as_alias("given_names"),
    Enrolment.inburgeraar.family_name.as_alias("family_name"),
    Enrolment.inburgeraar.gemeente.name.as_alias("gemeente_name"),
    Enrolment.organisation.name.as_alias("organisation_name"),
    Enrolment.groep.name.as_alias("group_name"),
)


@dataclass(frozen=True)
class IntakeInput:
    intake_date: str
    levels: dict[str, str]
    hours_per_week: str
    notes: str


@dataclass(frozen=True)
class Placement:
    group_id: str
    start_date: str
    end_date: str


def _require(scope: Scope, role: Role) -> None:
    if scope.role is not role:
        raise NotFound("enrolment")


async def _open_task(data: TenantData, inburgeraar_id: int, kind: str) -> dict | None:
    return await (
        data.select(PipTask, PipTask.id, PipTask.assigned_organisation, PipTask.status)
        .where(PipTask.inburgeraar == inburgeraar_id)
        .where(PipTask.kind == kind)
        .where(PipTask.status.not_in(list(pip_tasks.CLOSED)))
        .order_by(PipTask.id)
        .first()
    )


async def _close_task(scope: Scope, inburgeraar_id: int, kind: str, text: str) -> None:
    """Mark the case's open task of `kind` done, with a message in its thread."""
    task = await _open_task(TenantData(scope), inburgeraar_id, kind)
    if task is not None:
        await pip_tasks.report_progress(
            scope, task["id"], pip_tasks.ProgressInput(text=text, status="afgerond", progress="")
        )


async def can_send(scope: Scope, inburgeraar_id: int) -> dict | None:
    """The taal.intake task an aanmelding would answer, when the gemeente may send one now."""
    if scope.role is not Role.REGIEVOERDER:
        return None
    data = TenantData(scope)
    task = await _open_task(data, inburgeraar_id, "taal.intake")
    if task is None:
        return None
    running = await data.exists(Enrolment).where(
        (Enrolment.inburgeraar == inburgeraar_id)
        & (Enrolment.organisation == task["assigned_organisation"])
        & Enrolment.status.not_in(list(ENDED))
    )
    return None if running else task


async def send_aanmelding(scope: Scope, inburgeraar_id: int) -> int:
    """The gemeente sends the aanmelding to the taalaanbieder of the PIP; returns the
    enrolment id."""
    _require(scope, Role.REGIEVOERDER)
    data = TenantData(scope)
    async with write_transaction():
        case = await data.get(Inburgeraar, inburgeraar_id, Inburgeraar.id, Inburgeraar.leerroute)
        task = await can_send(scope, inburgeraar_id)
        if task is None:
            raise ValidationFailed(
                {
                    "aanmelding": "Aanmelden kan niet: er is geen open intaketaak, "
                    "of de inburgeraar is al aangemeld."
                }
            )
        enrolment_id = await data.insert(
            Enrolment,
            inburgeraar=inburgeraar_id,
            organisation=task["assigned_organisation"],
            intake_task=task["id"],
            leerroute=case["leerroute"],
        )
        await _close_task(
            scope, inburgeraar_id, "route.aanmelden", "Aanmelding verstuurd via het portaal."
        )
        await timeline.add_event(
            data,
            inburgeraar_id,
            "taal.aangemeld",
            "Aangemeld bij de taalaanbieder",
            organisation_id=task["assigned_organisation"],
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "create", "taal_enrolment", enrolment_id, subject_ref=subject(inburgeraar_id)
            ),
        )
    return enrolment_id


async def count_new(scope: Scope) -> int:
    """How many aanmeldingen wait for the school to accept them."""
    return await TenantData(scope).count(Enrolment).where(Enrolment.status == "aangemeld")


async def school_enrolments(scope: Scope, status: str = "") -> list[dict[str, Any]]:
    """The taalaanbieder's learners, newest aanmelding first (names only: audited as a list)."""
    _require(scope, Role.TAALAANBIEDER)
    query = TenantData(scope).select(Enrolment, *ENROLMENT_COLUMNS)
    if status in STATUS_LABELS:
        query = query.where(Enrolment.status == status)
    rows = await query.order_by(Enrolment.id, ascending=False).limit(500)
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("list", "taal_enrolment"))
    return rows


async def get_enrolment(scope: Scope, enrolment_id: int) -> dict[str, Any]:
    """One enrolment this scope may see (audited as a read of the case)."""
    row = await TenantData(scope).get(Enrolment, enrolment_id, *ENROLMENT_COLUMNS)
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "read", "taal_enrolment", enrolment_id, subject_ref=subject(row["inburgeraar"])
            ),
        )
    return row


async def enrolments_of_case(scope: Scope, inburgeraar_id: int) -> list[dict[str, Any]]:
    """The enrolments of one inburgeraar this scope may see."""
    rows = await (
        TenantData(scope)
        .select(Enrolment, *ENROLMENT_COLUMNS)
        .where(Enrolment.inburgeraar == inburgeraar_id)
        .order_by(Enrolment.id)
    )
    async with write_transaction():
        await audit.record(
            scope, audit.AuditEvent("read", "taal_enrolment", subject_ref=subject(inburgeraar_id))
        )
    return rows


async def case_of(scope: Scope, inburgeraar_id: int) -> dict[str, Any]:
    """The case's id and leerroute, or NotFound when this scope may not see the case."""
    return await TenantData(scope).get(
        Inburgeraar, inburgeraar_id, Inburgeraar.id, Inburgeraar.leerroute
    )


async def _change(
    scope: Scope, enrolment_id: int, allowed_from: tuple[str, ...], message: str
) -> dict[str, Any]:
    row = await TenantData(scope).get_writable(
        Enrolment,
        enrolment_id,
        Enrolment.id,
        Enrolment.status,
        Enrolment.inburgeraar,
        Enrolment.organisation,
    )
    if row["status"] not in allowed_from:
        raise ValidationFailed({"status": message})
    return row


async def accept(scope: Scope, enrolment_id: int) -> None:
    """The taalaanbieder accepts the aanmelding and starts the intake."""
    _require(scope, Role.TAALAANBIEDER)
    data = TenantData(scope)
    async with write_transaction():
        row = await _change(
            scope, enrolment_id, ("aangemeld",), "Deze aanmelding is al geaccepteerd."
        )
        await data.update(Enrolment, enrolment_id, status="intake", updated_at=datetime.now(UTC))
        await timeline.add_event(
            data,
            row["inburgeraar"],
            "taal.geaccepteerd",
            "Aanmelding geaccepteerd door de taalaanbieder; intake volgt",
            organisation_id=row["organisation"],
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "accept", "taal_enrolment", enrolment_id, subject_ref=subject(row["inburgeraar"])
            ),
        )


def hours_text(minutes: int | None) -> str:
    """Minutes per week as Dutch hours: 750 is "12,5", 720 is "12"."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    return f"{hours},5" if rest else str(hours)


def weekly_minutes(raw: str) -> int | None:
    """Contracted lesson time per week, typed in hours ("12", "12,5" or "12.5"), as whole
    minutes (stored as an integer: SQLite would turn a decimal into a float); None unless it
    is a whole or half hour from 1 to 40."""
    match = re.fullmatch(r"(\d{1,2})(?:[.,](\d{1,2}))?", raw.strip())
    if match is None:
        return None
    whole, fraction = int(match.group(1)), (match.group(2) or "0").ljust(2, "0")
    if fraction not in ("00", "50"):
        return None
    minutes = whole * 60 + (30 if fraction == "50" else 0)
    return minutes if 60 <= minutes <= 40 * 60 else None


async def record_intake(scope: Scope, enrolment_id: int, form: IntakeInput, today: date) -> None:
    """Record the intake: date, placement level per skill and the contracted hours."""
    _require(scope, Role.TAALAANBIEDER)
    data = TenantData(scope)
    check = Checker()
    intake_date = parse_date(form.intake_date)
    if intake_date is None:
        check.fail("intake_date", "Vul de datum van de intake in als dd-mm-jjjj.")
    elif intake_date > today:
        check.fail("intake_date", "De intake kan niet in de toekomst liggen.")
    for skill in SKILLS:
        if form.levels.get(skill) not in LEVELS:
            check.fail(f"level_{skill}", f"Kies het niveau voor {SKILL_WORDS[skill]}.")
    minutes = weekly_minutes(form.hours_per_week)
    if minutes is None:
        check.fail(
            "hours_per_week",
            "Vul het aantal lesuren per week in, van 1 tot 40, in hele of halve uren "
            "(bijvoorbeeld 12 of 12,5).",
        )
    notes = form.notes.strip()[:4000]
    async with write_transaction():
        row = await _change(
            scope,
            enrolment_id,
            ("intake", "actief", "onderbroken"),
            "Accepteer eerst de aanmelding.",
        )
        check.done()
        await data.update(
            Enrolment,
            enrolment_id,
            intake_date=intake_date,
            minutes_per_week=minutes,
            intake_notes=notes,
            updated_at=datetime.now(UTC),
            **{f"level_{skill}": form.levels[skill] for skill in SKILLS},
        )
        levels = ", ".join(f"{label} {form.levels[s]}" for s, label in SKILLS.items())
        await _close_task(
            scope, row["inburgeraar"], "taal.intake", f"Intake gedaan. Instroomniveau: {levels}."
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "intake", "taal_enrolment", enrolment_id, subject_ref=subject(row["inburgeraar"])
            ),
        )


async def group_options(scope: Scope) -> list[tuple[str, str]]:
    """The school's active groups, for placing a learner."""
    rows = await (
        TenantData(scope)
        .select(Group, Group.id, Group.name, Group.location)
        .where(Group.active.eq(True))
        .order_by(Group.name)
    )
    return [(str(r["id"]), f"{r['name']} ({r['location']})") for r in rows]


async def place(scope: Scope, enrolment_id: int, placement: Placement, today: date) -> None:
    """Place the learner in a group (within its capacity) and make the enrolment active."""
    _require(scope, Role.TAALAANBIEDER)
    data = TenantData(scope)
    check = Checker()
    start = parse_date(placement.start_date)
    end = parse_date(placement.end_date)
    if start is None:
        check.fail("start_date", "Vul de startdatum in als dd-mm-jjjj.")
    if placement.end_date.strip() and end is None:
        check.fail("end_date", "Vul de einddatum in als dd-mm-jjjj.")
    if start and end and end < start:
        check.fail("end_date", "De einddatum ligt voor de startdatum.")
    group_id = int(placement.group_id) if placement.group_id.isdigit() else None
    async with write_transaction():
        row = await _change(
            scope,
            enrolment_id,
            ("intake", "actief", "onderbroken"),
            "Leg eerst de intake vast.",
        )
        enrolment = await data.get(Enrolment, enrolment_id, Enrolment.intake_date, Enrolment.groep)
        if enrolment["intake_date"] is None:
            check.fail("group_id", "Leg eerst de intake vast.")
        group = None
        if group_id is not None:
            group = (
                await data.select(Group, Group.id, Group.name, Group.capacity)
                .where((Group.id == group_id) & Group.active.eq(True))
                .first()
            )
        if group is None:
            check.fail("group_id", "Kies een groep.")
        elif group_id != enrolment["groep"]:
            placed = await data.count(Enrolment).where(
                (Enrolment.groep == group_id) & (Enrolment.status == "actief")
            )
            if placed >= group["capacity"]:
                check.fail("group_id", f"Groep {group['name']} is vol ({group['capacity']}).")
        check.done()
        await data.update(
            Enrolment,
            enrolment_id,
            groep=group_id,
            start_date=start,
            end_date=end,
            status="actief",
            updated_at=datetime.now(UTC),
        )
        await _close_task(
            scope,
            row["inburgeraar"],
            "taal.start",
            f"Geplaatst in groep {group['name']}, start {start:%d-%m-%Y}.",
        )
        await timeline.add_event(
            data,
            row["inburgeraar"],
            "taal.geplaatst",
            f"Geplaatst in groep {group['name']} vanaf {start:%d-%m-%Y}",
            organisation_id=row["organisation"],
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "place", "taal_enrolment", enrolment_id, subject_ref=subject(row["inburgeraar"])
            ),
        )


async def renew_code(scope: Scope, enrolment_id: int, new: tuple[str, str] | None = None) -> str:
    """A new personal code for the learner (the old one stops working); shown once.
    `new` is a (code, hash) pair made elsewhere: the demo's documented codes."""
    _require(scope, Role.TAALAANBIEDER)
    data = TenantData(scope)
    code, code_hash = new or learner_codes.new_code()
    async with write_transaction():
        row = await data.get_writable(Enrolment, enrolment_id, Enrolment.inburgeraar)
        await data.update(
            Enrolment, enrolment_id, code_hash=code_hash, code_failures=0, code_locked_until=None
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "new_code", "taal_enrolment", enrolment_id, subject_ref=subject(row["inburgeraar"])
            ),
        )
    return code


async def change_status(
    scope: Scope, enrolment_id: int, status: str, reason: str, today: date
) -> None:
    """Interrupt, resume, finish or end an active enrolment, with a reason. Finishing or
    ending it gives the school the task "Eindrapportage"."""
    _require(scope, Role.TAALAANBIEDER)
    data = TenantData(scope)
    check = Checker()
    reason = clean_text(reason, 300)
    check.require("reason", reason, "een reden", max_length=300)
    async with write_transaction():
        row = await _change(
            scope, enrolment_id, tuple(STATUS_CHANGES), "Deze status kan niet meer veranderen."
        )
        if status not in STATUS_CHANGES[row["status"]]:
            check.fail("status", "Kies een nieuwe status.")
        check.done()
        await data.update(Enrolment, enrolment_id, status=status, updated_at=datetime.now(UTC))
        if status in ENDED and await _open_task(data, row["inburgeraar"], EIND_TASK) is None:
            # The eindrapportage is due when the route ends: a task in the school's inbox.
            await pip_tasks.create_task(
                data,
                row["inburgeraar"],
                row["organisation"],
                EIND_TASK,
                "Eindrapportage",
                today + timedelta(days=EIND_DUE_DAYS),
            )
        await timeline.add_event(
            data,
            row["inburgeraar"],
            "taal.status",
            f"Taaltraject {STATUS_LABELS[status].lower()}: {reason}",
            organisation_id=row["organisation"],
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "status", "taal_enrolment", enrolment_id, subject_ref=subject(row["inburgeraar"])
            ),
        )
