"""Declarations with evidence: the file is checked by its content and refused in Dutch; a
good one is stored, shown to its partner and the coordinator, downloaded with an audit
entry, and checked by the coordinator."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from portal.kpi.periods import Period, PeriodKind
from tests.convenants.conftest import (
    COORDINATOR,
    TAALHUIS,
    csrf,
    demo_convenant,
    login_as,
    scalar,
)
from tests.factories import today

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


async def _declare(client: AsyncTestClient, page: str, name: str, content: bytes, value: str):
    token = csrf((await client.get(page)).text)
    period = Period.containing(today(), PeriodKind.KWARTAAL).key
    return await client.post(
        page,
        data={"_csrf_token": token, "line": "4", "period": period, "value": value, "note": ""},
        files={"evidence": (name, content, "application/pdf")},
        follow_redirects=False,
    )


async def test_a_text_file_called_pdf_is_refused_in_dutch(client: AsyncTestClient) -> None:
    page = f"/r/alkmaar/convenanten/{await demo_convenant()}/verklaringen"
    before = await scalar("SELECT COUNT(*) AS n FROM convenant_declaration")
    await login_as(client, TAALHUIS)
    response = await _declare(client, page, "bewijs.pdf", b"gewoon tekst, geen pdf", "96")
    assert response.status_code == 400
    assert "Dit bestand is geen PDF, JPEG of PNG" in response.text
    assert 'value="96"' in response.text
    wrong_value = await _declare(client, page, "bewijs.pdf", PDF, "honderd")
    assert wrong_value.status_code == 400
    assert "Vul als waarde een percentage van 0 tot 100" in wrong_value.text
    assert await scalar("SELECT COUNT(*) AS n FROM convenant_declaration") == before


async def test_declared_downloaded_and_checked(client: AsyncTestClient) -> None:
    page = f"/r/alkmaar/convenanten/{await demo_convenant()}/verklaringen"
    await login_as(client, TAALHUIS)
    response = await _declare(client, page, "docenten-kwartaal.pdf", PDF, "97,5")
    assert response.status_code == 303, response.text
    text = (await client.get(page)).text
    assert "docenten-kwartaal.pdf" in text and "97,5 %" in text
    declaration_id = max(int(i) for i in re.findall(r"/verklaringen/(\d+)/bewijs", text))

    await login_as(client, COORDINATOR)
    download = await client.get(f"/r/alkmaar/verklaringen/{declaration_id}/bewijs")
    assert download.status_code == 200 and download.content == PDF
    assert "docenten-kwartaal.pdf" in download.headers["content-disposition"]
    token = csrf((await client.get(page)).text)
    checked = await client.post(
        f"/r/alkmaar/verklaringen/{declaration_id}/gecontroleerd",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert checked.status_code == 303
    assert "Gecontroleerd" in (await client.get(page)).text
    actions = await scalar(
        "SELECT COUNT(*) AS n FROM audit_entry WHERE object_type = 'convenant_declaration' "  # noqa: S608
        f"AND object_id = '{declaration_id}' AND action IN ('submit', 'download', 'check')"
    )
    assert actions == 3

    # Once checked, the partner cannot replace it.
    await login_as(client, TAALHUIS)
    again = await _declare(client, page, "ander.pdf", PDF, "50")
    assert again.status_code == 400
    assert "al gecontroleerd" in again.text
