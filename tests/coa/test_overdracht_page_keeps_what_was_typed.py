"""COA's overdracht page lost what was typed: it held six forms, and "Indienen" posted only
its own, then said no scenario was chosen. Now the page is one form and every button saves
the whole page first; the message lands where the user is (the redirect goes to #inhoud,
where the messages are)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from partners.coa.tables import Overdracht
from tests.coa.test_warme_overdracht import PROFILE, TALK, save_page, start_overdracht
from tests.conftest import login


async def _row(path: str) -> dict:
    return await (
        Overdracht.select(Overdracht.status, Overdracht.country_of_origin, Overdracht.talk_place)
        .where(Overdracht.id == int(path.rsplit("/", 1)[1]))
        .first()
    )


async def test_every_button_saves_the_whole_page_first(client: AsyncTestClient) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    page = (await client.get(path)).text
    assert page.count("<form") == 2, "one form for the page (and the log-out button's)"

    # "Gezinslid toevoegen" keeps the profile typed before it.
    response = await save_page(client, path, "lid-toevoegen", **PROFILE)
    assert response.status_code == 303
    assert response.headers["location"] == f"{path}/personen/nieuw"
    assert (await _row(path))["country_of_origin"] == "Eritrea"

    # "Indienen" without a scenario: what was typed is saved, and the page says what is missing.
    talk = {**TALK, "scenario": ""}
    response = await save_page(client, path, "indienen", **PROFILE, **talk)
    assert response.status_code == 400
    assert "Kies het scenario van de warme overdracht." in response.text
    assert "Uw wijzigingen zijn opgeslagen. De volgende stap lukte nog niet." in response.text
    assert 'value="Azc Heerhugowaard"' in response.text
    assert await _row(path) == {
        "status": "concept",
        "country_of_origin": "Eritrea",
        "talk_place": "Azc Heerhugowaard",
    }

    # Typed and submitted with one press; the message is at the place the redirect goes to.
    response = await save_page(client, path, "indienen", **PROFILE, **TALK)
    assert response.status_code == 303
    assert response.headers["location"] == f"{path}#inhoud"
    page = (await client.get(path)).text
    inhoud = page[page.index('id="inhoud"') :]
    assert "De overdracht is ingediend bij de gemeente." in inhoud[:1500]
    assert (await _row(path))["status"] == "ingediend"
