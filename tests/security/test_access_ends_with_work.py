"""Access ends when the work ends (issue 8, item 6).

A partner opens a case only while it has open work on it. When the PIP moves the route to
another school, the first school no longer reads the case; when the gemeente closes the
case, no partner sees it; what a partner wrote on its own ended task stays readable (never
writable) for the regio's "inzage na einde werk", and not a day longer.

Each test registers its own case through the services people use, so what is asserted is
what the test did, not what the demo happens to hold.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient

from portal.casefile import inburgeraars, pip_tasks, pips, timeline
from portal.casefile.routes import today
from portal.casefile.tables import Inburgeraar, PipTask
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from tenants import accounts
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tests.conftest import login, token
from tests.factories import case_with_pip, pip_input

REGIE = "regievoerder@alkmaar.demo"
SCHOOL_A = "docent@taal.alkmaar.demo"  # Taalhuis Kennemerland
SCHOOL_B = "docent@roc.alkmaar.demo"  # ROC Noordkust
BEGELEIDER = "begeleider@alkmaar.demo"
PARTICIPATIE = "participatie@alkmaar.demo"
FAMILY = "Werkeinde"


def _bsn(seed: int) -> str:
    """A BSN in the test range (99999xxxx) that passes the elfproef."""
    for last in range(seed, seed + 1000):
        number = f"99998{last:03d}"[:8]
        total = sum(int(d) * w for d, w in zip(number, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return number + str(check)
    raise AssertionError("no BSN found")


async def _pip(regie: Scope, school: str, *, change: str = "") -> pips.PipInput:
    return await pip_input(regie, taalaanbieder=school, change_summary=change)


async def _case_with_pip(demo: Settings, seed: int) -> tuple[Scope, int]:
    """A new case of Gemeente Alkmaar with a vastgesteld PIP naming school A."""
    regie = await demo_scope(REGIE)
    return regie, await case_with_pip(regie, demo.data_key, _bsn(seed), FAMILY)


async def _task(regie: Scope, case_id: int, kind: str) -> int:
    row = await (
        TenantData(regie)
        .select(PipTask, PipTask.id)
        .where((PipTask.inburgeraar == case_id) & (PipTask.kind == kind))
        .first()
    )
    return row["id"]


async def _reads_case(scope: Scope, case_id: int, data_key: str) -> bool:
    try:
        await inburgeraars.get_case(scope, case_id, data_key)
    except NotFound:
        return False
    return True


async def _reads_task(scope: Scope, task_id: int) -> bool:
    try:
        await pip_tasks.get_task(scope, task_id)
    except NotFound:
        return False
    return True


async def _writes_task(scope: Scope, task_id: int) -> bool:
    try:
        await pip_tasks.report_progress(
            scope, task_id, pip_tasks.ProgressInput(text="Nog iets", status="", progress="")
        )
    except NotFound:
        return False
    return True


async def _close(scope: Scope, task_id: int) -> None:
    await pip_tasks.report_progress(
        scope, task_id, pip_tasks.ProgressInput(text="Klaar", status="afgerond", progress="")
    )


async def test_school_a_loses_the_case_when_the_route_moves_to_school_b(
    demo: Settings, client: AsyncTestClient
) -> None:
    regie, case_id = await _case_with_pip(demo, 100)
    school_a, school_b = (
        await demo_scope(SCHOOL_A, Role.TAALAANBIEDER),
        await demo_scope(SCHOOL_B, Role.TAALAANBIEDER),
    )
    intake, knm = await _task(regie, case_id, "taal.intake"), await _task(regie, case_id, "knm")
    assert await _reads_case(school_a, case_id, demo.data_key)
    assert not await _reads_case(school_b, case_id, demo.data_key)
    # School A finishes the KNM lessons: its own ended work.
    await _close(school_a, knm)

    # The gemeente changes the PIP: the route goes to school B.
    await pips.save_concept(
        regie, case_id, await _pip(regie, "ROC Noordkust", change="Andere school")
    )
    await pips.vaststellen(regie, case_id, today())

    assert not await _reads_case(school_a, case_id, demo.data_key)
    assert await _reads_case(school_b, case_id, demo.data_key)
    # The moved task is school B's now: school A neither reads nor writes it.
    assert not await _reads_task(school_a, intake) and await _reads_task(school_b, intake)
    assert not await _writes_task(school_a, intake)
    # School A's timeline of the case is gone with the case.
    assert await timeline.events(school_a, case_id) == []
    # What school A wrote itself stays readable for the regio's period, never writable.
    assert await _reads_task(school_a, knm)
    assert not await _writes_task(school_a, knm)

    # Through the web: the case page and the moved task answer 404 without the name.
    await login(client, SCHOOL_A)
    for url in (f"/r/alkmaar/inburgeraars/{case_id}", f"/r/alkmaar/taken/{intake}"):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert FAMILY not in response.text
    tasks = await client.get("/r/alkmaar/taken?status=alle")
    assert f'/r/alkmaar/taken/{intake}"' not in tasks.text
    refused = await client.post(
        f"/r/alkmaar/taken/{knm}/voortgang",
        data={"text": "Toch nog", "status": "in_behandeling", "_csrf_token": await token(client)},
    )
    assert refused.status_code == 404
    assert (
        await TenantData(regie)
        .count(PipTask)
        .where((PipTask.id == knm) & (PipTask.status == "afgerond"))
        == 1
    )


async def test_no_partner_sees_a_closed_case(demo: Settings) -> None:
    regie, case_id = await _case_with_pip(demo, 200)
    partners = {
        "taalaanbieder": await demo_scope(SCHOOL_A, Role.TAALAANBIEDER),
        "participatie": await demo_scope(PARTICIPATIE, Role.BEGELEIDER),
        "begeleider": await demo_scope(BEGELEIDER, Role.BEGELEIDER),
    }
    # The begeleider takes the begeleiding on; the school ends one task of its own, which
    # would keep it readable for the regio's period on an open case.
    begeleiding = await _task(regie, case_id, "begeleiding")
    await TenantData(regie).update(
        PipTask, begeleiding, assigned_person=partners["begeleider"].person_id
    )
    await _close(partners["taalaanbieder"], await _task(regie, case_id, "knm"))
    for name, scope in partners.items():
        assert await _reads_case(scope, case_id, demo.data_key), name

    await pips.afronden(regie, case_id, "examen")

    for name, scope in partners.items():
        data = TenantData(scope)
        assert not await _reads_case(scope, case_id, demo.data_key), name
        assert await data.count(Inburgeraar).where(Inburgeraar.id == case_id) == 0, name
        assert await data.count(PipTask).where(PipTask.inburgeraar == case_id) == 0, name
        assert await timeline.events(scope, case_id) == [], name
    # The gemeente keeps its closed case.
    assert await _reads_case(regie, case_id, demo.data_key)


async def test_the_read_only_period_is_the_regios_and_ends(
    demo: Settings, client: AsyncTestClient
) -> None:
    regie, case_id = await _case_with_pip(demo, 300)
    school = await demo_scope(SCHOOL_A, Role.TAALAANBIEDER)
    participatie = await demo_scope(PARTICIPATIE, Role.BEGELEIDER)

    # The beheerder sets the period on the regio's settings page.
    await login(client, "beheer@alkmaar.demo")
    wrong = await client.post(
        "/r/alkmaar/instellingen",
        data={"partner_access_days": "400", "_csrf_token": await token(client)},
    )
    assert wrong.status_code == 400 and "van 0 tot en met 90" in wrong.text
    saved = await client.post(
        "/r/alkmaar/instellingen",
        data={"partner_access_days": "30", "_csrf_token": await token(client)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert await accounts.regio_partner_access_days(regie.tenant_id or 0) == 30

    # With 30 days, an ended task is readable (not writable) until 30 days from now.
    knm = await _task(regie, case_id, "knm")
    await _close(school, knm)
    ends = (
        await TenantData(regie)
        .select(PipTask, PipTask.partner_access_ends)
        .where(PipTask.id == knm)
    )
    assert ends[0]["partner_access_ends"] == today() + timedelta(days=30)
    assert await _reads_task(school, knm) and not await _writes_task(school, knm)

    # With 0 days the work closes the day it ends: the participatie partner's MAP task.
    saved = await client.post(
        "/r/alkmaar/instellingen",
        data={"partner_access_days": "0", "_csrf_token": await token(client)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    map_task = await _task(regie, case_id, "map")
    assert await _reads_case(participatie, case_id, demo.data_key)
    await _close(participatie, map_task)
    assert not await _reads_task(participatie, map_task)
    assert not await _reads_case(participatie, case_id, demo.data_key)

    # When the period has passed, the ended task is gone too (its end moved into the past,
    # as time would).
    await TenantData(Scope.system(regie.tenant_id or 0, "alkmaar", "test")).update(
        PipTask, knm, partner_access_ends=today()
    )
    assert not await _reads_task(school, knm)


@pytest.mark.parametrize("status", ["afgerond", "vervallen"])
async def test_an_ended_task_no_longer_opens_the_case(demo: Settings, status: str) -> None:
    regie, case_id = await _case_with_pip(demo, 400 if status == "afgerond" else 500)
    participatie = await demo_scope(PARTICIPATIE, Role.BEGELEIDER)
    assert await _reads_case(participatie, case_id, demo.data_key)
    # The gemeente ends the MAP task (the participatie partner's only work on the case).
    await pip_tasks.report_progress(
        regie,
        await _task(regie, case_id, "map"),
        pip_tasks.ProgressInput(text="Niet meer nodig", status=status, progress=""),
    )
    assert not await _reads_case(participatie, case_id, demo.data_key)
