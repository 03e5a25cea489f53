"""Small things users noticed on the case-file pages (issue 8, item 14): the printable plan,
the section menu of long pages, "Mijn taken" of the regievoerder, the "Voor" list of a task,
and Dutch plurals."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from portal.casefile import pip_tasks
from portal.casefile.routes import today
from portal.casefile.tables import PipTask
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from portal.web.templating import aantal
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.conftest import login, token
from tests.factories import case_with_pip, organisation_id

FAMILY = "Paginaproef"


async def _case(demo: Settings) -> tuple[Scope, int]:
    regie = await demo_scope("regievoerder@alkmaar.demo")
    case_id = await case_with_pip(
        regie,
        demo.data_key,
        "999980038",
        FAMILY,
        person={"given_names": "Lara", "birth_date": "1991-01-01"},
        niveau="",
        ontzorgen_months="6",
    )
    return regie, case_id


def _options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {
        label: value for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)<', select)
    }


async def test_the_printable_plan_leaves_out_internal_work_and_names_whom_to_call(
    demo: Settings, client: AsyncTestClient
) -> None:
    regie, case_id = await _case(demo)
    # An internal verzuim signal to the gemeente, as the taal package raises it.
    await pip_tasks.create_task(
        TenantData(regie),
        case_id,
        regie.organisation_id or 0,
        "taal.verzuim",
        "Verzuimsignaal: 3 lessen op rij",
        today(),
    )
    await login(client, "regievoerder@alkmaar.demo")
    plan = (await client.get(f"/r/alkmaar/inburgeraars/{case_id}/samenvatting")).text
    assert "Intake en plaatsingstoets" in plan
    for internal in ("Verzuimsignaal", "Aanmelden bij de taalaanbieder", "Ontzorgen evalueren"):
        assert internal not in plan, internal
    contact = plan.split("Vragen? Neem contact op")[1]
    for shown in ("Rachid Regie", "regievoerder@alkmaar.demo", "Gemeente Alkmaar", "072 548 88 88"):
        assert shown in contact, shown


async def test_long_pages_have_a_section_menu(demo: Settings, client: AsyncTestClient) -> None:
    _, case_id = await _case(demo)
    await login(client, "regievoerder@alkmaar.demo")
    for url in (f"/r/alkmaar/inburgeraars/{case_id}", f"/r/alkmaar/inburgeraars/{case_id}/intake"):
        html = (await client.get(url)).text
        nav = re.search(
            r'<nav class="portal-page-nav" aria-labelledby="op-deze-pagina">(.*?)</nav>', html, re.S
        )
        assert nav, url
        anchors = re.findall(r'href="#([^"]+)"', nav.group(1))
        assert len(anchors) >= 5, url
        for anchor in anchors:
            assert f'id="{anchor}"' in html, (url, anchor)


async def test_mijn_taken_shows_the_gemeentes_own_work_unless_asked_for_the_partners(
    demo: Settings, client: AsyncTestClient
) -> None:
    await _case(demo)
    await login(client, "regievoerder@alkmaar.demo")
    own = (await client.get(f"/r/alkmaar/taken?zoek={FAMILY}")).text
    assert "Aanmelden bij de taalaanbieder" in own
    assert "Intake en plaatsingstoets" not in own
    partners = (await client.get(f"/r/alkmaar/taken?zoek={FAMILY}&van=partners")).text
    assert "Intake en plaatsingstoets" in partners
    assert "Aanmelden bij de taalaanbieder" not in partners
    both = (await client.get(f"/r/alkmaar/taken?zoek={FAMILY}&van=alle")).text
    assert "Intake en plaatsingstoets" in both and "Aanmelden bij de taalaanbieder" in both


async def test_a_task_goes_only_to_the_own_gemeente_or_a_fitting_partner(
    demo: Settings, client: AsyncTestClient
) -> None:
    regie, case_id = await _case(demo)
    heiloo = str(await organisation_id(regie, "Gemeente Heiloo"))
    await login(client, "regievoerder@alkmaar.demo")
    csrf = await token(client)
    voor = _options(
        (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).text, "organisation_id"
    )
    assert "Gemeente Alkmaar" in voor and "Taalhuis Kennemerland" in voor
    assert "COA-locatie Alkmaar" in voor
    assert not [
        name for name in voor if name.startswith("Gemeente ") and name != "Gemeente Alkmaar"
    ]
    assert not [name for name in voor if name.startswith("Regiobureau")]

    count = TenantData(regie).count(PipTask).where(PipTask.inburgeraar == case_id)
    before = await count
    await client.post(
        f"/r/alkmaar/inburgeraars/{case_id}/taken",
        data={"title": "Naar Heiloo", "organisation_id": heiloo, "_csrf_token": csrf},
    )
    assert await TenantData(regie).count(PipTask).where(PipTask.inburgeraar == case_id) == before

    intake = await (
        TenantData(regie)
        .select(PipTask, PipTask.id, PipTask.assigned_organisation)
        .where((PipTask.inburgeraar == case_id) & (PipTask.kind == "taal.intake"))
        .first()
    )
    aan = _options((await client.get(f"/r/alkmaar/taken/{intake['id']}")).text, "organisation_id")
    assert set(aan) == {"Leerwerkplaats De Brug", "ROC Noordkust"}
    for wrong in (heiloo, str(await organisation_id(regie, "VluchtelingenWerk Noord-Holland"))):
        refused = await client.post(
            f"/r/alkmaar/taken/{intake['id']}/overdragen",
            data={"organisation_id": wrong, "_csrf_token": csrf},
        )
        assert refused.status_code == 400 and "Kies een organisatie die deze taak kan doen" in (
            refused.text
        )
    task = await TenantData(regie).get(PipTask, intake["id"], PipTask.assigned_organisation)
    assert task["assigned_organisation"] == intake["assigned_organisation"]


def test_counts_read_as_dutch() -> None:
    assert aantal(1, "inburgeraar", "inburgeraars") == "1 inburgeraar"
    assert aantal(0, "inburgeraar", "inburgeraars") == "0 inburgeraars"
    assert aantal(1234, "taak", "taken") == "1.234 taken"
    assert aantal(None, "taak", "taken") == "0 taken"
