"""One place for a number: a term in force that agrees the verzuim signal's window ("binnen
3 werkdagen") is the number the KPI measures with and the unsigned-register reminder uses;
the settings page shows it read-only with the convenant and refuses a second value."""

from __future__ import annotations

from datetime import date, timedelta

from litestar.testing import AsyncTestClient

from partners.convenants import terms
from partners.registry import register_all
from partners.taal.tables import Lesson
from portal.core.clock import today
from portal.core.database import current_engine
from portal.core.settings import Settings
from portal.core.validation import Checker
from portal.kpi import catalogue
from portal.kpi.periods import Period, PeriodKind
from portal.kpi.workdays import add_workdays, workday_on_or_before
from portal.notifications import reminder_settings, runner
from portal.notifications.tables import Notification
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.conftest import login, token
from tests.convenants.builders import Term, active_convenant, office, person
from tests.convenants.conftest import demo_convenant, scalar
from tests.kpi.builders import at, kpi_regio

register_all(web=False)

SIGNAL = "taal.verzuimsignaal_tijdig"
SETTINGS = "/r/alkmaar/instellingen"


async def test_an_agreed_window_is_what_the_signal_kpi_measures_with(db: Settings) -> None:
    regio = await kpi_regio()
    people = await office(regio)
    month = Period(date(2027, 3, 1), date(2027, 3, 31), PeriodKind.MAAND)
    learner = await regio.learner("Laat")
    enrolment = await regio.enrolment(learner)
    # Last lesson Monday 8 March, the signal on Thursday 11 March: 3 working days later.
    await regio.signal(enrolment, date(2027, 3, 8), at(date(2027, 3, 11)))
    kpi = catalogue.kpi(SIGNAL)
    assert kpi is not None and kpi.window == 2

    [before] = await kpi.measure(regio.scope, month, frozenset({regio.school}))
    assert (before.numerator, before.denominator) == (0, 1)

    await active_convenant(
        regio,
        people.organisation,
        date(2027, 1, 1),
        date(2027, 12, 31),
        terms=(Term(SIGNAL, target_centi=9000, tolerance_centi=8000, window_workdays=3),),
    )
    [after] = await kpi.measure(regio.scope, month, frozenset({regio.school}))
    assert (after.numerator, after.denominator) == (1, 1)
    [record] = await kpi.records(regio.scope, month, regio.school)
    assert record.met is True


async def test_the_register_reminder_waits_the_agreed_window(db: Settings) -> None:
    regio = await kpi_regio()
    people = await office(regio)
    docent = await person(regio, "docent@noord.test", regio.school, Role.TAALAANBIEDER)
    day = workday_on_or_before(today())
    await active_convenant(
        regio,
        people.organisation,
        day - timedelta(days=100),
        day + timedelta(days=100),
        terms=(Term(SIGNAL, window_workdays=4),),
    )
    assert (await reminder_settings.numbers(regio.scope, day))["register_unsigned"] == 4
    three = await regio.lesson(add_workdays(day, -3), register="leeg")
    four = await regio.lesson(add_workdays(day, -4), register="leeg")
    for lesson in (three, four):
        await regio.data.update(Lesson, lesson, docent=docent)

    await runner.run_reminders(regio.scope, day)
    rows = await (
        TenantData(regio.scope)
        .select(Notification, Notification.link_id)
        .where(Notification.kind == "register_unsigned")
    )
    assert [row["link_id"] for row in rows] == [four]


def test_only_a_timeliness_term_takes_a_window_and_the_sentence_says_it() -> None:
    register_all(web=False)
    checker = Checker()
    rows = [
        terms.TermInput(SIGNAL, "ge", "90", "80", "maand", window="3"),
        terms.TermInput("taal.aanwezigheid", "ge", "85", "80", "maand", window="3"),
        terms.TermInput("taal.eind_tijdig", "ge", "90", "80", "kwartaal", window="zes"),
    ]
    checked = terms.check_terms(rows, checker)
    assert [t.window_workdays for t in checked] == [3]
    assert checker.errors == {
        "term-2-window": "Bij afspraak 2 hoort geen termijn in werkdagen: laat leeg.",
        "term-3-window": "Vul bij afspraak 3 de termijn in als heel aantal werkdagen, van 0 "
        "tot en met 60.",
    }
    sentence = terms.sentence({**checked[0].__dict__})
    assert sentence == (
        "Verzuimsignaal op tijd binnen 3 werkdagen ≥ 90 % per maand, bijna gemist vanaf 80 %"
    )


async def _fix_demo_window(days: int) -> None:
    convenant = await demo_convenant()
    await current_engine().run_ddl(
        f"UPDATE convenant_term SET code = '{SIGNAL}', window_workdays = {days} "  # noqa: S608
        f"WHERE convenant = {convenant} AND line = 2"
    )


async def test_the_settings_page_shows_the_agreed_number_read_only_and_refuses_another(
    demo: Settings, client: AsyncTestClient
) -> None:
    await _fix_demo_window(3)
    await login(client, "beheer@alkmaar.demo")
    page = (await client.get(SETTINGS)).text
    assert 'name="herinnering_register_unsigned"' not in page
    assert "Presentielijst niet ondertekend (werkdagen na de les): 3" in page
    # The beheerder may not open the convenant: its title, no link.
    assert "Vastgelegd in convenant ‘Convenant taal Regio Alkmaar’ (afspraak 2)" in page
    assert 'name="herinnering_task_due"' in page

    response = await client.post(
        f"{SETTINGS}/herinneringen",
        data={
            "_csrf_token": await token(client, SETTINGS),
            "herinnering_register_unsigned": "5",
            "herinnering_task_due": "4",
        },
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert (
        "Dit getal is vastgelegd in convenant ‘Convenant taal Regio Alkmaar’ "
        "(afspraak 2): 3. Wijzig het in het convenant." in response.text
    )
    tenant = await scalar("SELECT id FROM regio WHERE slug = 'alkmaar'")
    system = Scope.system(tenant, "alkmaar", "test")
    numbers = await reminder_settings.numbers(system)
    assert (numbers["register_unsigned"], numbers["task_due"]) == (3, 3)


async def test_the_convenant_page_states_the_agreed_window(
    demo: Settings, client: AsyncTestClient
) -> None:
    await _fix_demo_window(3)
    await login(client, "coordinator@alkmaar.demo")
    page = (await client.get(f"/r/alkmaar/convenanten/{await demo_convenant()}")).text
    assert "Verzuimsignaal op tijd binnen 3 werkdagen ≥ 100 % per maand" in page
