"""The case file through the web, as the gemeente and its partners use it."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from portal.casefile.routes import today
from portal.core.database import current_engine
from tests.conftest import login, token

TODAY = today()


async def _case_id(client: AsyncTestClient, name: str) -> str:
    page = await client.get(f"/r/alkmaar/inburgeraars?zoek={name}")
    return re.search(r"/r/alkmaar/inburgeraars/(\d+)\"", page.text).group(1)


def _register_form(bsn: str, family: str, csrf: str) -> dict[str, str]:
    return {
        "bsn": bsn,
        "given_names": "Farah",
        "family_name": family,
        "birth_date": "1995-03-14",
        "doelgroep": "asielstatushouder",
        "brp_date": (TODAY - timedelta(days=20)).isoformat(),
        "plicht_start": (TODAY - timedelta(days=40)).isoformat(),
        "_csrf_token": csrf,
    }


async def _options(client: AsyncTestClient, path: str) -> dict[str, str]:
    html = (await client.get(path)).text
    return {
        name: value
        for value, name in re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', html)
    }


async def test_register_refuses_a_wrong_bsn_and_keeps_the_input(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    response = await client.post(
        "/r/alkmaar/inburgeraars/nieuw",
        data=_register_form("123456789", "Osman", await token(client)),
    )
    assert response.status_code == 400
    assert "Dit BSN klopt niet (de elfproef faalt)" in response.text
    assert 'value="Osman"' in response.text


async def test_duplicate_bsn_names_the_record_only_to_who_may_see_it(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    own = await client.post(
        "/r/alkmaar/inburgeraars/nieuw",
        data=_register_form("999990019", "Dubbel", await token(client)),
    )
    assert own.status_code == 400 and "staat al bij Amina Haddad" in own.text
    client.cookies.clear()
    await login(client, "regievoerder@heiloo.demo")
    other = await client.post(
        "/r/alkmaar/inburgeraars/nieuw",
        data=_register_form("999990019", "Dubbel", await token(client)),
    )
    assert other.status_code == 400
    # Another gemeente's case: the neutral answer, nothing about whose it is.
    assert "Dit BSN kan hier niet worden ingeschreven" in other.text
    assert "Haddad" not in other.text and "andere gemeente" not in other.text


async def test_bsn_never_stored_or_logged_in_plain_text(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case_id = await _case_id(client, "Haddad")
    assert "999990019" in (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).text
    engine = current_engine()
    for table in ("inburgeraar", "audit_entry", "timeline_event"):
        rows = await engine.run_ddl(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
        assert "999990019" not in str(rows), table
    audit = await engine.run_ddl(
        f"SELECT action FROM audit_entry WHERE subject_ref = 'inburgeraar:{case_id}'"  # noqa: S608
    )
    assert {"create", "read"} <= {row["action"] for row in audit}


async def test_partner_sees_only_its_cases_and_no_bsn(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case_id = await _case_id(client, "Haddad")
    tesfay = await _case_id(client, "Tesfay")
    client.cookies.clear()
    await login(client, "docent@taal.alkmaar.demo")
    tasks = (await client.get("/r/alkmaar/taken")).text
    assert "Intake en plaatsingstoets" in tasks and "Participatieverklaringstraject" not in tasks
    case = await client.get(f"/r/alkmaar/inburgeraars/{case_id}")
    assert case.status_code == 200 and "Haddad" in case.text
    assert "999990019" not in case.text and "******" not in case.text
    # A case without a task for this school does not exist for it.
    assert (await client.get(f"/r/alkmaar/inburgeraars/{tesfay}")).status_code == 404
    for email in ("docent@roc.alkmaar.demo", "coa@alkmaar.demo"):
        client.cookies.clear()
        await login(client, email)
        assert (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).status_code == 404
        assert "Haddad" not in (await client.get("/r/alkmaar/taken")).text


async def test_regievoerder_of_another_gemeente_sees_nothing_of_alkmaar(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case_id = await _case_id(client, "Haddad")
    client.cookies.clear()
    await login(client, "regievoerder@heiloo.demo")
    assert (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).status_code == 404
    listing = (await client.get("/r/alkmaar/inburgeraars")).text
    assert "Bekele" in listing and "Haddad" not in listing


async def test_partner_reports_progress_but_cannot_cancel_or_reassign(
    client: AsyncTestClient,
) -> None:
    await login(client, "docent@taal.alkmaar.demo")
    tasks = (await client.get("/r/alkmaar/taken")).text
    task_id = re.search(r'/r/alkmaar/taken/(\d+)">Intake en plaatsingstoets', tasks).group(1)
    csrf = await token(client, f"/r/alkmaar/taken/{task_id}")
    cancel = await client.post(
        f"/r/alkmaar/taken/{task_id}/voortgang", data={"status": "vervallen", "_csrf_token": csrf}
    )
    assert cancel.status_code == 400 and "Deze status kunt u niet kiezen." in cancel.text
    blocked = await client.post(
        f"/r/alkmaar/taken/{task_id}/voortgang", data={"status": "geblokkeerd", "_csrf_token": csrf}
    )
    assert blocked.status_code == 400 and "waarom de taak geblokkeerd is" in blocked.text
    ok = await client.post(
        f"/r/alkmaar/taken/{task_id}/voortgang",
        data={
            "text": "Intake gepland",
            "status": "in_behandeling",
            "progress": "20",
            "_csrf_token": csrf,
        },
    )
    assert ok.status_code == 200 and "Intake gepland" in ok.text and "In behandeling" in ok.text
    reassign = await client.post(
        f"/r/alkmaar/taken/{task_id}/overdragen", data={"organisation_id": "1", "_csrf_token": csrf}
    )
    assert reassign.status_code == 403


async def test_changed_pip_moves_and_lapses_tasks_but_keeps_progress(
    client: AsyncTestClient,
) -> None:
    await login(client, "docent@taal.alkmaar.demo")
    tasks = (await client.get("/r/alkmaar/taken")).text
    task_id = re.search(r'/r/alkmaar/taken/(\d+)">Intake en plaatsingstoets', tasks).group(1)
    await client.post(
        f"/r/alkmaar/taken/{task_id}/voortgang",
        data={
            "text": "Eerste afspraak gemaakt",
            "_csrf_token": await token(client, f"/r/alkmaar/taken/{task_id}"),
        },
    )
    client.cookies.clear()
    await login(client, "regievoerder@alkmaar.demo")
    case_id = await _case_id(client, "Haddad")
    orgs = await _options(client, f"/r/alkmaar/inburgeraars/{case_id}/pip")
    csrf = await token(client, f"/r/alkmaar/inburgeraars/{case_id}/pip")
    form = {
        "dagtekening": TODAY.isoformat(),
        "leerroute": "B",
        "niveau": "B1",
        "alfabetisering": "NVT",
        "knm": "1",
        "map": "1",
        "begeleiding": "1",
        "ontzorgen_months": "6",
        "taalaanbieder": orgs["ROC Noordkust"],
        "begeleider_organisation": orgs["VluchtelingenWerk Noord-Holland"],
        "participatie_organisation": orgs["Werkkracht Participatie"],
        "actie": "vaststellen",
        "_csrf_token": csrf,
    }
    missing_reason = await client.post(f"/r/alkmaar/inburgeraars/{case_id}/pip", data=form)
    assert missing_reason.status_code == 400 and "Beschrijf wat er verandert" in missing_reason.text
    form["change_summary"] = "Andere taalaanbieder; PVT al gedaan in het azc."
    done = await client.post(f"/r/alkmaar/inburgeraars/{case_id}/pip", data=form)
    assert done.status_code == 200 and "PIP versie 2 vastgesteld" in done.text
    task = (await client.get(f"/r/alkmaar/taken/{task_id}")).text
    assert "ROC Noordkust" in task and "Eerste afspraak gemaakt" in task and "Overgedragen" in task
    case = (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).text
    pvt_row = re.search(r"Participatieverklaringstraject \(PVT\).*?</tr>", case, re.S).group(0)
    assert "Vervallen" in pvt_row
    client.cookies.clear()
    await login(client, "docent@taal.alkmaar.demo")
    assert (await client.get(f"/r/alkmaar/taken/{task_id}")).status_code == 404


async def test_pip_rules_reach_the_user_in_dutch(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case_id = await _case_id(client, "Tesfay")
    response = await client.post(
        f"/r/alkmaar/inburgeraars/{case_id}/pip",
        data={
            "dagtekening": (TODAY - timedelta(days=200)).isoformat(),
            "leerroute": "Z",
            "niveau": "B1",
            "actie": "vaststellen",
            "_csrf_token": await token(client, f"/r/alkmaar/inburgeraars/{case_id}/pip"),
        },
    )
    assert response.status_code == 400
    assert "vóór de start van de inburgeringsplicht" in response.text
    assert "Niveau B1 kan niet samen met de Z-route." in response.text
    assert "Kies de taalaanbieder" in response.text
    case = (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).text
    assert "Er ligt een concept" in case and "Geen taken" not in case


async def test_caseload_filters_on_the_pip_deadline_and_exports_for_excel(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    late = (await client.get("/r/alkmaar/inburgeraars?termijn_pip=te_laat")).text.split(
        'id="resultaten"'
    )[1]
    assert "Al-Masri" in late and "Yusuf" not in late
    soon = (await client.get("/r/alkmaar/inburgeraars?termijn_pip=binnenkort")).text.split(
        'id="resultaten"'
    )[1]
    assert "Tesfay" in soon and "Al-Masri" not in soon
    export = await client.get("/r/alkmaar/inburgeraars/export.csv?termijn_pip=te_laat")
    assert export.content.startswith("\ufeff".encode())
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Dossier;Achternaam")
    assert "Al-Masri" in text and "Yusuf" not in text and "999990032" not in text
    # A BSN is searched through the posted form (never in the URL, see portal/web/search.py).
    by_bsn = (
        await client.post(
            "/r/alkmaar/zoeken",
            data={
                "lijst": "/r/alkmaar/inburgeraars",
                "_tekst": "zoek",
                "zoek": "999990044",
                "_csrf_token": await token(client),
            },
        )
    ).text.split('id="resultaten"')[1]
    assert "Yusuf" in by_bsn and "Tesfay" not in by_bsn


async def test_plain_language_summary_for_the_inburgeraar(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case_id = await _case_id(client, "Haddad")
    summary = await client.get(f"/r/alkmaar/inburgeraars/{case_id}/samenvatting")
    assert summary.status_code == 200
    text = summary.text
    assert "Uw plan voor inburgering" in text and "B1-route" in text
    assert "U heeft 3 jaar." in text and "Taalhuis Kennemerland" in text
    assert "999990019" not in text
    client.cookies.clear()
    await login(client, "docent@taal.alkmaar.demo")
    assert (await client.get(f"/r/alkmaar/inburgeraars/{case_id}/samenvatting")).status_code == 403


async def test_start_page_shows_what_needs_attention(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    home = (await client.get("/r/alkmaar/")).text
    late = re.search(r"PIP te laat</a></h3>\s*<p class=\"portal-card__figure\">(\d+)", home)
    assert late and late.group(1) == "1"  # Al-Masri, 90 days after BRP without a PIP
    client.cookies.clear()
    await login(client, "docent@taal.alkmaar.demo")
    home = (await client.get("/r/alkmaar/")).text
    assert "Taken binnen 30 dagen" in home and "PIP te laat" not in home


async def test_afronden_ends_the_case_and_lapses_open_tasks(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case_id = await _case_id(client, "Haddad")
    url = f"/r/alkmaar/inburgeraars/{case_id}"
    csrf = await token(client, url)
    refused = await client.post(f"{url}/afronden", data={"reason": "", "_csrf_token": csrf})
    assert "Kies waarom de inburgering is afgerond." in refused.text
    done = await client.post(f"{url}/afronden", data={"reason": "examen", "_csrf_token": csrf})
    assert "De inburgering is afgerond." in done.text
    assert "Inburgering afgerond: inburgeringsexamen gehaald" in done.text
    tasks = re.search(r'id="taken".*?</table>', done.text, re.S).group(0)
    assert "Open" not in tasks and "Vervallen" in tasks
    client.cookies.clear()
    await login(client, "docent@taal.alkmaar.demo")
    assert "Haddad" not in (await client.get("/r/alkmaar/taken")).text


async def test_household_links_cases_of_one_gemeente(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    haddad = await _case_id(client, "Haddad")
    tesfay = await _case_id(client, "Tesfay")
    url = f"/r/alkmaar/inburgeraars/{tesfay}"
    csrf = await token(client, url)
    done = await client.post(
        f"{url}/huishouden",
        data={"other": haddad, "household_role": "partner", "_csrf_token": csrf},
    )
    assert "Gekoppeld aan het huishouden." in done.text and "Amina Haddad" in done.text
    other_side = (await client.get(f"/r/alkmaar/inburgeraars/{haddad}")).text
    assert "Yonas Tesfay" in other_side and "Partner" in other_side
    client.cookies.clear()
    await login(client, "regievoerder@heiloo.demo")
    listing = await client.get("/r/alkmaar/inburgeraars?zoek=Bekele")
    bekele = re.search(r"/r/alkmaar/inburgeraars/(\d+)\"", listing.text).group(1)
    foreign = await client.post(
        f"/r/alkmaar/inburgeraars/{bekele}/huishouden",
        data={
            "other": haddad,
            "household_role": "partner",
            "_csrf_token": await token(client, f"/r/alkmaar/inburgeraars/{bekele}"),
        },
    )
    assert (
        "Dit dossier bestaat niet in uw gemeente." in foreign.text and "Haddad" not in foreign.text
    )


async def test_case_can_be_handed_to_a_colleague_of_the_same_gemeente(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case_id = await _case_id(client, "Tesfay")
    url = f"/r/alkmaar/inburgeraars/{case_id}"
    refused = await client.post(
        f"{url}/regievoerder",
        data={"regievoerder": "99999", "_csrf_token": await token(client, url)},
    )
    assert "Kies een regievoerder van uw gemeente." in refused.text
    options = re.findall(
        r'<option value="(\d+)"[^>]*>Rachid Regie</option>', (await client.get(url)).text
    )
    assert options
    moved = await client.post(
        f"{url}/regievoerder",
        data={"regievoerder": options[0], "_csrf_token": await token(client, url)},
    )
    assert (
        "De regievoerder is gewijzigd." in moved.text
        and "Regievoerder is nu Rachid Regie" in moved.text
    )
