"""A case's dates (issue 8, item 9): a case without the start of the inburgeringsplicht and
the BRP date (as one accepted from COA arrives) cannot get a vastgestelde PIP; the
regievoerder fills them in on the case with a reason, the history shows, the change is
audited, and another gemeente cannot touch them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient

from portal.casefile import pips
from portal.casefile.routes import today
from portal.casefile.tables import Inburgeraar
from portal.core.audit import AuditEntry
from portal.core.settings import Settings
from portal.core.validation import ValidationFailed
from portal.demo_cases import demo_scope
from tenants.scope import Scope
from tenants.scoped import TenantData
from tests.conftest import login, token
from tests.factories import organisation_id, pip_input, register_case

FAMILY = "Zonderdatum"


async def _case_without_dates(demo: Settings) -> tuple[Scope, int]:
    regie = await demo_scope("regievoerder@alkmaar.demo")
    case_id = await register_case(
        regie,
        demo.data_key,
        "999980026",
        FAMILY,
        given_names="Sara",
        birth_date="1993-03-03",
        plicht_start="",
        brp_date="",
        languages="Tigrinya",
        interpreter_needed=True,
    )
    await pips.save_concept(
        regie,
        case_id,
        await pip_input(
            regie,
            niveau="",
            knm=False,
            map=False,
            pvt=False,
            begeleiding=False,
            begeleider_organisation=None,
            participatie_organisation=None,
        ),
    )
    return regie, case_id


async def _dates(regie: Scope, case_id: int) -> dict:
    return await TenantData(regie).get(
        Inburgeraar, case_id, Inburgeraar.plicht_start, Inburgeraar.brp_date
    )


async def test_vaststellen_refuses_a_pip_without_the_dates_duo_needs(demo: Settings) -> None:
    regie, case_id = await _case_without_dates(demo)
    with pytest.raises(ValidationFailed) as refused:
        await pips.vaststellen(regie, case_id, today())
    assert "De start van de inburgeringsplicht ontbreekt" in refused.value.errors["plicht_start"]
    assert "inschrijving in de gemeente (BRP) ontbreekt" in refused.value.errors["brp_date"]


async def test_regievoerder_fills_in_the_dates_with_a_reason_and_history(
    demo: Settings, client: AsyncTestClient
) -> None:
    regie, case_id = await _case_without_dates(demo)
    base = f"/r/alkmaar/inburgeraars/{case_id}"
    await login(client, "regievoerder@alkmaar.demo")
    csrf = await token(client)

    # The PIP page says which date is missing and links to where it is filled in.
    page = await client.post(f"{base}/pip", data={"actie": "vaststellen", "_csrf_token": csrf})
    assert page.status_code == 400
    assert "De start van de inburgeringsplicht ontbreekt" in page.text
    assert f'href="{base}#datums"' in page.text

    plicht = today() - timedelta(days=40)
    brp = today() - timedelta(days=30)
    form = {"plicht_start": plicht.isoformat(), "brp_date": brp.isoformat(), "_csrf_token": csrf}
    # Without a reason, or with a date in the future, nothing is stored.
    for data, message in (
        ({**form, "reason": ""}, "Schrijf waarom de datum verandert"),
        (
            {**form, "brp_date": (today() + timedelta(days=2)).isoformat(), "reason": "DUO"},
            "kan niet in de toekomst liggen",
        ),
        ({**form, "brp_date": "31-02-2026", "reason": "Bericht van DUO"}, "dd-mm-jjjj"),
    ):
        response = await client.post(f"{base}/datums", data=data)
        assert response.status_code == 200 and message in response.text, message
        assert await _dates(regie, case_id) == {"plicht_start": None, "brp_date": None}

    saved = await client.post(
        f"{base}/datums",
        data={**form, "reason": "Bericht SS139 van DUO ontvangen"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert await _dates(regie, case_id) == {"plicht_start": plicht, "brp_date": brp}
    case_page = (await client.get(base)).text
    history = case_page.split("Geschiedenis van de datums")[1]
    assert f"Inschrijving BRP: leeg → {brp:%d-%m-%Y}. Reden: Bericht SS139 van DUO ontvangen" in (
        history
    )
    assert f"Start inburgeringsplicht: leeg → {plicht:%d-%m-%Y}" in history
    audited = await AuditEntry.count().where(
        (AuditEntry.subject_ref == f"inburgeraar:{case_id}")
        & (AuditEntry.action == "update")
        & (AuditEntry.object_type == "inburgeraar")
    )
    assert audited == 1

    # A set date cannot be emptied; correcting it is kept in the history too.
    emptied = await client.post(
        f"{base}/datums", data={**form, "plicht_start": "", "reason": "Per ongeluk"}
    )
    assert "kan niet leeg worden" in emptied.text
    corrected = plicht - timedelta(days=1)
    await client.post(
        f"{base}/datums",
        data={**form, "plicht_start": corrected.isoformat(), "reason": "Tikfout hersteld"},
    )
    page = (await client.get(base)).text
    assert f"{plicht:%d-%m-%Y} → {corrected:%d-%m-%Y}. Reden: Tikfout hersteld" in page

    # Now the PIP can be vastgesteld.
    done = await client.post(
        f"{base}/pip",
        data={
            "actie": "vaststellen",
            "dagtekening": today().isoformat(),
            "leerroute": "B",
            "taalaanbieder": str(await organisation_id(regie, "Taalhuis Kennemerland")),
            "_csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303


async def test_another_gemeente_cannot_change_the_dates(
    demo: Settings, client: AsyncTestClient
) -> None:
    regie, case_id = await _case_without_dates(demo)
    await login(client, "regievoerder@heiloo.demo")
    response = await client.post(
        f"/r/alkmaar/inburgeraars/{case_id}/datums",
        data={
            "plicht_start": today().isoformat(),
            "brp_date": today().isoformat(),
            "reason": "Niet van mij",
            "_csrf_token": await token(client),
        },
    )
    assert response.status_code == 404 and FAMILY not in response.text
    assert await _dates(regie, case_id) == {"plicht_start": None, "brp_date": None}
