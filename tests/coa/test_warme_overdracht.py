"""The warme overdracht through the web, as COA and the gemeente use it: koppeling, household,
profile, planned talk, a question and its answer, acceptance into pre-filled cases, and COA's
need-to-know after acceptance."""

from __future__ import annotations

import re
from datetime import timedelta

from litestar.testing import AsyncTestClient

from partners.coa.tables import Overdracht
from portal.casefile.tables import Inburgeraar
from portal.core.clock import today
from tests.conftest import login, token

TODAY = today()
FREE_BSNS = ("999990081", "999990093")


async def _gemeente_id(client: AsyncTestClient, name: str) -> str:
    html = (await client.get("/r/alkmaar/overdrachten/nieuw")).text
    return re.search(rf'<option value="(\d+)">{name}</option>', html).group(1)


async def _post(client: AsyncTestClient, url: str, data: dict) -> object:
    return await client.post(url, data=data, follow_redirects=False)


def _person(role: str, given: str, born: str, **extra: str) -> dict[str, str]:
    return {
        "household_role": role,
        "given_names": given,
        "family_name": "Gebremedhin",
        "birth_date": born,
        "nationality": "Eritrese",
        "languages": "Tigrinya, Arabisch",
        **extra,
    }


def koppeling(gemeente: str, housing_in_days: int = 30) -> dict[str, str]:
    return {
        "gemeente": gemeente,
        "azc_location": "Azc Heerhugowaard",
        "koppeling_date": (TODAY - timedelta(days=14)).isoformat(),
        "housing_date": (TODAY + timedelta(days=housing_in_days)).isoformat(),
    }


PROFILE = {
    "country_of_origin": "Eritrea",
    "childcare_needed": "1",
    "practical_needs": "Tolk Tigrinya bij alle gesprekken",
}
TALK = {
    "scenario": "gecombineerd",
    "talk_date": (TODAY + timedelta(days=3)).isoformat(),
    "talk_time": "10:30",
    "talk_mode": "locatie",
    "talk_place": "Azc Heerhugowaard",
    "attendees": ["coa", "regievoerder", "tolk"],
}


async def start_overdracht(client: AsyncTestClient, housing_in_days: int = 30) -> str:
    """As COA: koppeling with the main person; returns the overdracht's path."""
    response = await _post(
        client,
        "/r/alkmaar/overdrachten/nieuw",
        {
            **koppeling(await _gemeente_id(client, "Gemeente Alkmaar"), housing_in_days),
            **_person(
                "hoofdpersoon",
                "Yonas",
                "1988-02-01",
                bsn=FREE_BSNS[0],
                v_nummer="3012345678",
                literacy="AA",
                education="Middelbare school, 10 jaar",
                work_experience="Timmerman, 8 jaar",
                voorinburgering="Taalcursus A1 in het azc",
                voorinburgering_consent="1",
                interpreter_needed="1",
            ),
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def save_page(client: AsyncTestClient, path: str, actie: str, **fields: object) -> object:
    """Post the overdracht page as the browser does: the whole form, one button pressed."""
    return await _post(
        client,
        path,
        {
            "formulier": "overdracht",
            **koppeling(await _gemeente_id(client, "Gemeente Alkmaar")),
            **fields,
            "actie": actie,
            "_csrf_token": await token(client),
        },
    )


async def complete_and_submit(
    client: AsyncTestClient, path: str, partner: dict[str, str] | None = None
) -> None:
    csrf = await token(client)
    for extra in (
        partner or _person("partner", "Saba", "1991-07-20", v_nummer="3012345679"),
        _person("kind", "Lidya", (TODAY - timedelta(days=3 * 365)).isoformat()),
    ):
        response = await _post(client, f"{path}/personen", {**extra, "_csrf_token": csrf})
        assert response.status_code == 303, response.text
    response = await save_page(client, path, "indienen", **PROFILE, **TALK)
    assert response.status_code == 303, response.text


async def accept(client: AsyncTestClient, path: str, **fields: str) -> object:
    """As the regievoerder: press "Overdracht accepteren" with the given choices."""
    return await _post(
        client, path, {**fields, "actie": "accepteren", "_csrf_token": await token(client)}
    )


def bsn_field(page: str) -> str:
    return re.search(r'name="(bsn_\d+)"', page).group(1)


async def test_household_goes_from_koppeling_to_two_prefilled_cases(
    client: AsyncTestClient,
) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    await complete_and_submit(client, path)
    page = (await client.get(path)).text
    assert "Ingediend" in page and "Saba" in page and "Lidya" in page

    await login(client, "regievoerder@alkmaar.demo")
    inbox = (await client.get("/r/alkmaar/overdrachten")).text
    assert "Yonas Gebremedhin, Saba Gebremedhin, Lidya Gebremedhin" in inbox
    response = await _post(
        client,
        path,
        {
            "actie": "vraag",
            "question": "Is er al een datum voor de verhuizing?",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 303

    await login(client, "coa@alkmaar.demo")
    page = (await client.get(path)).text
    assert "Vragen van de gemeente" in page
    assert "Is er al een datum voor de verhuizing?" in page
    response = await save_page(
        client, path, "antwoorden", **PROFILE, **TALK, answer="Ja, over een maand."
    )
    assert response.status_code == 303

    await login(client, "regievoerder@alkmaar.demo")
    page = (await client.get(path)).text
    assert "Ja, over een maand." in page and "Cor COA" in page
    response = await accept(client, path, **{bsn_field(page): FREE_BSNS[1]})
    assert response.status_code == 303, response.text
    page = (await client.get(path)).text
    cases = re.findall(r"/r/alkmaar/inburgeraars/(\d+)\">(\w+) Gebremedhin", page)
    assert sorted(name for _, name in cases) == ["Saba", "Yonas"], "the child gets no case"
    yonas = next(case for case, name in cases if name == "Yonas")

    intake = (await client.get(f"/r/alkmaar/inburgeraars/{yonas}/intake")).text
    assert "Timmerman, 8 jaar" in intake
    assert "Taalcursus A1 in het azc" in intake
    assert "Lidya Gebremedhin" in intake, "the household composition is pre-filled"
    assert "Cor COA" in intake, "COA stays the author of what COA wrote"
    case = (await client.get(f"/r/alkmaar/inburgeraars/{yonas}")).text
    assert "Saba Gebremedhin" in case, "the two adults share a household"


async def test_coa_reads_after_acceptance_and_loses_the_case_after_housing(
    client: AsyncTestClient,
) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    await complete_and_submit(client, path)
    await login(client, "regievoerder@alkmaar.demo")
    page = (await client.get(path)).text
    await accept(client, path, **{bsn_field(page): FREE_BSNS[1]})
    case_id = re.search(r"/r/alkmaar/inburgeraars/(\d+)\">Yonas", (await client.get(path)).text)[1]

    await login(client, "coa@alkmaar.demo")
    page = (await client.get(path)).text
    assert "niet meer wijzigen" in page
    assert 'name="actie"' not in page, "COA has no form left after acceptance"
    refused = await save_page(client, path, "opslaan", **TALK, country_of_origin="Soedan")
    assert refused.status_code == 404
    assert (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).status_code == 200

    # The housing date passes: COA no longer sees the case nor the overdracht.
    past = TODAY - timedelta(days=1)
    await Inburgeraar.update({Inburgeraar.housing_date: past}, force=True)
    await Overdracht.update({Overdracht.housing_date: past}, force=True)
    assert (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).status_code == 404
    assert (await client.get(path)).status_code == 404
    assert "Gebremedhin" not in (await client.get("/r/alkmaar/overdrachten")).text


async def test_submit_names_what_is_missing(client: AsyncTestClient) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    response = await save_page(client, path, "indienen")
    assert response.status_code == 400
    assert "Kies het scenario van de warme overdracht." in response.text
    assert "Plan het overdrachtsgesprek" in response.text
    assert "land van herkomst" in response.text
    assert "Concept" in (await client.get(path)).text


async def test_gemeente_never_sees_a_concept_and_other_coa_sees_nothing(
    client: AsyncTestClient,
) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    await login(client, "regievoerder@alkmaar.demo")
    assert (await client.get(path)).status_code == 404
    await login(client, "regievoerder@heiloo.demo")
    assert (await client.get(path)).status_code == 404
    for who in ("docent@taal.alkmaar.demo", "begeleider@alkmaar.demo", "coordinator@alkmaar.demo"):
        await login(client, who)
        assert (await client.get(path)).status_code in (403, 404), who


async def test_voorinburgering_needs_consent(client: AsyncTestClient) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    response = await _post(
        client,
        f"{path}/personen",
        {
            **_person("partner", "Saba", "1991-07-20", voorinburgering="KNM-workshop"),
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 400
    assert "alleen mee met toestemming" in response.text
    assert "Saba" not in re.sub(r'value="[^"]*"', "", (await client.get(path)).text)


async def test_coordinator_sees_counts_only(client: AsyncTestClient) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    await complete_and_submit(client, path)
    await login(client, "coordinator@alkmaar.demo")
    page = (await client.get("/r/alkmaar/koppelingen")).text
    assert "Gemeente Alkmaar" in page
    assert "Gebremedhin" not in page and "Yonas" not in page
    row = re.search(r"Gemeente Alkmaar</td>\s*<td[^>]*>(\d+)</td>", page)
    assert row and int(row.group(1)) >= 1


PDF = b"%PDF-1.4\n%test\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


async def _upload(client: AsyncTestClient, path: str, name: str, content: bytes, mime: str):
    return await client.post(
        path,
        data={"actie": "opslaan", "_csrf_token": await token(client)},
        files={"document": (name, content, mime)},
        follow_redirects=False,
    )


async def test_bad_uploads_are_refused_and_change_nothing(client: AsyncTestClient) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    good = await _upload(client, path, "paspoort.pdf", PDF, "application/pdf")
    assert good.status_code == 303
    root = client.app.state.settings.documents_path
    files_before = {p for p in root.rglob("*") if p.is_file()}
    cases = (
        ("script.pdf", b"#!/bin/sh\necho pwned\n", "application/pdf", "geen PDF, JPEG of PNG"),
        ("leeg.pdf", b"", "application/pdf", "Het bestand is leeg"),
        ("groot.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf", "te groot"),
    )
    for name, content, mime, message in cases:
        response = await _upload(client, path, name, content, mime)
        assert response.status_code in (400, 413), name
        assert message in response.text, name
    page = (await client.get(path)).text
    assert "paspoort.pdf" in page
    assert not any(name in page for name, *_ in cases), "a refused file left a trace"
    assert {p for p in root.rglob("*") if p.is_file()} == files_before, "a refused file was kept"


async def test_document_download_is_for_who_may_see_it_and_audited(
    client: AsyncTestClient,
) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    await _upload(client, path, "brief.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
    document = re.search(rf'href="({path}/documenten/\d+)"', (await client.get(path)).text)[1]
    response = await client.get(document)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/png")
    assert "attachment" in response.headers["content-disposition"]

    await login(client, "regievoerder@alkmaar.demo")
    assert (await client.get(document)).status_code == 404, "a concept is COA's alone"
    await login(client, "docent@taal.alkmaar.demo")
    assert (await client.get(document)).status_code in (403, 404)

    await login(client, "privacy@alkmaar.demo")
    log = (await client.get("/r/alkmaar/auditlog?medewerker=coa%40alkmaar.demo")).text
    assert (
        "Cor COA (COA-locatie Alkmaar, COA-medewerker) downloadde een document van overdracht"
        in log
    )


async def test_start_pages_count_what_waits(client: AsyncTestClient) -> None:
    # The demo has one overdracht waiting for Gemeente Alkmaar and one concept at COA.
    await login(client, "regievoerder@alkmaar.demo")
    home = (await client.get("/r/alkmaar/")).text
    waiting = re.search(r"Overdrachten van COA wachten</a></h3>\s*<p[^>]*>(\d+)<", home)
    assert waiting and waiting.group(1) == "1"
    await login(client, "coa@alkmaar.demo")
    home = (await client.get("/r/alkmaar/")).text
    concepts = re.search(r"Concepten</a></h3>\s*<p[^>]*>(\d+)<", home)
    assert concepts and concepts.group(1) == "1"
    await login(client, "regievoerder@heiloo.demo")
    assert (
        'Overdrachten van COA wachten</a></h3>\n    <p class="portal-card__figure">0<'
        in (await client.get("/r/alkmaar/")).text
    )


async def test_acceptance_links_a_case_that_already_exists_by_decision(
    client: AsyncTestClient,
) -> None:
    # The gemeente registered Yonas already (from a DUO signal). The regievoerder sees the
    # case beside COA's data and decides to link it: no second case, and intake sections
    # already worked on are not overwritten.
    await login(client, "regievoerder@alkmaar.demo")
    registered = await _post(
        client,
        "/r/alkmaar/inburgeraars/nieuw",
        {
            "bsn": FREE_BSNS[0],
            "given_names": "Yonas",
            "family_name": "Gebremedhin",
            "birth_date": "1988-02-01",
            "doelgroep": "asielstatushouder",
            "_csrf_token": await token(client),
        },
    )
    assert registered.status_code == 303, registered.text[-3000:]
    case_path = registered.headers["location"]
    case_id = case_path.rsplit("/", 1)[1]
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
    assert saved.status_code == 303, saved.text

    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    await complete_and_submit(client, path)
    await login(client, "regievoerder@alkmaar.demo")
    page = (await client.get(path)).text
    yonas = re.search(rf'name="(dossier_\d+)" value="{case_id}"', page)
    assert yonas, "the existing case is offered as a choice"
    assert "Koppelen aan bestaand dossier " + case_id in page
    response = await accept(client, path, **{bsn_field(page): FREE_BSNS[1], yonas[1]: case_id})
    assert response.status_code == 303, response.text
    page = (await client.get(path)).text
    assert f'href="{case_path}"' in page, "Yonas is linked to the case that was there"
    assert "bestaand dossier, bij het accepteren gekoppeld door de gemeente" in page
    listing = (await client.get("/r/alkmaar/inburgeraars?zoek=Gebremedhin")).text
    yonas_cases = set(re.findall(r'inburgeraars/(\d+)">Gebremedhin, Yonas<', listing))
    assert yonas_cases == {case_id}
    intake = (await client.get(f"{case_path}/intake")).text
    assert "Eigen zaak" in intake and "Timmerman, 8 jaar" not in intake
    assert "Tigrinya" in intake, "empty sections are still pre-filled"
    case = (await client.get(case_path)).text
    assert "Door de regievoerder gekoppeld aan de warme overdracht" in case
