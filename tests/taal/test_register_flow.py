"""The lesson register through the web: the docent's lesson of today, a register with one
late and one unexcused absence, learners confirming with their own code, the docent
signing, exactly one verzuim signal for the gemeente, and corrections with a reason."""

from __future__ import annotations

import asyncio
import re

from litestar.testing import AsyncTestClient

from partners.taal import registers, rooster
from portal.core.clock import today
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tests.conftest import csrf_from, login, token

DOCENT = "docent@taal.alkmaar.demo"
REGIE = "regievoerder@alkmaar.demo"
# The demo's personal codes (docs/taal.md).
CODES = {"Mansour": "246810", "Saleh": "135790", "Kovalenko": "112233", "Noorzai": "445566"}


async def _today_lesson(client: AsyncTestClient) -> str:
    page = await client.get("/r/alkmaar/lessen")
    assert page.status_code == 200
    assert "Mijn lessen vandaag" in page.text
    match = re.search(r'href="/r/alkmaar/lessen/(\d+)">NT2 B1 ochtend<', page.text)
    assert match, "today's lesson is not listed"
    return match.group(1)


def _learners(html: str) -> dict[str, str]:
    """Family name -> enrolment id, from the register form."""
    found = re.findall(
        r'name="learner_(\d+)".*?taal-register__name">\S+ ([^\s<]+)', html, flags=re.DOTALL
    )
    return {family: number for number, family in found}


def _lines(learners: dict[str, str], csrf: str, **special: tuple[str, str, str]) -> dict:
    data = {"_csrf_token": csrf}
    for family, number in learners.items():
        status, late, reason = special.get(family, ("aanwezig", "", ""))
        data.update(
            {
                f"learner_{number}": "1",
                f"status_{number}": status,
                f"late_{number}": late,
                f"reason_{number}": reason,
            }
        )
    return data


async def _open_verzuim_tasks(client: AsyncTestClient) -> list[str]:
    page = await client.get("/r/alkmaar/taken?zoek=Verzuimsignaal")
    return re.findall(r"Verzuimsignaal[^<]*</a>[\s\S]*?Kovalenko", page.text)


async def test_docent_fills_register_learners_confirm_docent_signs(
    client: AsyncTestClient,
) -> None:
    await login(client, DOCENT)
    lesson = await _today_lesson(client)
    url = f"/r/alkmaar/lessen/{lesson}"
    page = await client.get(url)
    learners = _learners(page.text)
    assert set(learners) == set(CODES)

    # A missing minute count and a missing reason are refused, with the input kept.
    bad = _lines(
        learners,
        csrf_from(page.text),
        Noorzai=("te_laat", "", ""),
        Kovalenko=("geoorloofd", "", ""),
    )
    response = await client.post(url, data=bad)
    assert response.status_code == 400
    assert "hoeveel minuten te laat" in response.text
    assert "Vul de reden van de afwezigheid van Lina Kovalenko in." in response.text

    good = _lines(
        learners,
        csrf_from(page.text),
        Noorzai=("te_laat", "10", ""),
        Kovalenko=("ongeoorloofd", "", ""),
    )
    response = await client.post(url, data=good, follow_redirects=False)
    assert response.status_code == 303
    page = await client.get(url)
    assert "Opgeslagen, nog niet ondertekend" in page.text

    # The docent hands the locked screen round. A learner who was absent cannot confirm;
    # a wrong code is refused.
    confirm = f"{url}/bevestigen"
    csrf = csrf_from(page.text)
    response = await client.post(
        f"{url}/vergrendelen", data={"_csrf_token": csrf}, follow_redirects=False
    )
    assert response.headers["location"] == confirm
    response = await client.post(
        confirm,
        data={"enrolment": learners["Mansour"], "code": "000000", "_csrf_token": csrf},
    )
    assert response.status_code == 400
    assert "Deze code klopt niet." in response.text
    response = await client.post(
        confirm,
        data={"enrolment": learners["Kovalenko"], "code": CODES["Kovalenko"], "_csrf_token": csrf},
    )
    assert response.status_code == 400
    for family in ("Mansour", "Noorzai"):
        response = await client.post(
            confirm,
            data={"enrolment": learners[family], "code": CODES[family], "_csrf_token": csrf},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    locked = await client.get(confirm)
    # Only who was there counts: Lina was absent, so two of the three present confirmed.
    assert "2 van 3 aanwezige cursisten hebben bevestigd" in locked.text
    response = await client.post(
        f"{url}/ontgrendelen",
        data={"password": "demo", "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.headers["location"] == url
    page = await client.get(url)
    assert page.text.count("Bevestigd door cursist") == 2
    assert "2 van 3 aanwezige cursisten hebben bevestigd" in page.text

    # The docent signs: Lina's third unexcused absence in a row raises one signal.
    response = await client.post(
        f"{url}/ondertekenen", data={"_csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    page = await client.get(url)
    assert "Er is 1 verzuimsignaal naar de gemeente gestuurd." in page.text
    assert "Ondertekend" in page.text

    # A correction needs a reason and keeps the earlier version visible.
    corrected = _lines(
        learners,
        csrf_from(page.text),
        Noorzai=("te_laat", "10", ""),
        Kovalenko=("geoorloofd", "", "Ziek gemeld"),
    )
    response = await client.post(url, data=corrected)
    assert response.status_code == 400
    assert "Geef de reden van de correctie" in response.text
    corrected["correction_reason"] = "Ziekmelding kwam later binnen"
    response = await client.post(url, data=corrected, follow_redirects=False)
    assert response.status_code == 303
    page = await client.get(url)
    assert "Eerdere versies (1)" in page.text
    assert "Versie 1: Afwezig, ongeoorloofd" in page.text
    assert "correctie – Ziekmelding kwam later binnen" in page.text

    # The gemeente has exactly one signal for Lina, with the facts, due today.
    client.cookies.clear()
    await login(client, REGIE)
    tasks = await client.get("/r/alkmaar/taken?zoek=Kovalenko")
    assert tasks.text.count("Verzuimsignaal:") == 1
    case = re.search(r'href="/r/alkmaar/inburgeraars/(\d+)">Lina Kovalenko', tasks.text)
    panel = await client.get(
        f"/r/alkmaar/inburgeraars/{case.group(1)}/taal", headers={"hx-request": "true"}
    )
    assert "3 lessen achter elkaar ongeoorloofd afwezig" in panel.text
    assert "Gemeld door Taalhuis Kennemerland" in panel.text


async def test_signing_twice_or_by_another_docent_is_refused(client: AsyncTestClient) -> None:
    await login(client, DOCENT)
    lesson = await _today_lesson(client)
    url = f"/r/alkmaar/lessen/{lesson}"
    page = await client.get(url)
    response = await client.post(f"{url}/ondertekenen", data={"_csrf_token": csrf_from(page.text)})
    assert response.status_code == 400
    assert "Sla eerst de presentielijst op." in response.text
    response = await client.post(
        url, data={"actie": "iedereen", **_lines(_learners(page.text), csrf_from(page.text))}
    )
    assert response.status_code == 200
    page = await client.get(url)
    assert page.text.count('value="aanwezig" checked') == 4
    await client.post(f"{url}/ondertekenen", data={"_csrf_token": csrf_from(page.text)})
    response = await client.post(f"{url}/ondertekenen", data={"_csrf_token": csrf_from(page.text)})
    assert response.status_code == 400
    assert "al ondertekend" in response.text


async def test_wrong_codes_lock_the_learner_code(client: AsyncTestClient) -> None:
    await login(client, DOCENT)
    lesson = await _today_lesson(client)
    url = f"/r/alkmaar/lessen/{lesson}"
    page = await client.get(url)
    learners = _learners(page.text)
    await client.post(url, data=_lines(learners, csrf_from(page.text)))
    csrf = await token(client, url)
    await client.post(f"{url}/vergrendelen", data={"_csrf_token": csrf})
    for _ in range(4):
        response = await client.post(
            f"{url}/bevestigen",
            data={"enrolment": learners["Saleh"], "code": "999999", "_csrf_token": csrf},
        )
        assert "Deze code klopt niet." in response.text
    response = await client.post(
        f"{url}/bevestigen",
        data={"enrolment": learners["Saleh"], "code": "999999", "_csrf_token": csrf},
    )
    assert "De code is 15 minuten geblokkeerd." in response.text
    # Even the right code waits now.
    response = await client.post(
        f"{url}/bevestigen",
        data={"enrolment": learners["Saleh"], "code": CODES["Saleh"], "_csrf_token": csrf},
    )
    assert response.status_code == 400
    assert "Probeer het over 15 minuten opnieuw." in response.text


async def test_other_school_and_other_roles_cannot_reach_the_register(
    client: AsyncTestClient,
) -> None:
    await login(client, DOCENT)
    lesson = await _today_lesson(client)
    url = f"/r/alkmaar/lessen/{lesson}"
    client.cookies.clear()
    await login(client, "docent@roc.alkmaar.demo")
    assert (await client.get(url)).status_code == 404
    assert "NT2 B1 ochtend" not in (await client.get("/r/alkmaar/lessen?alle=1")).text
    assert "Mansour" not in (await client.get("/r/alkmaar/cursisten")).text
    client.cookies.clear()
    await login(client, REGIE)
    assert (await client.get(url)).status_code == 403


async def test_start_page_counts(client: AsyncTestClient) -> None:
    await login(client, DOCENT)
    home = await client.get("/r/alkmaar/")
    tile = re.search(r"Mijn lessen vandaag</a></h3>\s*<p[^>]*>(\d+)<", home.text)
    assert tile and tile.group(1) == "1"
    client.cookies.clear()
    await login(client, REGIE)
    home = await client.get("/r/alkmaar/")
    tile = re.search(r"Verzuimsignalen zonder opvolging</a></h3>\s*<p[^>]*>(\d+)<", home.text)
    assert tile and tile.group(1) == "1"


async def test_two_saves_of_one_register_at_once_take_turns(demo: Settings) -> None:
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    lesson = next(
        x for x in await rooster.lessons_on(docent, today()) if x["group_name"] == "NT2 B1 ochtend"
    )
    learners = (await registers.load(docent, lesson["id"]))["learners"]
    present = {x["id"]: registers.LineInput("aanwezig") for x in learners}
    absent = {x["id"]: registers.LineInput("ongeoorloofd") for x in learners}
    await asyncio.gather(
        registers.save(docent, lesson["id"], present, "", today()),
        registers.save(docent, lesson["id"], absent, "", today()),
    )
    lines = [x["line"] for x in (await registers.load(docent, lesson["id"]))["learners"]]
    assert len(lines) == 4 and all(line["version"] == 1 for line in lines)
    assert len({line["status"] for line in lines}) == 1
