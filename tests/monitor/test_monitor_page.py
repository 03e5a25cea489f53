"""The coordinator's monitor through the app, on the demo: who reaches it, what it shows,
and the exports (CSV for Dutch Excel, XLSX opened with openpyxl)."""

from __future__ import annotations

import io
import re

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from tests.conftest import csrf_from, login, token

MONITOR = "/r/alkmaar/monitor/"
TABLES = ("pip-norm", "zonder-brp", "trechter", "leerroutes", "partners", "taakstelling")


async def test_the_coordinator_sees_charts_with_tables_and_no_personal_data(
    client: AsyncTestClient,
) -> None:
    await login(client, "coordinator@alkmaar.demo")
    response = await client.get(MONITOR)
    assert response.status_code == 200
    page = response.text
    for heading in (
        "PIP binnen 10 weken na inschrijving",
        "Van koppeling tot start leerroute",
        "Actieve inburgeraars",
        "Taakstelling huisvesting",
    ):
        assert heading in page
    charts = re.findall(r'<svg [^>]*role="img"[^>]*>', page)
    assert len(charts) == 5
    assert "<script" not in page.split("<main", 1)[1] and ' style="' not in page
    # Each chart's table is on the page with a caption; every table has export links.
    assert page.count("<caption") >= 5
    for key in ("pip-norm", "trechter", "leerroutes", "partners", "taakstelling"):
        assert f"tabel={key}&amp;formaat=xlsx" in page
    # No names of demo people: counts only.
    for name in ("Haddad", "Berhane", "Gebremedhin", "Yonas"):
        assert name not in page
    assert 'href="/r/alkmaar/monitor/"' in page  # in the menu


async def test_other_roles_are_refused_and_another_regio_is_not_found(
    client: AsyncTestClient,
) -> None:
    for email in ("docent@taal.alkmaar.demo", "regievoerder@alkmaar.demo"):
        await login(client, email)
        for path in (MONITOR, "/r/alkmaar/monitor/export?tabel=pip-norm&formaat=csv"):
            assert (await client.get(path)).status_code == 403
    await login(client, "beheer@zaanstreek.demo")
    assert (await client.get(MONITOR)).status_code == 404


async def test_a_coordinator_of_another_regio_sees_none_of_it(client: AsyncTestClient) -> None:
    await login(client, "adviseur@regio.demo", choose="Regiobureau Zaanstreek-Waterland")
    for path in (
        MONITOR,
        "/r/alkmaar/monitor/export?tabel=trechter&formaat=xlsx",
        "/r/alkmaar/monitor/cijfer?cijfer=trechter&stap=koppeling",
        "/r/alkmaar/monitor/taakstelling",
    ):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (404, 303), path
        assert "Gemeente Alkmaar" not in response.text


async def test_every_table_exports_as_dutch_csv_and_as_xlsx(client: AsyncTestClient) -> None:
    await login(client, "coordinator@alkmaar.demo")
    for key in TABLES:
        csv = await client.get(f"/r/alkmaar/monitor/export?tabel={key}&formaat=csv")
        assert csv.status_code == 200
        assert csv.content.startswith(b"\xef\xbb\xbf")
        assert "attachment" in csv.headers["content-disposition"]
        header = csv.content.decode("utf-8-sig").splitlines()[0]
        assert ";" in header
        xlsx = await client.get(f"/r/alkmaar/monitor/export?tabel={key}&formaat=xlsx")
        assert xlsx.status_code == 200
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet["A3"].value == header.split(";")[0]
    missing = await client.get("/r/alkmaar/monitor/export?tabel=bestaat-niet&formaat=csv")
    assert missing.status_code == 404


async def test_the_taakstelling_is_entered_and_shown_against_realisatie(
    client: AsyncTestClient,
) -> None:
    await login(client, "coordinator@alkmaar.demo")
    form = (await client.get("/r/alkmaar/monitor/taakstelling")).text
    gemeente = re.search(r'<option value="(\d+)">Gemeente Heiloo</option>', form)
    half = re.findall(r'<option value="(\d{4}-[12])">', form)[-2]
    assert gemeente
    refused = await client.post(
        "/r/alkmaar/monitor/taakstelling",
        data={"gemeente": gemeente.group(1), "half_year": half, "target": "veel"},
        headers={"x-csrftoken": csrf_from(form)},
    )
    assert refused.status_code == 400
    assert "Vul de taakstelling in als een heel aantal" in refused.text
    assert 'value="veel"' in refused.text
    saved = await client.post(
        "/r/alkmaar/monitor/taakstelling",
        data={
            "gemeente": gemeente.group(1),
            "half_year": half,
            "target": "12",
            "_csrf_token": await token(client, "/r/alkmaar/monitor/taakstelling"),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = (await client.get(MONITOR)).text
    row = re.search(r"Gemeente Heiloo</th>(?:(?!</tr>).)*?van 12\b", page, re.S)
    assert row, "the target is in the taakstelling table"
    # The chart shows the target for the current half year as a tick with its legend.
    assert "Taakstelling</text>" in page


async def test_a_number_links_to_the_count_behind_it(client: AsyncTestClient) -> None:
    await login(client, "coordinator@alkmaar.demo")
    page = (await client.get(MONITOR)).text
    links = re.findall(r'href="(/r/alkmaar/monitor/cijfer\?[^"]+)"', page)
    assert links
    for link in links[:6]:
        behind = await client.get(link.replace("&amp;", "&"))
        assert behind.status_code == 200, link
        assert "Aantal" in behind.text and "Haddad" not in behind.text
    unknown = await client.get(
        "/r/alkmaar/monitor/cijfer?cijfer=trechter&stap=koppeling&gemeente=2147480000"
    )
    assert unknown.status_code == 404
