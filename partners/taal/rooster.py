"""Groups and their rooster: a group has a docent, a location, a capacity and weekly lesson
slots; lessons are generated from the slots between the group's start and end date, skipping
the school's holidays. A lesson can be cancelled with a reason. A docent sees "Mijn lessen
vandaag".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from partners.taal.tables import Enrolment, Group, Holiday, Lesson, RoosterSlot
from portal.casefile.inburgeraars import parse_date
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants.colleagues import colleagues_in_role
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Lessons are generated at most this far ahead; a yearly group regenerates as it goes.
HORIZON_DAYS = 366

LESSON_COLUMNS = (
    Lesson.id,
    Lesson.lesson_date,
    Lesson.starts,
    Lesson.ends,
    Lesson.minutes,
    Lesson.status,
    Lesson.cancel_reason,
    Lesson.register_status,
    Lesson.signed_at,
    Lesson.groep.id.as_alias("group_id"),
    Lesson.groep.name.as_alias("group_name"),
    Lesson.groep.location.as_alias("location"),
    Lesson.docent.id.as_alias("docent_id"),
    Lesson.docent.full_name.as_alias("docent_name"),
    Lesson.signed_by.full_name.as_alias("signed_by_name"),
)


@dataclass(frozen=True)
class GroupInput:
    name: str
    docent_id: str
    location: str
    capacity: str
    start_date: str
    end_date: str


@dataclass(frozen=True)
class SlotInput:
    weekday: str
    starts: str
    ends: str


def _require_school(scope: Scope) -> None:
    if scope.role is not Role.TAALAANBIEDER:
        raise NotFound("group")


def minutes_between(starts: str, ends: str) -> int:
    """Minutes from HH:MM to HH:MM on the same day."""
    h1, m1 = map(int, starts.split(":"))
    h2, m2 = map(int, ends.split(":"))
    return (h2 * 60 + m2) - (h1 * 60 + m1)


async def docent_options(scope: Scope) -> list[tuple[str, str]]:
    """The people of the actor's school who work as taalaanbieder (the docenten)."""
    return await colleagues_in_role(scope, Role.TAALAANBIEDER)


async def groups(scope: Scope) -> list[dict[str, Any]]:
    """The school's groups with their number of active learners."""
    _require_school(scope)
    data = TenantData(scope)
    rows = await data.select(
        Group,
        *Group.all_columns(),
        Group.docent.full_name.as_alias("docent_name"),
    ).order_by(Group.name)
    active = await (
        data.select(Enrolment, Enrolment.groep)
        .where(Enrolment.status == "actief")
        .where(Enrolment.groep.is_not_null())
    )
    for row in rows:
        row["learners"] = sum(1 for e in active if e["groep"] == row["id"])
    return rows


async def create_group(scope: Scope, form: GroupInput) -> int:
    """A new group of the actor's school."""
    _require_school(scope)
    data = TenantData(scope)
    check = Checker()
    name = clean_text(form.name, 100)
    check.require("name", name, "een naam", max_length=100)
    location = clean_text(form.location, 200)
    check.require("location", location, "een locatie")
    if not form.capacity.strip().isdigit() or not 1 <= int(form.capacity) <= 40:
        check.fail("capacity", "Vul een capaciteit van 1 tot 40 in.")
    start, end = parse_date(form.start_date), parse_date(form.end_date)
    if start is None:
        check.fail("start_date", "Vul de startdatum in als dd-mm-jjjj.")
    if end is None:
        check.fail("end_date", "Vul de einddatum in als dd-mm-jjjj.")
    elif start and end < start:
        check.fail("end_date", "De einddatum ligt voor de startdatum.")
    if form.docent_id not in dict(await docent_options(scope)):
        check.fail("docent_id", "Kies een docent van uw organisatie.")
    check.done()
    async with write_transaction():
        group_id = await data.insert(
            Group,
            organisation=scope.organisation_id,
            name=name,
            docent=int(form.docent_id),
            location=location,
            capacity=int(form.capacity),
            start_date=start,
            end_date=end,
        )
        await audit.record(scope, audit.AuditEvent("create", "taal_group", group_id))
    return group_id


async def get_group(scope: Scope, group_id: int) -> dict[str, Any]:
    """A group with its rooster, learners and lessons from today on."""
    _require_school(scope)
    data = TenantData(scope)
    group = await data.get(
        Group, group_id, *Group.all_columns(), Group.docent.full_name.as_alias("docent_name")
    )
    group["slots"] = await (
        data.select(RoosterSlot, *RoosterSlot.all_columns())
        .where(RoosterSlot.groep == group_id)
        .order_by(RoosterSlot.weekday)
        .order_by(RoosterSlot.starts)
    )
    group["learners"] = await (
        data.select(
            Enrolment,
            Enrolment.id,
            Enrolment.status,
            Enrolment.start_date,
            Enrolment.inburgeraar.given_names.as_alias("given_names"),
            Enrolment.inburgeraar.family_name.as_alias("family_name"),
        )
        .where(Enrolment.groep == group_id)
        .where(Enrolment.status.is_in(["actief", "onderbroken"]))
        .order_by(Enrolment.inburgeraar.family_name)
    )
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("read", "taal_group", group_id))
    return group


async def lessons_of_group(
    scope: Scope, group_id: int, start: date, limit: int = 20
) -> list[dict[str, Any]]:
    """The group's lessons from `start` on."""
    return await (
        TenantData(scope)
        .select(Lesson, *LESSON_COLUMNS)
        .where(Lesson.groep == group_id)
        .where(Lesson.lesson_date >= start)
        .order_by(Lesson.lesson_date)
        .order_by(Lesson.starts)
        .limit(limit)
    )


async def add_slot(scope: Scope, group_id: int, form: SlotInput) -> None:
    """Add a weekly lesson to the group's rooster."""
    _require_school(scope)
    data = TenantData(scope)
    check = Checker()
    weekday = int(form.weekday) if form.weekday.isdigit() else -1
    if not 0 <= weekday <= 6:
        check.fail("weekday", "Kies een dag.")
    for field, value in (("starts", form.starts), ("ends", form.ends)):
        if not TIME_RE.match(value.strip()):
            check.fail(field, "Vul een tijd in als uu:mm, zoals 09:00.")
    if not check.errors and minutes_between(form.starts.strip(), form.ends.strip()) <= 0:
        check.fail("ends", "De eindtijd ligt voor de begintijd.")
    async with write_transaction():
        await data.get_writable(Group, group_id, Group.id)
        check.done()
        await data.insert(
            RoosterSlot,
            organisation=scope.organisation_id,
            groep=group_id,
            weekday=weekday,
            starts=form.starts.strip(),
            ends=form.ends.strip(),
        )
        await audit.record(scope, audit.AuditEvent("rooster", "taal_group", group_id))


async def add_holiday(scope: Scope, name: str, first_day: str, last_day: str) -> None:
    """A holiday of the school: no lessons are generated on these days."""
    _require_school(scope)
    check = Checker()
    title = clean_text(name, 100)
    check.require("holiday_name", title, "een naam", max_length=100)
    first, last = parse_date(first_day), parse_date(last_day or first_day)
    if first is None:
        check.fail("first_day", "Vul de eerste dag in als dd-mm-jjjj.")
    if last is None or (first and last < first):
        check.fail("last_day", "Vul een laatste dag in die niet voor de eerste dag ligt.")
    check.done()
    async with write_transaction():
        await TenantData(scope).insert(
            Holiday,
            organisation=scope.organisation_id,
            name=title,
            first_day=first,
            last_day=last,
        )


async def holidays(scope: Scope) -> list[dict[str, Any]]:
    """The school's holidays, newest first."""
    _require_school(scope)
    return await (
        TenantData(scope)
        .select(Holiday, *Holiday.all_columns())
        .order_by(Holiday.first_day, ascending=False)
        .limit(50)
    )


def lesson_days(
    slots: list[dict[str, Any]],
    start: date,
    end: date,
    free: list[tuple[date, date]],
) -> list[tuple[date, dict[str, Any]]]:
    """Every (day, slot) of the rooster between start and end, outside the free periods."""
    found = []
    day = start
    while day <= end:
        if not any(first <= day <= last for first, last in free):
            for slot in slots:
                if slot["weekday"] == day.weekday():
                    found.append((day, slot))
        day += timedelta(days=1)
    return found


async def generate_lessons(
    scope: Scope, group_id: int, today: date, since: date | None = None
) -> int:
    """Create the group's missing lessons from its rooster, from the later of its start and
    today (or `since`, to back-fill a running group) up to a year ahead, skipping holidays.
    Returns how many were added; running it again adds nothing."""
    _require_school(scope)
    data = TenantData(scope)
    async with write_transaction():
        group = await data.get_writable(
            Group, group_id, Group.id, Group.docent, Group.start_date, Group.end_date
        )
        slots = await data.select(RoosterSlot, *RoosterSlot.all_columns()).where(
            RoosterSlot.groep == group_id
        )
        if not slots:
            raise ValidationFailed({"rooster": "Voeg eerst lesmomenten aan het rooster toe."})
        start = max(group["start_date"], since or today)
        end = min(group["end_date"], today + timedelta(days=HORIZON_DAYS))
        free = [
            (h["first_day"], h["last_day"])
            for h in await data.select(Holiday, Holiday.first_day, Holiday.last_day).where(
                Holiday.last_day >= start
            )
        ]
        existing = {
            (row["lesson_date"], row["starts"])
            for row in await data.select(Lesson, Lesson.lesson_date, Lesson.starts)
            .where(Lesson.groep == group_id)
            .where(Lesson.lesson_date >= start)
        }
        rows = [
            {
                "organisation": scope.organisation_id,
                "groep": group_id,
                "docent": group["docent"],
                "lesson_date": day,
                "starts": slot["starts"],
                "ends": slot["ends"],
                "minutes": minutes_between(slot["starts"], slot["ends"]),
            }
            for day, slot in lesson_days(slots, start, end, free)
            if (day, slot["starts"]) not in existing
        ]
        await data.insert_many(Lesson, rows)
        await audit.record(scope, audit.AuditEvent("lessons", "taal_group", group_id))
    return len(rows)


async def cancel_lesson(scope: Scope, lesson_id: int, reason: str) -> None:
    """Cancel a lesson that has no register yet, with a reason."""
    _require_school(scope)
    data = TenantData(scope)
    check = Checker()
    text = clean_text(reason, 300)
    check.require("cancel_reason", text, "een reden", max_length=300)
    async with write_transaction():
        lesson = await data.get_writable(Lesson, lesson_id, Lesson.register_status)
        if lesson["register_status"] != "leeg":
            check.fail("cancel_reason", "Deze les heeft al een presentielijst.")
        check.done()
        await data.update(Lesson, lesson_id, status="geannuleerd", cancel_reason=text)
        await audit.record(scope, audit.AuditEvent("cancel", "taal_lesson", lesson_id))


async def lessons_on(scope: Scope, day: date, *, own_only: bool = True) -> list[dict[str, Any]]:
    """The lessons of one day: the docent's own ("Mijn lessen vandaag"), or the school's."""
    _require_school(scope)
    query = TenantData(scope).select(Lesson, *LESSON_COLUMNS).where(Lesson.lesson_date == day)
    if own_only:
        query = query.where(Lesson.docent == scope.person_id)
    return await query.order_by(Lesson.starts).order_by(Lesson.id)


def _open_register(today: date) -> Any:
    """A register that still needs the docent: a past lesson that was not filled in or not
    signed, or today's lesson once it is saved. A cancelled lesson needs nothing."""
    unfinished = Lesson.register_status.is_in(["leeg", "opgeslagen"])
    return (Lesson.status != "geannuleerd") & (
        ((Lesson.lesson_date < today) & unfinished)
        | ((Lesson.lesson_date == today) & (Lesson.register_status == "opgeslagen"))
    )


async def open_registers(scope: Scope, today: date) -> list[dict[str, Any]]:
    """The docent's own registers still to fill in or sign, oldest first."""
    _require_school(scope)
    return await (
        TenantData(scope)
        .select(Lesson, *LESSON_COLUMNS)
        .where(Lesson.docent == scope.person_id)
        .where(_open_register(today))
        .order_by(Lesson.lesson_date)
        .order_by(Lesson.starts)
    )


async def today_counts(scope: Scope, day: date) -> dict[str, int]:
    """The docent's lessons of the day, and how many registers still wait to be filled in or
    signed (past lessons included: a forgotten register must not drop out of sight)."""
    data = TenantData(scope)
    mine = data.count(Lesson).where(Lesson.docent == scope.person_id)
    return {
        "lessons": await mine.where(Lesson.lesson_date == day).where(Lesson.status == "gepland"),
        "unsigned": await data.count(Lesson)
        .where(Lesson.docent == scope.person_id)
        .where(_open_register(day)),
    }
