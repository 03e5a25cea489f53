"""Need-to-know for begeleiding and PVT: a begeleider sees only the work named to them, never a
colleague's inburgeraar, checklist, contact moments or task thread, nor another
organisation's or regio's; other roles are refused; every personal-data read is audited."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from partners.begeleiding.tables import Begeleiding, ChecklistItem, ContactMoment, Pvt, PvtWorkshop
from portal.casefile.tables import Inburgeraar, PipTask, TaskUpdate, TimelineEvent
from tenants import accounts
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.begeleiding.conftest import ANDERE_ORG, BEA, COLLEGA, PASSWORD, ZAANSTREEK, scalar
from tests.conftest import login, token

HTMX = {"hx-request": "true"}


def _urls(ids: dict[str, int]) -> list[tuple[str, str]]:
    """Every begeleiding route on Bea's rows (Haddad), as (method, url)."""
    b, p = ids["haddad_begeleiding"], ids["haddad_pvt"]
    return [
        ("GET", f"/r/alkmaar/begeleiding/{b}"),
        ("POST", f"/r/alkmaar/begeleiding/{b}/checklist"),
        ("POST", f"/r/alkmaar/begeleiding/{b}/contactmomenten"),
        ("POST", f"/r/alkmaar/begeleiding/{b}/afsluiten"),
        ("POST", f"/r/alkmaar/begeleiding/taken/{b}/begeleider"),
        ("GET", f"/r/alkmaar/begeleiding/pvt/{p}"),
        ("POST", f"/r/alkmaar/begeleiding/pvt/{p}/workshops"),
        ("POST", f"/r/alkmaar/begeleiding/pvt/{p}/aanwezigheid"),
        ("POST", f"/r/alkmaar/begeleiding/pvt/{p}/verklaring"),
    ]


def _case_urls(ids: dict[str, int]) -> list[tuple[str, str]]:
    """The case file's own pages of Bea's case and task (a begeleider elsewhere sees none)."""
    return [
        ("GET", f"/r/alkmaar/inburgeraars/{ids['haddad']}"),
        ("GET", f"/r/alkmaar/inburgeraars/{ids['haddad']}/begeleiding"),
        ("GET", f"/r/alkmaar/taken/{ids['haddad_begeleiding']}"),
        ("GET", f"/r/alkmaar/taken/{ids['haddad_pvt']}"),
    ]


FORM = {
    "item": "bank",
    "status": "geregeld",
    "held_on": "01-11-2026",
    "kind": "telefoon",
    "report": "Een eindverslag dat lang genoeg is om te kunnen versturen.",
    "person": "0",
    "title": "Vrijheid",
    "planned_on": "01-11-2026",
    "workshop": "1",
    "attendance": "aanwezig",
    "verklaring_on": "01-11-2026",
}


async def _try_all(
    client: AsyncTestClient, urls: list[tuple[str, str]], expected: set[int]
) -> None:
    csrf = await token(client)
    for method, url in urls:
        if method == "GET":
            response = await client.get(url, follow_redirects=False)
        else:
            response = await client.post(
                url, data={**FORM, "_csrf_token": csrf}, follow_redirects=False
            )
        assert response.status_code in expected, f"{method} {url} -> {response.status_code}"
        assert "Haddad" not in response.text, f"{method} {url} leaked the name"
        assert "Sleutels ontvangen" not in response.text


@pytest.mark.parametrize("who", ["collega", "andere_org"])
async def test_other_begeleiders_get_404_on_beas_work(
    ids: dict[str, int], client: AsyncTestClient, who: str
) -> None:
    await login(client, {"collega": COLLEGA, "andere_org": ANDERE_ORG}[who], PASSWORD)
    if who == "collega":
        await _try_all(client, _urls(ids) + _case_urls(ids), {404})
    else:
        # The participatie partner has open work on Haddad's case (the MAP task), so the
        # case opens for it (issue 8, item 11); Bea's begeleiding and PVT stay out of sight.
        await _try_all(client, _urls(ids) + _case_urls(ids)[2:], {404})
        for _, url in _case_urls(ids)[:2]:
            response = await client.get(url)
            assert response.status_code == 200
            assert "Sleutels ontvangen" not in response.text
    overview = await client.get("/r/alkmaar/begeleiding")
    assert overview.status_code == 200
    mine, unnamed = overview.text.split('id="nog-toewijzen"')
    assert "Haddad" not in overview.text and "U begeleidt nog niemand" in mine
    # The colleague at VluchtelingenWerk sees the unnamed work (Gebre; Ahmadi's PVT, while
    # her begeleiding is Bea's) to take it on; the other organisation sees none of it.
    for name in ("Tesfalem Gebre", "Layla Ahmadi"):
        assert (name in unnamed) is (who == "collega")
    # Bea's tasks are not in anyone else's "Mijn taken".
    tasks = await client.get("/r/alkmaar/taken?status=alle")
    for task in ("haddad_begeleiding", "haddad_pvt"):
        assert f'/r/alkmaar/taken/{ids[task]}"' not in tasks.text


@pytest.mark.parametrize(
    "email", ["docent@taal.alkmaar.demo", "coa@alkmaar.demo", "coordinator@alkmaar.demo"]
)
async def test_other_roles_are_refused(
    ids: dict[str, int], client: AsyncTestClient, email: str
) -> None:
    await login(client, email)
    await _try_all(client, _urls(ids) + _case_urls(ids)[1:2], {403, 404})
    assert (await client.get("/r/alkmaar/begeleiding")).status_code == 403


async def test_other_gemeente_and_other_regio_get_404(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, "regievoerder@heiloo.demo")
    panel = await client.get(f"/r/alkmaar/inburgeraars/{ids['haddad']}/begeleiding")
    assert panel.status_code == 404 and "Haddad" not in panel.text
    client.cookies.clear()
    await login(client, ZAANSTREEK, PASSWORD)
    for url in (
        f"/r/alkmaar/begeleiding/{ids['haddad_begeleiding']}",
        f"/r/zaanstreek/begeleiding/{ids['haddad_begeleiding']}",
        f"/r/zaanstreek/begeleiding/pvt/{ids['haddad_pvt']}",
        f"/r/zaanstreek/inburgeraars/{ids['haddad']}/begeleiding",
    ):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert "Haddad" not in response.text
    overview = await client.get("/r/zaanstreek/begeleiding")
    assert overview.status_code == 200 and "Gebre" not in overview.text


async def test_naming_stays_inside_the_organisation(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, BEA)
    csrf = await token(client)
    base = "/r/alkmaar/begeleiding/taken"
    task = ids["gebre_begeleiding"]
    outsider = await client.post(
        f"{base}/{task}/begeleider", data={"person": ids["andere_org"], "_csrf_token": csrf}
    )
    assert (
        outsider.status_code == 400 and "Kies een begeleider van uw organisatie." in outsider.text
    )
    # Not a begeleiding or PVT task: not found, whatever the form says.
    intake = await client.post(
        f"{base}/{ids['haddad_intake']}/begeleider",
        data={"person": ids["bea"], "_csrf_token": csrf},
    )
    assert intake.status_code == 404
    # Bea hands Haddad's begeleiding to her colleague: from then on she sees none of it.
    handed = await client.post(
        f"{base}/{ids['haddad_begeleiding']}/begeleider",
        data={"person": ids["collega"], "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert handed.status_code == 303
    assert (
        await client.get(f"/r/alkmaar/begeleiding/{ids['haddad_begeleiding']}")
    ).status_code == 404
    # Haddad's PVT is still Bea's, so the case itself stays visible to her.
    assert (await client.get(f"/r/alkmaar/begeleiding/pvt/{ids['haddad_pvt']}")).status_code == 200

    client.cookies.clear()
    await login(client, COLLEGA, PASSWORD)
    page = await client.get(f"/r/alkmaar/begeleiding/{ids['haddad_begeleiding']}")
    assert page.status_code == 200 and "4 van 11 punten geregeld" in page.text
    # The PVT stays Bea's: the colleague does not see it.
    assert (await client.get(f"/r/alkmaar/begeleiding/pvt/{ids['haddad_pvt']}")).status_code == 404


async def test_a_reassigned_task_loses_its_named_begeleider(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    csrf = await token(client)
    werkkracht = await scalar("SELECT id FROM organisation WHERE name = 'Werkkracht Participatie'")
    moved = await client.post(
        f"/r/alkmaar/taken/{ids['haddad_pvt']}/overdragen",
        data={"organisation_id": werkkracht, "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    named = await scalar(f"SELECT assigned_person FROM pip_task WHERE id = {ids['haddad_pvt']}")  # noqa: S608
    assert named is None
    client.cookies.clear()
    await login(client, ANDERE_ORG, PASSWORD)
    overview = await client.get("/r/alkmaar/begeleiding")
    assert "Amina Haddad" in overview.text.split('id="nog-toewijzen"')[1]


def _scope(tenant: int, person: int, organisation: int) -> Scope:
    return Scope(tenant, "alkmaar", person, organisation, Role.BEGELEIDER)


async def test_rules_give_a_colleague_no_rows_of_beas_cases(ids: dict[str, int]) -> None:
    tenant = await scalar("SELECT id FROM regio WHERE slug = 'alkmaar'")
    vwn = await scalar("SELECT id FROM organisation WHERE name = 'VluchtelingenWerk Noord-Holland'")
    bea = TenantData(_scope(tenant, ids["bea"], vwn))
    collega = TenantData(_scope(tenant, ids["collega"], vwn))
    # The same person acting for another organisation does not take Bea's work along.
    elsewhere = TenantData(_scope(tenant, ids["bea"], vwn + 1000))
    haddad = ids["haddad"]
    for data, expected in ((bea, True), (collega, False), (elsewhere, False)):
        for table, condition in (
            (Inburgeraar, Inburgeraar.id == haddad),
            (TimelineEvent, TimelineEvent.inburgeraar == haddad),
            (TaskUpdate, TaskUpdate.task.inburgeraar == haddad),
            (PipTask, PipTask.inburgeraar == haddad),
            (Begeleiding, Begeleiding.inburgeraar == haddad),
            (ChecklistItem, ChecklistItem.id > 0),
            (ContactMoment, ContactMoment.id > 0),
            (Pvt, Pvt.inburgeraar == haddad),
            (PvtWorkshop, PvtWorkshop.id > 0),
        ):
            found = await data.exists(table).where(condition)
            assert found is expected, f"{table.__name__} for {data.scope.person_id}"


async def test_personal_data_reads_and_writes_are_audited(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    subject = f"inburgeraar:{ids['haddad']}"
    checks = (("read", "begeleiding"), ("update", "begeleiding"), ("read", "pvt"))

    async def counts() -> list[int]:
        return [
            await scalar(
                "SELECT COUNT(*) AS n FROM audit_entry WHERE "  # noqa: S608
                f"action = '{action}' AND object_type = '{object_type}' "
                f"AND subject_ref = '{subject}' AND actor_person_id = {ids['bea']} "
                "AND actor_role = 'begeleider'"
            )
            for action, object_type in checks
        ]

    before = await counts()
    await login(client, BEA)
    task = ids["haddad_begeleiding"]
    page = await client.get(f"/r/alkmaar/begeleiding/{task}")
    csrf = await token(client)
    await client.post(
        f"/r/alkmaar/begeleiding/{task}/checklist",
        data={"item": "bank", "status": "geregeld", "_csrf_token": csrf},
        headers=HTMX,
    )
    await client.get(f"/r/alkmaar/begeleiding/pvt/{ids['haddad_pvt']}")
    assert page.status_code == 200
    # Exactly one entry per read or write, naming the person by a pseudonymous reference.
    assert [after - was for after, was in zip(await counts(), before, strict=True)] == [1, 1, 1]
    assert "999990019" not in page.text


async def test_a_lapsed_begeleiding_ends_the_begeleiders_view(
    ids: dict[str, int], client: AsyncTestClient
) -> None:
    ahmadi = await scalar("SELECT id FROM inburgeraar WHERE family_name = 'Ahmadi'")
    task = await scalar(
        "SELECT id FROM pip_task WHERE kind = 'begeleiding' "  # noqa: S608
        f"AND inburgeraar = {ahmadi}"
    )
    # Without an "inzage na einde werk" (tests/security/test_access_ends_with_work.py tries
    # the read-only period).
    await accounts.set_regio_partner_access_days(
        await scalar("SELECT id FROM regio WHERE slug = 'alkmaar'"), 0
    )
    await login(client, BEA)
    assert (await client.get(f"/r/alkmaar/begeleiding/{task}")).status_code == 200
    client.cookies.clear()
    await login(client, "regievoerder@alkmaar.demo")
    lapsed = await client.post(
        f"/r/alkmaar/taken/{task}/voortgang",
        data={"text": "PIP gewijzigd", "status": "vervallen", "_csrf_token": await token(client)},
        follow_redirects=False,
    )
    assert lapsed.status_code == 303
    client.cookies.clear()
    await login(client, BEA)
    for url in (
        f"/r/alkmaar/begeleiding/{task}",
        f"/r/alkmaar/inburgeraars/{ahmadi}",
        f"/r/alkmaar/inburgeraars/{ahmadi}/begeleiding",
    ):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert "Ahmadi" not in response.text
    assert (
        "Layla Ahmadi"
        not in (await client.get("/r/alkmaar/begeleiding")).text.split('id="nog-toewijzen"')[0]
    )
