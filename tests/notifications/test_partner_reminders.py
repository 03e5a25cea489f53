"""The taal and coa reminder kinds on hand-made data: who gets one, when, and that it stops
once the thing is done (an unsent mail of it is withdrawn)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from partners.coa.tables import Overdracht
from partners.registry import register_all
from partners.taal.tables import Lesson, VerzuimSignal
from portal.core.clock import today
from portal.core.settings import Settings
from portal.kpi.workdays import add_workdays, workday_on_or_before
from portal.notifications import outbox, runner
from portal.notifications.tables import MAIL_NONE, Notification
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Membership, Organisation, Person
from tests.kpi.builders import KpiRegio, kpi_regio

register_all(web=False)


@dataclass
class People:
    docent: int
    other_docent: int
    regievoerder: int


async def _person(regio: KpiRegio, email: str, organisation: int, role: Role) -> int:
    made = await Person.insert(Person(email=email, full_name=email.split("@")[0])).returning(
        Person.id
    )
    person = made[0]["id"]
    await regio.data.insert(Membership, person=person, organisation=organisation, role=role.value)
    return person


async def _people(regio: KpiRegio) -> People:
    return People(
        docent=await _person(regio, "docent@noord.test", regio.school, Role.TAALAANBIEDER),
        other_docent=await _person(
            regio, "docent@zuid.test", regio.other_school, Role.TAALAANBIEDER
        ),
        regievoerder=await _person(regio, "regie@proef.test", regio.gemeente, Role.REGIEVOERDER),
    )


async def _rows(regio: KpiRegio, kind: str) -> list[dict]:
    return await (
        TenantData(regio.scope)
        .select(
            Notification,
            Notification.recipient,
            Notification.link_id,
            Notification.mail_status,
            Notification.read_at,
        )
        .where(Notification.kind == kind)
        .order_by(Notification.id)
    )


async def test_the_docent_of_an_unsigned_register_is_reminded_until_it_is_signed(
    db: Settings,
) -> None:
    regio = await kpi_regio()
    people = await _people(regio)
    # A working day: on a weekend the count starts from Friday (test_beat_week.py).
    day = workday_on_or_before(today())
    late = await regio.lesson(add_workdays(day, -2), register="leeg")
    recent = await regio.lesson(add_workdays(day, -1), register="leeg")
    signed = await regio.lesson(add_workdays(day, -5))
    cancelled = await regio.lesson(add_workdays(day, -6), status="geannuleerd", register="leeg")
    other = await regio.lesson(add_workdays(day, -3), regio.other_school, register="leeg")
    for lesson in (late, recent, signed, cancelled):
        await regio.data.update(Lesson, lesson, docent=people.docent)
    await regio.data.update(Lesson, other, docent=people.other_docent)

    report = await runner.run_reminders(regio.scope, day)
    assert report.new["register_unsigned"] == 2
    rows = await _rows(regio, "register_unsigned")
    assert {(r["recipient"], r["link_id"]) for r in rows} == {
        (people.docent, late),
        (people.other_docent, other),
    }
    # The docent's inbox links to the register; the other school's docent cannot open it.
    docent = Scope(regio.scope.tenant_id, "kpi", people.docent, regio.school, Role.TAALAANBIEDER)
    [item] = await outbox.inbox(docent)
    assert item.title == f"Presentielijst nog niet ondertekend: Groep {regio.school}"
    assert item.href == f"/r/kpi/lessen/{late}"
    # Again the same day: nothing new. Signed: the reminder stops and its mail is withdrawn.
    assert (await runner.run_reminders(regio.scope, day)).new["register_unsigned"] == 0
    await regio.data.update(Lesson, late, register_status="ondertekend")
    assert (await runner.run_reminders(regio.scope, day)).withdrawn == 1
    withdrawn = [r for r in await _rows(regio, "register_unsigned") if r["link_id"] == late]
    assert withdrawn[0]["mail_status"] == MAIL_NONE and withdrawn[0]["read_at"] is not None


async def test_a_verzuim_signal_without_follow_up_reminds_the_gemeentes_regievoerder(
    db: Settings,
) -> None:
    regio = await kpi_regio()
    people = await _people(regio)
    learner = await regio.learner("Verzuimer")
    enrolment = await regio.enrolment(learner)
    now = datetime.now(UTC)
    old = await regio.signal(enrolment, today() - timedelta(days=7), now - timedelta(days=4))
    await regio.signal(enrolment, today() - timedelta(days=2), now - timedelta(days=1))

    await runner.run_reminders(regio.scope, today())
    rows = await _rows(regio, "verzuim_open")
    assert [(r["recipient"], r["link_id"]) for r in rows] == [(people.regievoerder, learner)]
    # Followed up: no new reminder, the unsent one withdrawn.
    await regio.data.update(VerzuimSignal, old, follow_up="gesprek", follow_up_at=now)
    report = await runner.run_reminders(regio.scope, today())
    assert report.new["verzuim_open"] == 0 and report.withdrawn == 1


async def test_an_overdracht_waiting_for_acceptance_reminds_the_gemeente_not_the_coa(
    db: Settings,
) -> None:
    regio = await kpi_regio()
    people = await _people(regio)
    coa = await regio.data.insert(Organisation, name="COA Proef", kind="coa")
    await _person(regio, "coa@proef.test", coa, Role.COA)
    now = datetime.now(UTC)

    async def overdracht(status: str, submitted_days_ago: int | None) -> int:
        submitted = None if submitted_days_ago is None else now - timedelta(submitted_days_ago)
        return await regio.data.insert(
            Overdracht,
            coa_organisation=coa,
            gemeente=regio.gemeente,
            status=status,
            koppeling_date=today() - timedelta(days=20),
            submitted_at=submitted,
        )

    waiting = await overdracht("ingediend", 6)
    await overdracht("ingediend", 2)
    await overdracht("concept", None)
    await runner.run_reminders(regio.scope, today())
    rows = await _rows(regio, "overdracht_waiting")
    assert [(r["recipient"], r["link_id"]) for r in rows] == [(people.regievoerder, waiting)]
    await regio.data.update(Overdracht, waiting, status="geaccepteerd")
    report = await runner.run_reminders(regio.scope, today())
    assert report.new["overdracht_waiting"] == 0 and report.withdrawn == 1
