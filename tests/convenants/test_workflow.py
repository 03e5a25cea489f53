"""The whole convenant workflow through the pages, as the people of Regio Alkmaar do it:
the coordinator drafts three terms and sends them; two taalaanbieders accept and the third
returns a term with a comment; the coordinator changes the target, which makes version 2
with the change shown term by term; everyone accepts and the convenant is actief."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from portal.core.database import current_engine
from tests.convenants.conftest import (
    BRUG,
    COORDINATOR,
    ROC,
    TAALHUIS,
    csrf,
    login_as,
    organisation_id,
    scalar,
)

BASE = "/r/alkmaar/convenanten"
RETURN_COMMENT = "Tien werkdagen lukt niet in de zomervakantie; wij stellen vijftien voor."


def _terms(intake_target: str, intake_tolerance: str) -> dict[str, str]:
    rows = [
        ("taal.aanwezigheid", "ge", "85", "80", "maand"),
        ("taal.presentielijst_getekend", "ge", "100", "95", "maand"),
        ("taal.intake_doorlooptijd", "le", intake_target, intake_tolerance, "kwartaal"),
    ]
    form = {}
    for n, (code, comparison, target, tolerance, period) in enumerate(rows, start=1):
        form |= {
            f"term-{n}-code": code,
            f"term-{n}-comparison": comparison,
            f"term-{n}-target": target,
            f"term-{n}-tolerance": tolerance,
            f"term-{n}-period": period,
        }
    return form


async def _post(client: AsyncTestClient, page: str, url: str, data: dict) -> object:
    token = csrf((await client.get(page)).text)
    return await client.post(url, data={**data, "_csrf_token": token}, follow_redirects=False)


async def _answer(client: AsyncTestClient, email: str, convenant: str) -> str:
    await login_as(client, email)
    response = await _post(client, convenant, f"{convenant}/akkoord", {})
    assert response.status_code == 303, response.text
    return (await client.get(convenant)).text


async def test_drafted_sent_returned_changed_and_accepted_by_all(
    extra_people: None, client: AsyncTestClient
) -> None:
    parties = [
        str(await organisation_id(name))
        for name in ("Taalhuis Kennemerland", "ROC Noordkust", "Leerwerkplaats De Brug")
    ]
    await login_as(client, COORDINATOR)
    # Without JavaScript a term row is added by a button that shows the form again.
    first_row = {k: v for k, v in _terms("10", "12").items() if k.startswith("term-1-")}
    added = await _post(
        client,
        f"{BASE}/nieuw",
        f"{BASE}/nieuw",
        {"actie": "afspraak-toevoegen", "title": "X", **first_row},
    )
    assert added.status_code == 200
    assert "Afspraak 2" in added.text and 'value="X"' in added.text

    concept = {
        "title": "Convenant taal 2027",
        "period_start": "2027-01-01",
        "period_end": "2028-12-31",
        "parties": parties,
        "actie": "opslaan",
        **_terms("10", "12"),
    }
    created = await _post(client, f"{BASE}/nieuw", f"{BASE}/nieuw", concept)
    assert created.status_code == 303, created.text
    page = created.headers["location"]
    text = (await client.get(page)).text
    assert "Concept" in text
    intake = (
        "Doorlooptijd aanmelding tot intake ≤ 10 werkdagen per kwartaal, "
        "bijna gemist vanaf 12 werkdagen"
    )
    assert intake in text
    assert "Aanwezigheid ≥ 85 % per maand, bijna gemist vanaf 80 %" in text

    sent = await _post(client, page, f"{page}/versturen", {})
    assert sent.status_code == 303
    assert "Ter ondertekening" in (await client.get(page)).text

    # Terms are frozen while they are being signed: a change is refused and nothing moves.
    frozen = await _post(client, page, f"{page}/bewerken", {**concept, **_terms("15", "18")})
    assert frozen.status_code == 400
    assert "ter ondertekening en kunnen nu niet veranderen" in frozen.text
    assert await scalar("SELECT COUNT(*) AS n FROM convenant_term WHERE target_centi = 1500") == 0

    await _answer(client, TAALHUIS, page)
    await _answer(client, ROC, page)

    await login_as(client, BRUG)
    text = (await client.get(page)).text
    term_ids = re.findall(r'name="comment-(\d+)"', text)
    assert len(term_ids) == 3
    returned = await _post(
        client, page, f"{page}/terugsturen", {f"comment-{term_ids[2]}": RETURN_COMMENT}
    )
    assert returned.status_code == 303, returned.text
    assert "Concept" in (await client.get(page)).text

    await login_as(client, COORDINATOR)
    text = (await client.get(page)).text
    assert RETURN_COMMENT in text and "Bas Brug" in text and "Versie 2" in text
    assert "Versie 1 is teruggestuurd door Leerwerkplaats De Brug (Bas Brug," in text
    edit = f"{page}/bewerken"
    changed = await _post(client, edit, edit, {**concept, **_terms("15", "18")})
    assert changed.status_code == 303, changed.text

    diff = (await client.get(f"{page}/versies")).text
    assert "versie 1 en versie 2" in diff
    assert "gewijzigd" in diff and "(norm, bijna gemist vanaf)" in diff
    assert "≤ 10 werkdagen per kwartaal" in diff and "≤ 15 werkdagen per kwartaal" in diff
    assert diff.count("ongewijzigd") == 2

    assert (await _post(client, page, f"{page}/versturen", {})).status_code == 303
    # The comment stays in the thread of its term in the new version.
    assert RETURN_COMMENT in (await client.get(page)).text
    await _answer(client, TAALHUIS, page)
    await _answer(client, ROC, page)
    await login_as(client, BRUG)
    response = await _post(client, page, f"{page}/akkoord", {})
    assert response.status_code == 303
    text = (await client.get(page)).text
    assert "het convenant is actief" in text and "Actief" in text

    convenant_id = int(page.rsplit("/", 1)[1])
    row = (
        await current_engine().run_ddl(
            f"SELECT status, version, active_version FROM convenant WHERE id = {convenant_id}"  # noqa: S608
        )
    )[0]
    assert (row["status"], row["version"], row["active_version"]) == ("actief", 2, 2)
    actions = {
        r["action"]
        for r in await current_engine().run_ddl(
            "SELECT action FROM audit_entry WHERE object_type = 'convenant' "  # noqa: S608
            f"AND object_id = '{convenant_id}'"
        )
    }
    assert {"create", "send", "accept", "return", "update", "activate"} <= actions


async def test_a_wrong_target_is_refused_in_dutch_and_what_was_typed_stays(
    client: AsyncTestClient,
) -> None:
    await login_as(client, COORDINATOR)
    form = {
        "title": "Convenant met een fout",
        "period_start": "2027-01-01",
        "period_end": "2026-01-01",
        "actie": "opslaan",
        **_terms("tien", "12"),
    }
    response = await _post(client, f"{BASE}/nieuw", f"{BASE}/nieuw", form)
    assert response.status_code == 400
    assert "De einddatum ligt voor de begindatum." in response.text
    assert "Vul bij afspraak 3 de norm in als getal" in response.text
    assert 'value="Convenant met een fout"' in response.text and 'value="tien"' in response.text
    assert await scalar("SELECT COUNT(*) AS n FROM convenant") == 2


async def test_rows_left_empty_are_no_terms_but_keep_their_place_until_saved(
    client: AsyncTestClient,
) -> None:
    await login_as(client, COORDINATOR)
    blank = (await client.get(f"{BASE}/nieuw")).text
    # Three rows at once: a convenant's usual terms need no "Afspraak toevoegen" each.
    assert "Afspraak 3" in blank and "Afspraak 4" not in blank
    empty_second = {
        "term-2-code": "",
        "term-2-comparison": "ge",
        "term-2-target": "",
        "term-2-tolerance": "",
        "term-2-period": "maand",
    }
    rows = {
        **{k: v for k, v in _terms("10", "12").items() if not k.startswith("term-2-")},
        **empty_second,
    }
    form = {"title": "Twee afspraken", "period_start": "2027-01-01", "period_end": "2027-12-31"}
    # Removing row 3 counts the empty row 2 as the buttons show it: rows 1 and 2 stay.
    removed = await _post(
        client,
        f"{BASE}/nieuw",
        f"{BASE}/nieuw",
        {**form, **rows, "actie": "afspraak-verwijderen-3"},
    )
    assert removed.status_code == 200
    assert "Afspraak 2" in removed.text and "Afspraak 3" not in removed.text
    assert 'value="taal.intake_doorlooptijd" selected' not in removed.text

    created = await _post(
        client, f"{BASE}/nieuw", f"{BASE}/nieuw", {**form, **rows, "actie": "opslaan"}
    )
    assert created.status_code == 303, created.text
    text = (await client.get(created.headers["location"])).text
    assert "Afspraak 1: Aanwezigheid" in text
    assert "Afspraak 2: Doorlooptijd aanmelding tot intake" in text
    assert "Afspraak 3" not in text
