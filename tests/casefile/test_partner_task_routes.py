"""The task routes × every role that works on tasks (issue 8, item 11: the participatie
partner saw its MAP tasks but got 404 on every status change).

One case, made by the test through the services, gives each partner its own task: the
taalaanbieder the taal tasks, the participatie partner the MAP, the begeleider its named
begeleiding, COA a task added by hand. Every person then tries every task on every task
route: their own answers and changes, anyone else's answers 404 and changes nothing.
"""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from portal.casefile import pip_tasks
from portal.casefile.routes import today
from portal.casefile.tables import PipTask, TaskUpdate
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.conftest import login, token
from tests.factories import case_with_pip, organisation_id

REGIE = "regievoerder@alkmaar.demo"
FAMILY = "Takenproef"


def _owner(key: str) -> str | None:
    """Who works on a task of the test's case (by kind); None: the gemeente's own work."""
    if key.startswith("taal.") or key == "knm":
        return "docent@taal.alkmaar.demo"
    return {
        "map": "participatie@alkmaar.demo",
        "begeleiding": "begeleider@alkmaar.demo",
        "coa": "coa@alkmaar.demo",
    }.get(key)


# Every person who may log in to the task routes, and a few who may not see this case.
PEOPLE = (
    "docent@taal.alkmaar.demo",
    "docent@roc.alkmaar.demo",
    "participatie@alkmaar.demo",
    "begeleider@alkmaar.demo",
    "coa@alkmaar.demo",
    "regievoerder@heiloo.demo",
    "docent@zaanstreek.demo",
    "regievoerder@zaanstreek.demo",
)


async def _case_with_tasks(demo: Settings) -> tuple[Scope, dict[str, int]]:
    regie = await demo_scope(REGIE)
    case_id = await case_with_pip(
        regie,
        demo.data_key,
        "999980014",
        FAMILY,
        person={"given_names": "Rana", "birth_date": "1992-02-02", "languages": "Dari"},
    )
    await pip_tasks.add_task(
        regie,
        case_id,
        pip_tasks.NewTask(
            title="Huisvestingsgegevens nasturen",
            organisation_id=str(await organisation_id(regie, "COA-locatie Alkmaar")),
            due_date="",
        ),
        today(),
    )
    rows = await (
        TenantData(regie)
        .select(PipTask, PipTask.id, PipTask.kind)
        .where(PipTask.inburgeraar == case_id)
    )
    tasks = {("coa" if row["kind"] == "handmatig" else row["kind"]): row["id"] for row in rows}
    bea = await demo_scope("begeleider@alkmaar.demo", Role.BEGELEIDER)
    await TenantData(regie).update(PipTask, tasks["begeleiding"], assigned_person=bea.person_id)
    return regie, tasks


async def _state(regie: Scope, task_id: int) -> tuple[str, int]:
    data = TenantData(regie)
    task = await data.get(PipTask, task_id, PipTask.status)
    return task["status"], await data.count(TaskUpdate).where(TaskUpdate.task == task_id)


async def test_every_partner_role_works_its_own_tasks_and_no_one_elses(
    demo: Settings, client: AsyncTestClient
) -> None:
    regie, tasks = await _case_with_tasks(demo)
    for email in PEOPLE:
        client.cookies.clear()
        await login(client, email)
        csrf = await token(client)
        inbox = (await client.get(f"/r/alkmaar/taken?status=alle&zoek={FAMILY}")).text
        for key, task_id in tasks.items():
            if key == "pvt" and email == "begeleider@alkmaar.demo":
                continue  # unnamed: see test_a_begeleider_takes_an_unnamed_task_on_...
            own = _owner(key) == email
            url = f"/r/alkmaar/taken/{task_id}"
            assert (f'href="{url}"' in inbox) is own, (email, key)
            page = await client.get(url)
            assert page.status_code == (200 if own else 404), (email, key)
            if not own:
                assert FAMILY not in page.text, (email, key)
            before = await _state(regie, task_id)
            changed = await client.post(
                f"{url}/voortgang",
                data={
                    "text": "Wacht op een document",
                    "status": "geblokkeerd",
                    "blocked_reason": "Wacht op een document",
                    "_csrf_token": csrf,
                },
                follow_redirects=False,
            )
            after = await _state(regie, task_id)
            if own:
                assert changed.status_code == 303, (email, key, changed.status_code)
                assert after == ("geblokkeerd", before[1] + 1), (email, key)
            else:
                assert changed.status_code == 404, (email, key, changed.status_code)
                assert after == before, (email, key)
            # Handing a task to another organisation is the gemeente's, never a partner's.
            moved = await client.post(
                f"{url}/overdragen",
                data={"organisation_id": "1", "_csrf_token": csrf},
                follow_redirects=False,
            )
            assert moved.status_code in (403, 404), (email, key)
            assert await _state(regie, task_id) == after

    # The gemeente works every task of its case.
    client.cookies.clear()
    await login(client, REGIE)
    csrf = await token(client)
    for key, task_id in tasks.items():
        response = await client.post(
            f"/r/alkmaar/taken/{task_id}/voortgang",
            data={"text": "Weer verder", "status": "in_behandeling", "_csrf_token": csrf},
            follow_redirects=False,
        )
        assert response.status_code == 303, key
        assert (await _state(regie, task_id))[0] == "in_behandeling", key


async def test_a_begeleider_takes_an_unnamed_task_on_before_changing_it(
    demo: Settings, client: AsyncTestClient
) -> None:
    regie, tasks = await _case_with_tasks(demo)
    # Nothing on this case is named to Bea; the PVT is VluchtelingenWerk's, named to nobody:
    # a begeleider sees it to take it on, not the case behind it.
    await TenantData(regie).update(PipTask, tasks["begeleiding"], assigned_person=None)
    client.cookies.clear()
    await login(client, "begeleider@alkmaar.demo")
    url = f"/r/alkmaar/taken/{tasks['pvt']}"
    assert (await client.get(url)).status_code == 200
    before = await _state(regie, tasks["pvt"])
    refused = await client.post(
        f"{url}/voortgang",
        data={"text": "", "status": "in_behandeling", "_csrf_token": await token(client)},
    )
    assert refused.status_code == 400 and "Neem de taak eerst op u" in refused.text
    assert await _state(regie, tasks["pvt"]) == before
