"""A number or id that COA sends never reaches a record by itself.

The threat: COA registers a household member who carries the V-nummer or BSN of someone
who already has a case. If acceptance linked on that number, the existing case would get
COA as its COA-locatie with COA's housing date (COA reads it again), COA's text would land
in that person's brede intake, and the real newcomer would get no case. Only the
regievoerder's explicit choice, made beside the differences, links an existing case; a
number known on a case of another gemeente is reported without saying whose it is, and can
neither be linked nor registered twice. The same holds for the gemeente COA chooses and the
ids in the buttons of COA's page.
"""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from partners.coa.acceptance import KNOWN_ELSEWHERE
from partners.coa.tables import Overdracht, OverdrachtDocument, OverdrachtPerson
from portal.casefile.tables import Inburgeraar, IntakeEntry
from portal.core.audit import AuditEntry
from tenants.tables import Organisation
from tests.coa.test_warme_overdracht import (
    PROFILE,
    TALK,
    _person,
    _post,
    accept,
    complete_and_submit,
    koppeling,
    save_page,
    start_overdracht,
)
from tests.conftest import login, token

EXISTING_BSN = "999992004"
ELSEWHERE_BSN = "999992016"
NEWCOMER_BSN = "999992028"
EXISTING_V = "3099000001"


async def _register(
    client: AsyncTestClient, given: str, family: str, born: str, number: str, v_nummer: str = ""
) -> int:
    """A case the gemeente registered itself, with an intake section already worked on."""
    response = await _post(
        client,
        "/r/alkmaar/inburgeraars/nieuw",
        {
            "bsn": number,
            "v_nummer": v_nummer,
            "given_names": given,
            "family_name": family,
            "birth_date": born,
            "doelgroep": "asielstatushouder",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 303, response.text[-2000:]
    case_path = response.headers["location"]
    saved = await _post(
        client,
        f"{case_path}/intake",
        {
            "section": "opleiding_werk",
            "opleiding": "Vakschool",
            "werkervaring": "Eigen zaak",
            "_csrf_token": await token(client),
        },
    )
    assert saved.status_code == 303, saved.text[-2000:]
    return int(case_path.rsplit("/", 1)[1])


async def _state(case_id: int) -> dict[str, Any]:
    """What acceptance could wrongly change on an existing case."""
    row = await (
        Inburgeraar.select(
            Inburgeraar.coa_organisation,
            Inburgeraar.koppeling_date,
            Inburgeraar.housing_date,
            Inburgeraar.household,
        )
        .where(Inburgeraar.id == case_id)
        .first()
    )
    row["intake_entries"] = await IntakeEntry.count().where(IntakeEntry.inburgeraar == case_id)
    return row


async def _status(path: str) -> str:
    overdracht_id = int(path.rsplit("/", 1)[1])
    row = await Overdracht.select(Overdracht.status).where(Overdracht.id == overdracht_id).first()
    return row["status"]


async def _saba(path: str) -> dict[str, Any]:
    return await (
        OverdrachtPerson.select(
            OverdrachtPerson.id, OverdrachtPerson.inburgeraar, OverdrachtPerson.linked_existing
        )
        .where(OverdrachtPerson.overdracht == int(path.rsplit("/", 1)[1]))
        .where(OverdrachtPerson.given_names == "Saba")
        .first()
    )


async def _gebremedhin_cases() -> int:
    return await Inburgeraar.count().where(Inburgeraar.family_name == "Gebremedhin")


async def test_a_v_nummer_of_another_case_links_nothing_without_the_gemeentes_decision(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    amanuel = await _register(client, "Amanuel", "Tekle", "1980-04-04", EXISTING_BSN, EXISTING_V)
    other = await (
        Inburgeraar.select(Inburgeraar.id)
        .where(Inburgeraar.gemeente == (await _organisation("Gemeente Alkmaar")))
        .where(Inburgeraar.id != amanuel)
        .first()
    )
    before = await _state(amanuel)

    # COA sends Saba with Amanuel's V-nummer (and a BSN of her own).
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    saba = _person("partner", "Saba", "1991-07-20", v_nummer=EXISTING_V, bsn=NEWCOMER_BSN)
    await complete_and_submit(client, path, partner=saba)
    saba_id = (await _saba(path))["id"]

    await login(client, "regievoerder@alkmaar.demo")
    page = (await client.get(path)).text
    assert f'name="dossier_{saba_id}" value="nieuw" checked' in page, "new case is the default"
    assert f"Koppelen aan bestaand dossier {amanuel} (Amanuel Tekle)" in page
    assert "Saba Gebremedhin (verschilt)" not in page and "Amanuel Tekle (verschilt)" in page
    assert f"Het BSN of V-nummer van Saba Gebremedhin staat al in dossier {amanuel}" in page

    # Without a decision: no case may carry that V-nummer twice, so nothing is accepted.
    refused = await accept(client, path)
    assert refused.status_code == 400
    assert f"staat al in dossier {amanuel}" in refused.text
    # An id the page did not offer (another case of the same gemeente) is refused too.
    crafted = await accept(client, path, **{f"dossier_{saba_id}": str(other["id"])})
    assert crafted.status_code == 400
    assert "kies een dossier uit de lijst" in crafted.text
    assert await _status(path) == "ingediend"
    assert await _state(amanuel) == before, "the existing case kept its COA access and intake"
    assert await _gebremedhin_cases() == 0, "nothing was half-written"
    await login(client, "coa@alkmaar.demo")
    assert (await client.get(f"/r/alkmaar/inburgeraars/{amanuel}")).status_code == 404

    # With the regievoerder's explicit choice it links, and says so.
    await login(client, "regievoerder@alkmaar.demo")
    linked = await accept(client, path, **{f"dossier_{saba_id}": str(amanuel)})
    assert linked.status_code == 303, linked.text[-2000:]
    assert await _status(path) == "geaccepteerd"
    assert await _saba(path) == {"id": saba_id, "inburgeraar": amanuel, "linked_existing": True}
    after = await _state(amanuel)
    assert after["coa_organisation"] == await _organisation("COA-locatie Alkmaar")
    assert after["intake_entries"] > before["intake_entries"], "empty sections pre-filled"
    assert await AuditEntry.exists().where(
        (AuditEntry.action == "link_overdracht")
        & (AuditEntry.subject_ref == f"inburgeraar:{amanuel}")
    )
    case = (await client.get(f"/r/alkmaar/inburgeraars/{amanuel}")).text
    assert "Door de regievoerder gekoppeld aan de warme overdracht" in case
    assert "gekoppeld door de gemeente" in (await client.get(path)).text


async def test_a_bsn_of_another_gemeente_is_not_named_linked_or_registered_twice(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@heiloo.demo")
    senait = await _register(client, "Senait", "Habte", "1979-09-09", ELSEWHERE_BSN)
    before = await _state(senait)

    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    saba = _person("partner", "Saba", "1991-07-20", bsn=ELSEWHERE_BSN)
    await complete_and_submit(client, path, partner=saba)
    saba_id = (await _saba(path))["id"]

    await login(client, "regievoerder@alkmaar.demo")
    page = (await client.get(path)).text
    assert KNOWN_ELSEWHERE in page, "the acceptance page warns, neutrally"
    assert "Habte" not in page and "Senait" not in page and "Heiloo" not in page
    assert f'value="{senait}"' not in page, "a case the regievoerder cannot see is no choice"

    refused = await accept(client, path)
    assert refused.status_code == 400
    assert KNOWN_ELSEWHERE in refused.text and "Habte" not in refused.text
    crafted = await accept(client, path, **{f"dossier_{saba_id}": str(senait)})
    assert crafted.status_code == 400
    assert "kies een dossier uit de lijst" in crafted.text
    assert await _status(path) == "ingediend"
    assert await _state(senait) == before
    assert await _gebremedhin_cases() == 0
    await login(client, "coa@alkmaar.demo")
    assert (await client.get(f"/r/alkmaar/inburgeraars/{senait}")).status_code == 404


async def test_a_look_alike_without_a_decision_becomes_a_new_case(
    client: AsyncTestClient,
) -> None:
    # Same name and birth date, no shared number: offered, but not linked unless chosen.
    await login(client, "regievoerder@alkmaar.demo")
    namesake = await _register(client, "Saba", "Gebremedhin", "1991-07-20", EXISTING_BSN)
    before = await _state(namesake)
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    await complete_and_submit(client, path)
    saba_id = (await _saba(path))["id"]

    await login(client, "regievoerder@alkmaar.demo")
    page = (await client.get(path)).text
    assert f'name="dossier_{saba_id}" value="{namesake}"' in page
    response = await accept(client, path, **{f"bsn_{saba_id}": NEWCOMER_BSN})
    assert response.status_code == 303, response.text[-2000:]
    saba = await _saba(path)
    assert saba["inburgeraar"] not in (None, namesake) and not saba["linked_existing"]
    assert await _state(namesake) == before
    await login(client, "coa@alkmaar.demo")
    assert (await client.get(f"/r/alkmaar/inburgeraars/{namesake}")).status_code == 404
    assert (await client.get(f"/r/alkmaar/inburgeraars/{saba['inburgeraar']}")).status_code == 200


async def _organisation(name: str) -> int:
    row = await Organisation.select(Organisation.id).where(Organisation.name == name).first()
    return row["id"]


async def test_coa_reaches_only_what_it_may_choose(client: AsyncTestClient) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    overdracht_id = int(path.rsplit("/", 1)[1])
    alkmaar = await _organisation("Gemeente Alkmaar")
    for name in ("Taalhuis Kennemerland", "COA-locatie Alkmaar", "Gemeente Zaanstad"):
        response = await _post(
            client,
            path,
            {
                "formulier": "overdracht",
                **koppeling(str(await _organisation(name))),
                "actie": "opslaan",
                "_csrf_token": await token(client),
            },
        )
        assert response.status_code == 400, name
        assert "Kies de gemeente" in response.text, name
    gemeente = await Overdracht.select(Overdracht.gemeente).where(Overdracht.id == overdracht_id)
    assert gemeente == [{"gemeente": alkmaar}]

    # Ids in the buttons: a member or document of another overdracht is not found.
    other_member = await (
        OverdrachtPerson.select(OverdrachtPerson.id)
        .where(OverdrachtPerson.overdracht != overdracht_id)
        .first()
    )
    document = await OverdrachtDocument.select(OverdrachtDocument.id).first()
    for action in (
        f"lid-verwijderen-{other_member['id']}",
        f"document-verwijderen-{document['id']}",
    ):
        response = await save_page(client, path, action, **PROFILE, **TALK)
        assert response.status_code == 404, action
    assert await OverdrachtPerson.exists().where(OverdrachtPerson.id == other_member["id"])
    assert await OverdrachtDocument.exists().where(OverdrachtDocument.id == document["id"])

    # Once submitted, the overdracht stays with the gemeente that has it.
    assert (await save_page(client, path, "indienen", **PROFILE, **TALK)).status_code == 303
    heiloo = await _organisation("Gemeente Heiloo")
    response = await _post(
        client,
        path,
        {
            "formulier": "overdracht",
            **koppeling(str(heiloo)),
            **PROFILE,
            "actie": "opslaan",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 400
    assert "Na het indienen kan de gemeente niet meer veranderen" in response.text
    gemeente = await Overdracht.select(Overdracht.gemeente).where(Overdracht.id == overdracht_id)
    assert gemeente == [{"gemeente": alkmaar}]
    await login(client, "regievoerder@heiloo.demo")
    assert (await client.get(path)).status_code == 404
    for actie in ("opslaan", "vraag", "accepteren"):
        response = await _post(client, path, {"actie": actie, "_csrf_token": await token(client)})
        assert response.status_code == 404, actie
    assert re.search(r"Gebremedhin", (await client.get("/r/alkmaar/overdrachten")).text) is None
