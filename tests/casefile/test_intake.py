"""The brede intake: saved per section, history kept, health data only with a recorded ground."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from tests.conftest import login, token


async def _case(client: AsyncTestClient, name: str) -> str:
    page = await client.get(f"/r/alkmaar/inburgeraars?zoek={name}")
    return re.search(r"/r/alkmaar/inburgeraars/(\d+)\"", page.text).group(1)


async def test_sections_are_saved_one_by_one_with_author_and_history(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case = await _case(client, "Yusuf")
    url = f"/r/alkmaar/inburgeraars/{case}/intake"
    csrf = await token(client, url)
    # The demo already holds one save of this section (A0); two more follow.
    for level in ("A0", "A1"):
        response = await client.post(
            url,
            data={
                "section": "taalniveau",
                "niveau_nl": level,
                "alfabetisering": "AA",
                "_csrf_token": csrf,
            },
        )
        assert response.status_code == 200
    page = (await client.get(url)).text
    section = page.split('id="sectie-taalniveau"')[1].split("</section>")[0]
    assert "Rachid Regie" in section and "3 versies" in section
    assert re.search(r'<option value="A1"\s+selected', section)
    # The PIP form starts from the intake.
    pip_form = (await client.get(f"/r/alkmaar/inburgeraars/{case}/pip")).text
    assert "Niveau Nederlands bij de intake: A1." in pip_form
    assert re.search(r'<option value="AA"\s+selected', pip_form)
    case_page = (await client.get(f"/r/alkmaar/inburgeraars/{case}")).text
    assert "Brede intake: taalniveau bijgewerkt" in case_page


async def test_bad_input_is_explained_and_nothing_saved(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case = await _case(client, "Yusuf")
    url = f"/r/alkmaar/inburgeraars/{case}/intake"
    response = await client.post(
        url,
        data={
            "section": "leerbaarheidstoets",
            "datum": "31-02-2026",
            "_csrf_token": await token(client, url),
        },
    )
    assert response.status_code == 400 and "Vul de datum in als dd-mm-jjjj." in response.text
    assert (
        "Laatst opgeslagen"
        not in response.text.split('id="sectie-leerbaarheidstoets"')[1].split("</section>")[0]
    )


async def test_health_needs_a_recorded_ground_and_stays_with_the_gemeente(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    case = await _case(client, "Haddad")
    url = f"/r/alkmaar/inburgeraars/{case}/intake"
    csrf = await token(client, url)
    refused = await client.post(
        url, data={"section": "gezondheid", "fysiek": "Rugklachten", "_csrf_token": csrf}
    )
    assert refused.status_code == 400 and "Leg eerst vast op welke grond" in refused.text
    await client.post(f"{url}/grondslag", data={"health_basis": "toestemming", "_csrf_token": csrf})
    saved = await client.post(
        url, data={"section": "gezondheid", "fysiek": "Rugklachten", "_csrf_token": csrf}
    )
    assert saved.status_code == 200 and "Rugklachten" in saved.text
    client.cookies.clear()
    await login(client, "docent@taal.alkmaar.demo")
    assert (await client.get(url)).status_code == 403
    assert "Rugklachten" not in (await client.get(f"/r/alkmaar/inburgeraars/{case}")).text
