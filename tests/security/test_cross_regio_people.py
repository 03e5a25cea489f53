"""A beheerder acts on its own regio's people only: a person of another regio is invited and
joins only by accepting, the answer never tells whether an address exists on the platform,
nothing a beheerder does ends a session in another regio, and the audit entries land in the
regio where the thing was done (its privacy officer sees them)."""

from __future__ import annotations

import re

import pytest
from litestar.testing import AsyncTestClient

from portal.auth.sessions import SESSION_COOKIE
from portal.core.audit import AuditEntry
from tenants import accounts, people
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound
from tenants.tables import Invitation, Membership
from tests.conftest import csrf_from, login, token


async def _zaan_org(client: AsyncTestClient, name: str) -> str:
    form = await client.get("/r/zaanstreek/personen/nieuw")
    return re.search(rf'<option value="(\d+)">{re.escape(name)}</option>', form.text).group(1)


async def _invite(client: AsyncTestClient, email: str, organisation: str, password: str):
    return await client.post(
        "/r/zaanstreek/personen/nieuw",
        data={
            "full_name": "Wie Dan Ook",
            "email": email,
            "organisation_id": organisation,
            "role": "regievoerder",
            "password": password,
            "_csrf_token": await token(client),
        },
    )


async def test_beheerder_cannot_pull_a_person_of_another_regio_into_its_own(
    client: AsyncTestClient,
) -> None:
    person = await accounts.account_by_email("regievoerder@alkmaar.demo")
    await login(client, "beheer@zaanstreek.demo")
    zaanstad = await _zaan_org(client, "Gemeente Zaanstad")
    response = await _invite(client, "regievoerder@alkmaar.demo", zaanstad, "Welkom-bij-Zaanstad")
    assert response.status_code == 200 and "Uitnodiging verstuurd" in response.text
    # No membership until the person says yes; the beheerder cannot open the person either.
    assert not await Membership.exists().where(
        (Membership.person == person.id) & (Membership.organisation == int(zaanstad))
    )
    assert (await client.get(f"/r/zaanstreek/personen/{person.id}")).status_code == 404
    assert "Rachid" not in (await client.get("/r/zaanstreek/personen")).text

    client.cookies.clear()
    response = await login(client, "regievoerder@alkmaar.demo")
    assert response.headers["location"] == "/uitnodigingen"
    page = await client.get("/uitnodigingen")
    assert "Gemeente Zaanstad" in page.text and "Regio Zaanstreek-Waterland" in page.text
    invitation = re.search(r'name="invitation" value="(\d+)"', page.text).group(1)
    response = await client.post(
        "/uitnodigingen",
        data={"invitation": invitation, "answer": "aannemen", "_csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/kies-rol"
    assert await Membership.exists().where(
        (Membership.person == person.id) & (Membership.organisation == int(zaanstad))
    )
    assert "Gemeente Zaanstad" in (await client.get("/kies-rol")).text
    # Answered once: it cannot be answered again (or by anyone else).
    again = await client.post(
        "/uitnodigingen",
        data={
            "invitation": invitation,
            "answer": "afwijzen",
            "_csrf_token": await token(client, "/uitnodigingen"),
        },
    )
    assert "staat niet (meer) open" in again.text


async def test_someone_elses_invitation_cannot_be_accepted(client: AsyncTestClient) -> None:
    await login(client, "beheer@zaanstreek.demo")
    zaanstad = await _zaan_org(client, "Gemeente Zaanstad")
    await _invite(client, "regievoerder@alkmaar.demo", zaanstad, "Welkom-bij-Zaanstad")
    invitation = await Invitation.select(Invitation.id).first()
    client.cookies.clear()
    await login(client, "docent@taal.alkmaar.demo")
    csrf = await token(client, "/uitnodigingen")
    response = await client.post(
        "/uitnodigingen",
        data={"invitation": str(invitation["id"]), "answer": "aannemen", "_csrf_token": csrf},
    )
    assert "staat niet (meer) open" in response.text
    assert await Invitation.select(Invitation.status).first() == {"status": "open"}


async def test_known_and_unknown_addresses_get_the_same_answer(client: AsyncTestClient) -> None:
    await login(client, "beheer@zaanstreek.demo")
    zaanstad = await _zaan_org(client, "Gemeente Zaanstad")
    answers = []
    for email in ("regievoerder@alkmaar.demo", "nog-niemand@nergens.demo"):
        weak = await _invite(client, email, zaanstad, "kort")
        strong = await _invite(client, email, zaanstad, "Welkom-bij-Zaanstad")
        answers.append(
            (
                weak.status_code,
                re.findall(r"utrecht-form-field-error-message[^>]*>([^<]+)", weak.text),
                strong.status_code,
                re.findall(r"Uitnodiging verstuurd[^<]*", strong.text.replace(email, "ADRES")),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][2] == 200 and answers[0][3]


async def test_deactivating_in_one_regio_ends_no_session_in_another(
    client: AsyncTestClient,
) -> None:
    await login(client, "adviseur@regio.demo", choose="Regiobureau Inburgering Alkmaar")
    alkmaar_session = client.cookies.get(SESSION_COOKIE)
    assert (await client.get("/r/alkmaar/", follow_redirects=False)).status_code == 200
    client.cookies.clear()
    await login(client, "adviseur@regio.demo", choose="Regiobureau Zaanstreek-Waterland")
    zaan_session = client.cookies.get(SESSION_COOKIE)
    client.cookies.clear()

    await login(client, "beheer@zaanstreek.demo")
    listing = await client.get("/r/zaanstreek/personen?zoek=adviseur")
    person = re.search(r"/r/zaanstreek/personen/(\d+)", listing.text).group(1)
    response = await client.post(
        f"/r/zaanstreek/personen/{person}/deactiveren", data={"_csrf_token": await token(client)}
    )
    assert response.status_code == 200 and "overal" not in response.text

    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, zaan_session)
    assert (await client.get("/r/zaanstreek/", follow_redirects=False)).status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, alkmaar_session)
    still = await client.get("/r/alkmaar/", follow_redirects=False)
    assert still.status_code == 200 and "Ali Adviseur" in still.text


async def test_audit_entries_land_in_the_regio_that_acted(client: AsyncTestClient) -> None:
    person = await accounts.account_by_email("regievoerder@alkmaar.demo")
    zaanstreek = await accounts.regio_by_slug("zaanstreek")
    await login(client, "beheer@zaanstreek.demo")
    zaanstad = await _zaan_org(client, "Gemeente Zaanstad")
    await _invite(client, "regievoerder@alkmaar.demo", zaanstad, "Welkom-bij-Zaanstad")
    client.cookies.clear()
    await login(client, "regievoerder@alkmaar.demo")
    page = await client.get("/uitnodigingen")
    invitation = re.search(r'name="invitation" value="(\d+)"', page.text).group(1)
    await client.post(
        "/uitnodigingen",
        data={"invitation": invitation, "answer": "aannemen", "_csrf_token": csrf_from(page.text)},
    )
    entries = await AuditEntry.select(AuditEntry.action, AuditEntry.tenant_id).where(
        (AuditEntry.subject_ref == f"person:{person.id}")
        & AuditEntry.action.is_in(["invite", "accept"])
    )
    assert sorted(entries, key=lambda e: e["action"]) == [
        {"action": "accept", "tenant_id": zaanstreek["id"]},
        {"action": "invite", "tenant_id": zaanstreek["id"]},
    ]


async def test_only_the_system_provisions_a_membership_without_consent(demo) -> None:
    zaanstreek = await accounts.regio_by_slug("zaanstreek")
    beheerder = await accounts.account_by_email("beheer@zaanstreek.demo")
    scope = Scope(
        tenant_id=zaanstreek["id"],
        tenant_slug="zaanstreek",
        person_id=beheerder.id,
        organisation_id=None,
        role=Role.BEHEERDER,
    )
    new = people.NewPerson("regievoerder@alkmaar.demo", "Rachid", 1, "regievoerder", "x")
    with pytest.raises(NotFound):
        await people.create_person(scope, new)
