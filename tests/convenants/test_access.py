"""Attacks on the convenants: another regio, another party, the same role in another
organisation, and ids smuggled into forms. Every foreign id answers as a missing one (404)
and changes nothing."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from partners.convenants import drafting, signing, views
from partners.convenants.terms import TermValues
from portal.demo_cases import demo_scope
from portal.kpi.periods import PeriodKind
from tenants.roles import Role
from tenants.scoped import NotFound
from tests.convenants.conftest import (
    BRUG,
    COORDINATOR,
    GEMEENTE_COORDINATOR,
    ROC,
    TAALHUIS,
    ZAAN,
    csrf,
    demo_concept,
    demo_convenant,
    demo_declaration,
    login_as,
    organisation_id,
    scalar,
)
from tests.factories import today

BASE = "/r/alkmaar/convenanten"


async def _sent_convenant_with_taalhuis() -> int:
    """A second sent convenant with only the Taalhuis as partner."""
    coordinator = await demo_scope(COORDINATOR, Role.REGIOCOORDINATOR)
    form = drafting.ConvenantInput(
        title="Convenant alfabetisering",
        period_start="2027-01-01",
        period_end="2027-12-31",
        parties=(str(await organisation_id("Taalhuis Kennemerland")),),
        terms=(),
    )
    term = TermValues(
        "taal.aanwezigheid", "kpi", "taalaanbieder", "ge", 9000, 8500, PeriodKind.MAAND
    )
    convenant_id = await drafting.create(coordinator, form, terms=[term])
    await drafting.send(coordinator, convenant_id)
    return convenant_id


@pytest.mark.parametrize(
    ("email", "path"),
    [
        # Another regio: its docent on its own regio's URL with Alkmaar's id.
        (ZAAN, "/r/zaanstreek/convenanten/{c}"),
        (ZAAN, "/r/zaanstreek/convenanten/{c}/verklaringen"),
        (ZAAN, "/r/zaanstreek/verklaringen/{d}/bewijs"),
        # The same role in an organisation that is no party.
        (BRUG, "/r/alkmaar/convenanten/{c}"),
        (BRUG, "/r/alkmaar/convenanten/{c}/versies"),
        (BRUG, "/r/alkmaar/verklaringen/{d}/bewijs"),
        # Another party of the same convenant never sees the Taalhuis's declaration.
        (ROC, "/r/alkmaar/verklaringen/{d}/bewijs"),
        # A regiocoördinator at a gemeente is not the regio office that drafted it.
        (GEMEENTE_COORDINATOR, "/r/alkmaar/convenanten/{c}"),
        (GEMEENTE_COORDINATOR, "/r/alkmaar/convenanten/nieuw"),
        (GEMEENTE_COORDINATOR, "/r/alkmaar/verklaringen/{d}/bewijs"),
        # A party never sees a concept that was never sent, even when it will be a party.
        ("begeleider@alkmaar.demo", "/r/alkmaar/convenanten/{k}"),
    ],
)
async def test_foreign_convenant_pages_answer_404(
    extra_people: None, client: AsyncTestClient, email: str, path: str
) -> None:
    ids = {
        "c": await demo_convenant(),
        "d": await demo_declaration(),
        "k": await demo_concept(),
    }
    await login_as(client, email)
    response = await client.get(path.format(**ids), follow_redirects=False)
    assert response.status_code == 404
    assert "Convenant taal Regio Alkmaar" not in response.text
    assert "docentenlijst" not in response.text


async def test_lists_show_only_the_own_convenants(
    extra_people: None, client: AsyncTestClient
) -> None:
    await login_as(client, TAALHUIS)
    text = (await client.get(BASE)).text
    assert "Convenant taal Regio Alkmaar" in text
    assert "maatschappelijke begeleiding" not in text
    for email in (BRUG, "begeleider@alkmaar.demo", GEMEENTE_COORDINATOR):
        await login_as(client, email)
        text = (await client.get(BASE)).text
        assert "Convenant taal Regio Alkmaar" not in text
        assert "maatschappelijke begeleiding" not in text


async def test_a_party_answers_only_for_its_own_convenant(
    extra_people: None, client: AsyncTestClient
) -> None:
    convenant_id = await _sent_convenant_with_taalhuis()
    before = await scalar("SELECT COUNT(*) AS n FROM convenant_acceptance")
    for email in (ROC, BRUG):
        await login_as(client, email)
        token = csrf((await client.get(BASE)).text)
        for action in ("akkoord", "terugsturen"):
            response = await client.post(
                f"{BASE}/{convenant_id}/{action}",
                data={"_csrf_token": token, "comment-1": "x"},
                follow_redirects=False,
            )
            assert response.status_code == 404
    assert await scalar("SELECT COUNT(*) AS n FROM convenant_acceptance") == before


async def test_a_term_id_of_another_convenant_in_a_return_is_not_found(
    extra_people: None, client: AsyncTestClient
) -> None:
    convenant_id = await _sent_convenant_with_taalhuis()
    foreign_term = await scalar(
        f"SELECT MIN(id) AS id FROM convenant_term WHERE convenant = {await demo_convenant()}"  # noqa: S608
    )
    await login_as(client, TAALHUIS)
    page = f"{BASE}/{convenant_id}"
    token = csrf((await client.get(page)).text)
    response = await client.post(
        f"{page}/terugsturen",
        data={"_csrf_token": token, f"comment-{foreign_term}": "Over een ander convenant"},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert await scalar("SELECT COUNT(*) AS n FROM convenant_comment") == 0
    status = await scalar(f"SELECT status FROM convenant WHERE id = {convenant_id}")  # noqa: S608
    assert status == "ter_ondertekening"


async def test_a_party_id_of_another_regio_in_the_concept_form_is_refused(
    client: AsyncTestClient,
) -> None:
    foreign = await organisation_id("Taalschool Zaan")
    await login_as(client, COORDINATOR)
    token = csrf((await client.get(f"{BASE}/nieuw")).text)
    response = await client.post(
        f"{BASE}/nieuw",
        data={
            "_csrf_token": token,
            "title": "Met een vreemde partij",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "parties": [str(foreign)],
            "actie": "opslaan",
        },
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "Kies de partijen uit de lijst." in response.text
    assert await scalar("SELECT COUNT(*) AS n FROM convenant") == 2


async def test_the_service_refuses_another_organisations_scope(extra_people: None) -> None:
    """Below the pages: the services find nothing for a scope that is no party."""
    convenant_id = await demo_convenant()
    roc = await demo_scope(ROC, Role.TAALAANBIEDER)
    zaan = await demo_scope(ZAAN, Role.TAALAANBIEDER)
    with pytest.raises(NotFound):
        await views.detail(zaan, convenant_id, today())
    with pytest.raises(NotFound):
        await signing.comment(zaan, convenant_id, 1, "hallo")
    gemeente_coordinator = await demo_scope(GEMEENTE_COORDINATOR, Role.REGIOCOORDINATOR)
    with pytest.raises(NotFound):
        await drafting.start_change(gemeente_coordinator, convenant_id)
    # ROC is a party: it reads the convenant, but only its own declarations (none).
    assert await views.list_convenants(roc, today())


async def test_another_party_sees_its_own_declarations_only(client: AsyncTestClient) -> None:
    page = f"{BASE}/{await demo_convenant()}/verklaringen"
    await login_as(client, ROC)
    response = await client.get(page)
    assert response.status_code == 200
    assert "docentenlijst-nt2" not in response.text
    assert "Nog geen verklaringen." in response.text
    await login_as(client, TAALHUIS)
    assert "docentenlijst-nt2" in (await client.get(page)).text
