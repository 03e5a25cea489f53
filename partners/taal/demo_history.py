"""A year of lessons at two schools of Regio Alkmaar, so the convenant's trends mean something.

Taalhuis Kennemerland and ROC Noordkust each ran a year group ("jaargroep") of six learners
from thirteen months ago until last week, two lessons a week, every register signed by the
school's docent. The learners are real cases (registered, PIP vastgesteld, aangemeld, intake,
placed) made through the services; their lessons and attendance lines, a few hundred rows,
are bulk-inserted through `TenantData.insert_many` as an import would, because a year of
registers through the register service would make every demo seed (and the test suite,
which seeds once per engine) minutes slower. Attendance varies by month and school on a
fixed seed, so the monitor's lines have a shape and the same shape every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from partners.taal import enrolments, rooster, voortgang
from partners.taal.tables import Attendance, Enrolment, Group, Lesson
from portal.casefile import inburgeraars, pips
from portal.casefile.tables import PipTask
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData

REGIEVOERDER = "regievoerder@alkmaar.demo"
WEEKS = 56
LESSON_WEEKDAYS = (1, 3)  # Tuesday and Thursday
LESSON_MINUTES = 180
SEED = 20261202
SKILLS = ("lezen", "luisteren", "spreken", "schrijven", "knm")
LEVELS = ("A0", "A1", "A2", "B1")


@dataclass(frozen=True)
class YearGroup:
    school: str
    docent: str
    name: str
    # Chance of an absence per month of the year (index 0 = the first month), so each school
    # has its own curve: the Taalhuis dips in the winter, the ROC after the summer.
    absence: tuple[float, ...]
    learners: tuple[tuple[str, str, str, str], ...]


GROUPS = (
    YearGroup(
        "Taalhuis Kennemerland",
        "docent@taal.alkmaar.demo",
        "NT2 B1 jaargroep",
        (0.08, 0.07, 0.09, 0.12, 0.18, 0.21, 0.17, 0.12, 0.1, 0.09, 0.08, 0.07, 0.08, 0.08),
        (
            ("999995005", "Karim", "Barakat", "1989-02-14"),
            ("999995017", "Hana", "Mekonnen", "1993-07-30"),
            ("999995029", "Reza", "Sadeghi", "1985-11-03"),
            ("999995030", "Oksana", "Marchenko", "1991-04-25"),
            ("999995042", "Semhar", "Woldemariam", "1997-09-12"),
            ("999995054", "Rasha", "Al-Khatib", "1999-01-08"),
        ),
    ),
    YearGroup(
        "ROC Noordkust",
        "docent@roc.alkmaar.demo",
        "NT2 A2 jaargroep",
        (0.1, 0.11, 0.1, 0.09, 0.1, 0.12, 0.11, 0.13, 0.2, 0.24, 0.19, 0.16, 0.14, 0.14),
        (
            ("999995066", "Farid", "Haidari", "1987-06-19"),
            ("999995078", "Tigist", "Alemu", "1995-03-02"),
            ("999995091", "Emre", "Demir", "1990-10-27"),
            ("999995108", "Zahra", "Sultani", "1992-12-15"),
            ("999995121", "Khaled", "Mahfouz", "1986-05-05"),
            ("999995133", "Iryna", "Bondar", "1998-08-21"),
        ),
    ),
)


async def seed(data_key: str, today: date) -> list[str]:
    """Create the year groups with their learners, lessons and signed registers, unless the
    demo already has them; returns a line per thing created."""
    regie = await demo_scope(REGIEVOERDER, Role.REGIEVOERDER)
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    created: list[str] = []
    for group in GROUPS:
        docent = await demo_scope(group.docent, Role.TAALAANBIEDER)
        if await TenantData(docent).exists(Group).where(Group.name == group.name):
            continue
        created.append(await _year_group(regie, docent, group, data_key, today, rng))
    return created


def _first_day(today: date) -> date:
    start = today - timedelta(weeks=WEEKS)
    return start - timedelta(days=start.weekday())


async def _year_group(
    regie: Scope, docent: Scope, group: YearGroup, data_key: str, today: date, rng: random.Random
) -> str:
    start = _first_day(today)
    end = today - timedelta(days=7)
    school = TenantData(docent)
    school_id = docent.organisation_id
    group_id = await rooster.create_group(
        docent,
        rooster.GroupInput(
            name=group.name,
            docent_id=str(docent.person_id),
            location=f"{group.school}, lokaal 1",
            capacity="16",
            start_date=start.isoformat(),
            end_date=end.isoformat(),
        ),
    )
    enrolled: dict[int, int] = {}
    for number, given, family, birth in group.learners:
        case_id = await _case(regie, data_key, (number, given, family, birth), school_id, start)
        enrolment_id = await enrolments.send_aanmelding(regie, case_id)
        await enrolments.accept(docent, enrolment_id)
        intake = start - timedelta(days=rng.randint(8, 20))
        await enrolments.record_intake(
            docent,
            enrolment_id,
            enrolments.IntakeInput(
                intake_date=intake.isoformat(),
                levels={s: "A1" for s in ("lezen", "luisteren", "spreken", "schrijven")}
                | {"knm": "A0"},
                hours_per_week="6",
                notes="",
            ),
            today,
        )
        await enrolments.place(
            docent,
            enrolment_id,
            enrolments.Placement(str(group_id), start.isoformat(), ""),
            today,
        )
        # The aanmelding was sent a few working days before the intake, not today.
        aangemeld = datetime.combine(intake - timedelta(days=rng.randint(3, 14)), time(10), UTC)
        await school.update(Enrolment, enrolment_id, created_at=aangemeld)
        enrolled[enrolment_id] = case_id
    await _lessons_and_registers(docent, group, group_id, enrolled, start, end, rng)
    for enrolment_id in enrolled:
        await _quarterly_reports(regie, docent, enrolment_id, start, today, rng)
    return f"jaargroep {group.name} ({group.school}) met {len(enrolled)} cursisten"


async def _case(
    regie: Scope, data_key: str, person: tuple[str, str, str, str], school_id: int, start: date
) -> int:
    number, given, family, birth = person
    brp = start - timedelta(days=100)
    case_id = await inburgeraars.register(
        regie,
        inburgeraars.NewInburgeraar(
            bsn=number,
            v_nummer="",
            given_names=given,
            family_name=family,
            birth_date=birth,
            doelgroep="asielstatushouder",
            nareiziger=False,
            plicht_start=(brp - timedelta(days=30)).isoformat(),
            brp_date=brp.isoformat(),
            languages="",
            interpreter_needed=False,
            phone="",
            email="",
        ),
        data_key,
        start,
    )
    await pips.save_concept(
        regie,
        case_id,
        pips.PipInput(
            dagtekening=(brp + timedelta(days=60)).isoformat(),
            leerroute="B",
            niveau="B1",
            intensiteit_b1="600",
            reasoning="Leerbaarheidstoets voldoende.",
            knm=False,
            map=False,
            pvt=False,
            begeleiding=False,
            taalaanbieder=str(school_id),
        ),
    )
    await pips.vaststellen(regie, case_id, brp + timedelta(days=60))
    return case_id


async def _lessons_and_registers(
    docent: Scope,
    group: YearGroup,
    group_id: int,
    enrolled: dict[int, int],
    start: date,
    end: date,
    rng: random.Random,
) -> None:
    school = TenantData(docent)
    days = [
        start + timedelta(days=offset)
        for offset in range((end - start).days + 1)
        if (start + timedelta(days=offset)).weekday() in LESSON_WEEKDAYS
    ]
    await school.insert_many(
        Lesson,
        [
            {
                "organisation": docent.organisation_id,
                "groep": group_id,
                "docent": docent.person_id,
                "lesson_date": day,
                "starts": "09:00",
                "ends": "12:00",
                "minutes": LESSON_MINUTES,
                "register_status": "ondertekend",
                "saved_at": _at(day, 12, 5),
                "signed_by": docent.person_id,
                "signed_at": _at(day, 12, 10),
            }
            for day in days
        ],
    )
    lessons = await school.select(Lesson, Lesson.id, Lesson.lesson_date).where(
        Lesson.groep == group_id
    )
    lines = []
    for lesson in sorted(lessons, key=lambda row: row["lesson_date"]):
        month = (lesson["lesson_date"].year - start.year) * 12 + lesson["lesson_date"].month
        chance = group.absence[min(month - start.month, len(group.absence) - 1)]
        for enrolment_id, case_id in enrolled.items():
            lines.append(_line(docent, lesson, enrolment_id, case_id, chance, rng))
    await school.insert_many(Attendance, lines)


async def _quarterly_reports(
    regie: Scope, docent: Scope, enrolment_id: int, start: date, today: date, rng: random.Random
) -> None:
    """The four voortgangsrapportages of the year, through the service; each closed its task
    on the day it was written, most before the due date, some a few days after."""
    for quarter in range(1, 5):
        period_end = start + timedelta(weeks=13 * quarter)
        if period_end >= today:
            break
        await voortgang.file_report(
            docent,
            enrolment_id,
            voortgang.ReportInput(
                kind="voortgang",
                period_end=period_end.isoformat(),
                levels={s: LEVELS[min(quarter, 3)] for s in SKILLS},
                advice="op_schema",
                exams={},
                exam_results="",
                remarks="",
            ),
            today,
        )
    # The gemeente's scope dates the closings: a school does not write a task's timestamps.
    gemeente = TenantData(regie)
    closed = await gemeente.select(PipTask, PipTask.id, PipTask.due_date).where(
        (PipTask.inburgeraar == await _case_of(TenantData(docent), enrolment_id))
        & PipTask.kind.like("taal.voortgang%")
        & (PipTask.status == "afgerond")
    )
    for task in closed:
        filed = task["due_date"] + timedelta(days=rng.choice((-9, -6, -4, -2, -1, 3, 8)))
        await gemeente.update(PipTask, task["id"], updated_at=_at(filed, 15, 0))


async def _case_of(school: TenantData, enrolment_id: int) -> int:
    row = await school.get(Enrolment, enrolment_id, Enrolment.inburgeraar)
    return row["inburgeraar"]


def _line(
    docent: Scope,
    lesson: dict,
    enrolment_id: int,
    case_id: int,
    absence: float,
    rng: random.Random,
) -> dict:
    draw = rng.random()
    if draw < absence * 0.6:
        status, attended, late = "ongeoorloofd", 0, 0
    elif draw < absence:
        status, attended, late = "geoorloofd", 0, 0
    elif draw < absence + 0.06:
        status, attended, late = "te_laat", LESSON_MINUTES - 30, 30
    else:
        status, attended, late = "aanwezig", LESSON_MINUTES, 0
    day = lesson["lesson_date"]
    return {
        "organisation": docent.organisation_id,
        "lesson": lesson["id"],
        "enrolment": enrolment_id,
        "inburgeraar": case_id,
        "lesson_date": day,
        "status": status,
        "minutes_late": late,
        "minutes_offered": LESSON_MINUTES,
        "minutes_attended": attended,
        "recorded_by": docent.person_id,
        "recorded_at": _at(day, 12, 0),
        # Now and then a learner leaves before confirming: the docent's register still holds.
        "confirmed_at": _at(day, 11, 55) if attended and rng.random() > 0.04 else None,
    }


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)
