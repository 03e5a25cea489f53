"""The regio's reminder numbers on its settings page: the beheerder changes them, a wrong
number is refused in Dutch with what was typed kept, and the next reminder run uses them."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from partners.registry import register_all
from portal.casefile import pip_tasks
from portal.casefile.tables import Inburgeraar
from portal.core.clock import today
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from portal.kpi.workdays import add_workdays
from portal.notifications import reminder_settings, runner
from portal.notifications.tables import Notification
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.conftest import login, token

register_all(web=False)

SETTINGS = "/r/alkmaar/instellingen"


async def _system() -> Scope:
    beheerder = await demo_scope("beheer@alkmaar.demo", Role.BEHEERDER)
    return Scope.system(beheerder.tenant_id or 0, "alkmaar", "test")


async def _post(client: AsyncTestClient, **fields: str):
    data = {"_csrf_token": await token(client, SETTINGS), **fields}
    return await client.post(f"{SETTINGS}/herinneringen", data=data, follow_redirects=False)


async def test_the_beheerder_sets_the_reminder_numbers_and_the_next_run_uses_them(
    demo: Settings, client: AsyncTestClient
) -> None:
    await login(client, "beheer@alkmaar.demo")
    form = (await client.get(SETTINGS)).text
    assert "Taak bijna verlopen (werkdagen vooraf)" in form
    assert 'name="herinnering_task_due" type="text" value="3"' in form
    assert "Standaard 3. Van 0 tot en met 20." in form

    response = await _post(client, herinnering_task_due="12", herinnering_verzuim_open="7")
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "De herinneringen van de regio zijn opgeslagen." in page.text
    assert 'name="herinnering_task_due" type="text" value="12"' in page.text
    system = await _system()
    numbers = await reminder_settings.numbers(system)
    assert (numbers["task_due"], numbers["verzuim_open"], numbers["pip_deadline"]) == (12, 7, 8)

    # A task due in 10 working days is reminded of now (with the default 3 it would not be).
    rachid = await demo_scope("regievoerder@alkmaar.demo")
    case = await TenantData(rachid).select(Inburgeraar, Inburgeraar.id).first()
    due = add_workdays(today(), 10)
    await pip_tasks.add_task(
        rachid,
        case["id"],
        pip_tasks.NewTask("Tolk regelen", str(rachid.organisation_id), due.isoformat()),
        today(),
    )
    await runner.run_reminders(system, today())
    titles = await (
        TenantData(system)
        .select(Notification, Notification.title)
        .where(Notification.recipient == rachid.person_id)
        .output(as_list=True)
    )
    assert "Taak bijna verlopen: Tolk regelen" in titles


async def test_a_wrong_number_is_refused_in_dutch_kept_as_typed_and_nothing_is_saved(
    demo: Settings, client: AsyncTestClient
) -> None:
    await login(client, "beheer@alkmaar.demo")
    response = await _post(
        client,
        herinnering_task_due="5",
        herinnering_register_unsigned="twee",
        herinnering_pip_deadline="10",
    )
    assert response.status_code == 400
    assert "Vul een heel aantal in, van 0 tot en met 20." in response.text
    assert "Vul een heel aantal in, van 1 tot en met 9." in response.text
    assert 'name="herinnering_register_unsigned" type="text" value="twee"' in response.text
    assert 'name="herinnering_task_due" type="text" value="5"' in response.text
    # All or nothing: the right number is not saved either.
    numbers = await reminder_settings.numbers(await _system())
    assert (numbers["task_due"], numbers["register_unsigned"]) == (3, 2)


async def test_only_the_beheerder_changes_the_numbers(
    demo: Settings, client: AsyncTestClient
) -> None:
    await login(client, "coordinator@alkmaar.demo")
    csrf = await token(client, "/r/alkmaar/meldingen")
    response = await client.post(
        f"{SETTINGS}/herinneringen",
        data={"_csrf_token": csrf, "herinnering_task_due": "0"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert (await reminder_settings.numbers(await _system()))["task_due"] == 3


async def test_a_pip_warning_in_week_0_is_refused(demo: Settings, client: AsyncTestClient) -> None:
    """Week 0 would warn about every new case on the day it is registered."""
    await login(client, "beheer@alkmaar.demo")
    response = await _post(client, herinnering_pip_deadline="0")
    assert response.status_code == 400
    assert "Vul een heel aantal in, van 1 tot en met 9." in response.text
    numbers = await reminder_settings.numbers(await _system())
    assert numbers["pip_deadline"] == 8
