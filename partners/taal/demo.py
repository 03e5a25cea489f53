"""Demo data of the taal package, on top of the case-file demo (idempotent).

Taalhuis Kennemerland (docent@taal.alkmaar.demo, Dirk Docent) runs group "NT2 B1
ochtend" with a lesson every weekday (and today) from 09:00 to 12:00. Four inburgeraars of
Gemeente Alkmaar have a PIP naming the Taalhuis, were aangemeld by the gemeente, had their
intake and sit in the group. The last three lessons before today have signed registers:
Omar Saleh was ongeoorloofd afwezig three times in a row (one verzuim signal to the
gemeente), Lina Kovalenko twice (a third time today raises the next signal). Yara Mansour
has a voortgangsrapportage. The learners' personal codes are fixed for the demo and
listed in docs/taal.md: they confirm presence on the docent's screen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from partners.taal import enrolments, registers, rooster, voortgang
from partners.taal.tables import Enrolment, Group, Lesson
from portal.casefile import inburgeraars, pips
from portal.casefile.tables import Inburgeraar
from portal.core import bsn
from portal.core.passwords import hash_password
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation

REGIEVOERDER = "regievoerder@alkmaar.demo"
DOCENT = "docent@taal.alkmaar.demo"
SCHOOL = "Taalhuis Kennemerland"
GROUP = "NT2 B1 ochtend"
# (BSN, given names, family name, birth date, languages, personal code), registered here:
# the case-file demo's own cases (Amina Haddad's open intake task) stay as they are.
LEARNERS = (
    ("999990251", "Yara", "Mansour", "1994-03-21", "Arabisch, Engels", "246810"),
    ("999990202", "Omar", "Saleh", "1990-05-17", "Arabisch", "135790"),
    ("999990214", "Lina", "Kovalenko", "1996-08-02", "Oekraïens, Russisch", "112233"),
    ("999990226", "Fatima", "Noorzai", "1988-12-09", "Dari", "445566"),
)
# Who was ongeoorloofd afwezig at the last three lessons before today (oldest first).
ABSENT = (("Saleh",), ("Saleh", "Kovalenko"), ("Saleh", "Kovalenko"))


@lru_cache(maxsize=8)
def _code_hash(code: str) -> str:
    # argon2 is slow on purpose: hash each demo code once per process, not once per seed.
    return hash_password(code)


async def _case(regie: Scope, data_key: str, learner: tuple, today: date) -> int:
    number, given, family, birth, languages, _code = learner
    data = TenantData(regie)
    found = (
        await data.select(Inburgeraar, Inburgeraar.id)
        .where(Inburgeraar.bsn_index == bsn.index(number, data_key))
        .first()
    )
    if found:
        return found["id"]
    brp = today - timedelta(days=70)
    inburgeraar_id = await inburgeraars.register(
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
            languages=languages,
            interpreter_needed=False,
            phone="06 12345678",
            email="",
        ),
        data_key,
        today,
    )
    school = (
        await data.select(Organisation, Organisation.id).where(Organisation.name == SCHOOL).first()
    )
    await pips.save_concept(
        regie,
        inburgeraar_id,
        pips.PipInput(
            dagtekening=(today - timedelta(days=40)).isoformat(),
            leerroute="B",
            niveau="B1",
            intensiteit_b1="900",
            reasoning="Leerbaarheidstoets voldoende.",
            knm=True,
            map=False,
            pvt=False,
            begeleiding=False,
            taalaanbieder=str(school["id"]),
        ),
    )
    await pips.vaststellen(regie, inburgeraar_id, today)
    return inburgeraar_id


async def seed(data_key: str, today: date) -> list[str]:
    """Create what is missing of this package's demo; returns a line per thing created."""
    regie = await demo_scope(REGIEVOERDER, Role.REGIEVOERDER)
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    school = TenantData(docent)
    if await school.exists(Group).where(Group.name == GROUP):
        return []
    created = [f"taalgroep {GROUP} ({SCHOOL})"]
    group_id = await rooster.create_group(
        docent,
        rooster.GroupInput(
            name=GROUP,
            docent_id=str(docent.person_id),
            location="Taalhuis Alkmaar, lokaal 2",
            capacity="16",
            start_date=(today - timedelta(days=28)).isoformat(),
            end_date=(today + timedelta(days=180)).isoformat(),
        ),
    )
    days = {0, 1, 2, 3, 4, today.weekday()}
    for weekday in sorted(days):
        await rooster.add_slot(docent, group_id, rooster.SlotInput(str(weekday), "09:00", "12:00"))
    await rooster.generate_lessons(docent, group_id, today, since=today - timedelta(days=7))
    start = today - timedelta(days=7)
    for learner in LEARNERS:
        inburgeraar_id = await _case(regie, data_key, learner, today)
        enrolment_id = await enrolments.send_aanmelding(regie, inburgeraar_id)
        await enrolments.accept(docent, enrolment_id)
        await enrolments.record_intake(
            docent,
            enrolment_id,
            enrolments.IntakeInput(
                intake_date=(start - timedelta(days=7)).isoformat(),
                levels={
                    "lezen": "A1",
                    "luisteren": "A2",
                    "spreken": "A1",
                    "schrijven": "A1",
                    "knm": "A0",
                },
                hours_per_week="15",
                notes="",
            ),
            today,
        )
        await enrolments.place(
            docent, enrolment_id, enrolments.Placement(str(group_id), start.isoformat(), ""), today
        )
        # The gemeente sent the aanmelding a week before the intake, not today.
        aangemeld = datetime.combine(start - timedelta(days=14), time(10), UTC)
        await school.update(Enrolment, enrolment_id, created_at=aangemeld)
        code = learner[5]
        await enrolments.renew_code(docent, enrolment_id, (code, _code_hash(code)))
        created.append(f"leerling {learner[1]} {learner[2]}, persoonlijke code {code}")
    past = await (
        school.select(Lesson, Lesson.id)
        .where(Lesson.groep == group_id)
        .where(Lesson.lesson_date < today)
        .order_by(Lesson.lesson_date, ascending=False)
        .limit(len(ABSENT))
    )
    enrolled = {
        row["family_name"]: row["id"]
        for row in await school.select(
            Enrolment, Enrolment.id, Enrolment.inburgeraar.family_name.as_alias("family_name")
        ).where(Enrolment.groep == group_id)
    }
    for lesson, absent in zip(reversed(past), ABSENT, strict=False):
        lines = {
            enrolment_id: registers.LineInput("ongeoorloofd" if name in absent else "aanwezig")
            for name, enrolment_id in enrolled.items()
        }
        await registers.save(docent, lesson["id"], lines, "", today)
        await registers.sign(docent, lesson["id"], today)
    await voortgang.file_report(
        docent,
        enrolled["Mansour"],
        voortgang.ReportInput(
            kind="voortgang",
            period_end=(today - timedelta(days=1)).isoformat(),
            levels={
                "lezen": "A2",
                "luisteren": "A2",
                "spreken": "A1",
                "schrijven": "A1",
                "knm": "A1",
            },
            advice="op_schema",
            exams={"knm": "gehaald"},
            exam_results="KNM-examen gehaald.",
            remarks="Actieve deelname; spreken verdient extra oefening.",
        ),
        today,
    )
    return created
