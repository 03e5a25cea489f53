"""A regio's beheerder shapes the task plan that vastgestelde PIP's create."""

from __future__ import annotations

import re
from datetime import date

from litestar.testing import AsyncTestClient

from portal.casefile.routes import today
from portal.casefile.task_templates import Override, plan
from tests.conftest import login, token

DAG = date(2026, 11, 20)


def _plan(**overrides: Override):
    return plan(
        leerroute="B",
        knm=True,
        map_module=True,
        pvt=True,
        ontzorgen_months=6,
        begeleiding=True,
        dagtekening=DAG,
        overrides=overrides,
    )


def test_default_plan_for_a_b1_route() -> None:
    kinds = {task.kind for task in _plan()}
    assert {
        "taal.intake",
        "taal.voortgang.1",
        "taal.voortgang.4",
        "pvt",
        "map",
        "ontzorgen.evaluatie",
    } <= kinds
    evaluation = next(t for t in _plan() if t.kind == "ontzorgen.evaluatie")
    assert evaluation.due_date == date(2027, 5, 19)  # end of 6 months of ontzorgen


def test_onderwijsroute_has_no_map() -> None:
    tasks = plan(
        leerroute="O",
        knm=True,
        map_module=True,
        pvt=True,
        ontzorgen_months=0,
        begeleiding=False,
        dagtekening=DAG,
    )
    assert "map" not in {task.kind for task in tasks}


def test_overrides_rename_move_and_switch_off() -> None:
    tasks = _plan(
        **{
            "taal.intake": Override("Kennismaking op school", 10, True),
            "knm": Override(None, None, False),
        }
    )
    intake = next(t for t in tasks if t.kind == "taal.intake")
    assert intake.title == "Kennismaking op school" and intake.due_date == date(2026, 11, 30)
    assert "knm" not in {t.kind for t in tasks}


async def test_beheerder_changes_the_plan_and_the_next_pip_follows_it(
    client: AsyncTestClient,
) -> None:
    await login(client, "beheer@alkmaar.demo")
    url = "/r/alkmaar/instellingen/taken"
    page = await client.get(url)
    assert page.status_code == 200 and "Intake en plaatsingstoets" in page.text
    form = {
        k: v for k, v in re.findall(r'name="((?:title|days)-[^"]+)" value="([^"]*)"', page.text)
    }
    form.update(
        {k: "1" for k in re.findall(r'name="(enabled-[^"]+)" value="1" checked', page.text)}
    )
    form["title-taal.intake"] = "Kennismaking op school"
    form["days-taal.intake"] = "10"
    del form["enabled-knm"]
    bad = await client.post(
        url, data={**form, "days-pvt": "veel", "_csrf_token": await token(client, url)}
    )
    assert bad.status_code == 400 and "Vul een aantal dagen van 0 tot 1095 in." in bad.text
    ok = await client.post(url, data={**form, "_csrf_token": await token(client, url)})
    assert ok.status_code == 200 and "Kennismaking op school" in ok.text
    client.cookies.clear()
    await login(client, "regievoerder@alkmaar.demo")
    listing = await client.get("/r/alkmaar/inburgeraars?zoek=Yusuf")
    case_id = re.search(r"/r/alkmaar/inburgeraars/(\d+)\"", listing.text).group(1)
    pip_url = f"/r/alkmaar/inburgeraars/{case_id}/pip"
    options = dict(
        (name, value)
        for value, name in re.findall(
            r'<option value="(\d+)"[^>]*>([^<]+)</option>', (await client.get(pip_url)).text
        )
    )
    response = await client.post(
        pip_url,
        data={
            "dagtekening": today().isoformat(),
            "leerroute": "B",
            "knm": "1",
            "pvt": "1",
            "begeleiding": "1",
            "ontzorgen_months": "6",
            "alfabetisering": "NVT",
            "taalaanbieder": options["Taalhuis Kennemerland"],
            "begeleider_organisation": options["VluchtelingenWerk Noord-Holland"],
            "actie": "vaststellen",
            "_csrf_token": await token(client, pip_url),
        },
    )
    assert response.status_code == 200, response.text[-2000:]
    assert "Kennismaking op school" in response.text
    assert "Lessen Kennis van de Nederlandse Maatschappij" not in response.text
    client.cookies.clear()
    await login(client, "docent@taal.alkmaar.demo")
    assert (await client.get(url)).status_code == 403


async def test_every_task_of_the_demo_carries_its_case_gemeente(demo: object) -> None:
    """The regievoerder's inbox filters on pip_task.gemeente: a task made without it would
    be invisible to the gemeente. All task-making paths of the demo must fill it."""
    from portal.core.database import current_engine

    rows = await current_engine().run_ddl(
        "SELECT COUNT(*) AS n FROM pip_task t JOIN inburgeraar i ON i.id = t.inburgeraar "
        "WHERE t.gemeente IS NULL OR t.gemeente <> i.gemeente"
    )
    assert rows[0]["n"] == 0
    assert (await current_engine().run_ddl("SELECT COUNT(*) AS n FROM pip_task"))[0]["n"] > 0
