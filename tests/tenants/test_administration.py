"""A beheerder manages organisations, people and roles of their own regio, and only those."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from tests.conftest import csrf_from, login, token


async def _person_id(client: AsyncTestClient, search: str) -> str:
    listing = await client.get(f"/r/alkmaar/personen?zoek={search}")
    return re.search(r"/r/alkmaar/personen/(\d+)", listing.text).group(1)


async def test_new_organisation_with_errors_keeps_input_and_explains(
    client: AsyncTestClient,
) -> None:
    await login(client, "beheer@alkmaar.demo")
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={
            "name": "",
            "kind": "taalaanbieder",
            "oin": "123",
            "contact_email": "geen-adres",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 400
    assert "Vul de naam in." in response.text
    assert "Een OIN bestaat uit precies 20 cijfers." in response.text
    assert "Vul een geldig e-mailadres in" in response.text
    assert 'value="geen-adres"' in response.text
    assert 'aria-invalid="true"' in response.text


async def test_duplicate_organisation_name_is_refused(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={"name": "gemeente alkmaar", "kind": "gemeente", "_csrf_token": await token(client)},
    )
    assert response.status_code == 400
    assert "al een organisatie met deze naam" in response.text


async def test_smuggled_tenant_field_is_ignored(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    response = await client.post(
        "/r/alkmaar/organisaties/nieuw",
        data={
            "name": "Taalpunt Uitgeest",
            "kind": "taalaanbieder",
            "tenant": "2",
            "id": "1",
            "_csrf_token": await token(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Taalpunt Uitgeest" in (await client.get("/r/alkmaar/organisaties?zoek=Taalpunt")).text
    client.cookies.clear()
    await login(client, "beheer@zaanstreek.demo")
    assert (
        "Taalpunt Uitgeest"
        not in (await client.get("/r/zaanstreek/organisaties?zoek=Taalpunt")).text
    )


async def test_role_must_fit_the_organisation(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    form = await client.get("/r/alkmaar/personen/nieuw")
    taal = re.search(r'<option value="(\d+)">Taalhuis Kennemerland</option>', form.text).group(1)
    response = await client.post(
        "/r/alkmaar/personen/nieuw",
        data={
            "full_name": "Tom Test",
            "email": "tom@taalhuis.demo",
            "organisation_id": taal,
            "role": "regievoerder",
            "password": "Welkom-bij-het-portaal",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 400
    assert (
        "De rol Regievoerder past niet bij een organisatie van het soort Taalaanbieder / ROC."
        in response.text
    )
    assert "tom@taalhuis.demo" not in (await client.get("/r/alkmaar/personen?zoek=tom")).text


async def test_organisation_of_another_regio_cannot_be_used(client: AsyncTestClient) -> None:
    await login(client, "beheer@zaanstreek.demo")
    form = await client.get("/r/zaanstreek/personen/nieuw")
    zaan_org = re.search(r'<option value="(\d+)">Taalschool Zaan</option>', form.text).group(1)
    client.cookies.clear()
    await login(client, "beheer@alkmaar.demo")
    response = await client.post(
        "/r/alkmaar/personen/nieuw",
        data={
            "full_name": "Sluip Weg",
            "email": "sluip@weg.demo",
            "organisation_id": zaan_org,
            "role": "taalaanbieder",
            "password": "Welkom-bij-het-portaal",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 400
    assert "Deze organisatie bestaat niet in deze regio." in response.text


async def test_new_person_can_log_in_and_appears_in_the_audit_log(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    form = await client.get("/r/alkmaar/personen/nieuw")
    taal = re.search(r'<option value="(\d+)">Taalhuis Kennemerland</option>', form.text).group(1)
    response = await client.post(
        "/r/alkmaar/personen/nieuw",
        data={
            "full_name": "Tineke Taal",
            "email": "tineke@taalhuis.demo",
            "organisation_id": taal,
            "role": "taalaanbieder",
            "password": "Welkom-bij-het-portaal",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 200
    assert "Uitnodiging verstuurd aan tineke@taalhuis.demo" in response.text
    assert "tineke@taalhuis.demo" in response.text  # listed under the open invitations
    client.cookies.clear()
    response = await login(client, "tineke@taalhuis.demo", password="Welkom-bij-het-portaal")
    assert response.headers["location"] == "/uitnodigingen"
    page = await client.get("/uitnodigingen")
    invitation = re.search(r'name="invitation" value="(\d+)"', page.text).group(1)
    await client.post(
        "/uitnodigingen",
        data={"invitation": invitation, "answer": "aannemen", "_csrf_token": csrf_from(page.text)},
    )
    client.cookies.clear()
    await login(client, "tineke@taalhuis.demo", password="Welkom-bij-het-portaal")
    assert "Taalhuis Kennemerland" in (await client.get("/r/alkmaar/")).text
    client.cookies.clear()
    await login(client, "privacy@alkmaar.demo")
    log = await client.get("/r/alkmaar/auditlog")
    # The invitation (by the beheerder) and its acceptance (by the person) are both there.
    assert (
        "Bram Beheer (Regiobureau Inburgering Alkmaar, beheerder) verstuurde een uitnodiging "
        "voor de regio" in log.text
    )
    assert "Tineke Taal nam een uitnodiging voor de regio van Tineke Taal aan." in log.text


async def test_person_in_two_regios_keeps_name_out_of_one_beheerders_reach(
    client: AsyncTestClient,
) -> None:
    await login(client, "beheer@alkmaar.demo")
    person = await _person_id(client, "adviseur")
    page = await client.get(f"/r/alkmaar/personen/{person}")
    assert "werkt ook in een andere regio" in page.text
    response = await client.post(
        f"/r/alkmaar/personen/{person}/bewerken",
        data={
            "full_name": "Overgenomen",
            "email": "adviseur@regio.demo",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 400
    assert "Overgenomen" not in (await client.get(f"/r/alkmaar/personen/{person}")).text


async def test_lists_search_and_paginate(client: AsyncTestClient) -> None:
    await login(client, "beheer@alkmaar.demo")
    response = await client.get("/r/alkmaar/organisaties?soort=gemeente")
    assert "6 organisaties" in response.text and "Taalhuis" not in response.text
    page = await client.get("/r/alkmaar/personen?zoek=docent")
    results = page.text.split('id="resultaten"')[1]
    assert "Dirk Docent" in results and "Rosa ROC" in results and "Bram Beheer" not in results
