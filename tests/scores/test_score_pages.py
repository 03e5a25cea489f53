"""The scores as people see them: the coordinator side by side with the regio average and
only pseudonyms behind a value; a partner its own values and records by name, never another
school's, also when it changes the ids in the address; a question about a row reaches the
partner; every table downloads as CSV (Excel) and XLSX."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from partners.convenants import scores
from portal.demo_cases import demo_scope
from portal.kpi.periods import Period, PeriodKind
from tenants.roles import Role
from tests.convenants.conftest import (
    COORDINATOR,
    ROC,
    TAALHUIS,
    ZAAN,
    csrf,
    demo_convenant,
    login_as,
    organisation_id,
    scalar,
)
from tests.factories import today

ATTENDANCE_LINE = 1  # taal.aanwezigheid in the demo convenant


async def _records_url(base: str, organisation: int | None = None) -> str:
    period = Period.containing(today(), PeriodKind.MAAND).previous()
    url = (
        f"{base}/records?convenant={await demo_convenant()}&regel={ATTENDANCE_LINE}"
        f"&periode={period.key}"
    )
    return url + (f"&organisatie={organisation}" if organisation else "")


async def _names() -> list[str]:
    from portal.core.database import current_engine

    rows = await current_engine().run_ddl("SELECT given_names, family_name FROM inburgeraar")
    return [row["family_name"] for row in rows if len(row["family_name"]) > 3]


async def test_the_regio_average_sums_numerators_and_denominators(demo) -> None:
    found = await scores.monitor(await demo_scope(COORDINATOR, Role.REGIOCOORDINATOR), today())
    attendance = next(s for s in found if s.term.code == "taal.aanwezigheid")
    assert {p.name for p in attendance.partners} == {"ROC Noordkust", "Taalhuis Kennemerland"}
    assert len(attendance.periods) == 12
    for i, regio in enumerate(attendance.regio):
        cells = [p.cells[i] for p in attendance.partners]
        assert regio.numerator == sum(c.numerator or 0 for c in cells)
        assert regio.denominator == sum(c.denominator or 0 for c in cells)
    assert any(c.value is not None for c in attendance.regio)


async def test_the_coordinator_sees_status_in_words_and_pseudonyms_only(
    client: AsyncTestClient,
) -> None:
    await login_as(client, COORDINATOR)
    audits = await scalar("SELECT COUNT(*) AS n FROM audit_entry WHERE action = 'as_system'")
    page = await client.get("/r/alkmaar/monitor/afspraken/")
    assert page.status_code == 200
    assert (
        await scalar("SELECT COUNT(*) AS n FROM audit_entry WHERE action = 'as_system'")
        == audits + 1
    )
    text = page.text
    assert "Regio (gemiddelde)" in text and "Taalhuis Kennemerland" in text
    assert re.search(r"Gehaald|Bijna gemist|Gemist", text)
    assert "<svg" in text and "Norm" in text

    taalhuis = await organisation_id("Taalhuis Kennemerland")
    records = await client.get(await _records_url("/r/alkmaar/monitor/afspraken", taalhuis))
    assert records.status_code == 200
    assert "P-" in records.text
    for name in await _names():
        assert name not in records.text, f"{name} shown to the coordinator"


async def test_a_question_about_a_row_reaches_the_partner(client: AsyncTestClient) -> None:
    taalhuis = await organisation_id("Taalhuis Kennemerland")
    await login_as(client, COORDINATOR)
    url = await _records_url("/r/alkmaar/monitor/afspraken", taalhuis)
    page = (await client.get(url)).text
    record = re.search(r'name="record" value="(\d+)"', page)
    assert record, "no row to ask about"
    form = {
        "_csrf_token": csrf(page),
        "convenant": str(await demo_convenant()),
        "regel": str(ATTENDANCE_LINE),
        "periode": Period.containing(today(), PeriodKind.MAAND).previous().key,
        "organisatie": str(taalhuis),
        "record": record.group(1),
        "text": "",
    }
    empty = await client.post("/r/alkmaar/monitor/afspraken/vraag", data=form)
    assert empty.status_code == 400 and "Vul uw vraag of antwoord in" in empty.text
    form["text"] = "Klopt de afwezigheid van deze cursist op de 3e?"
    sent = await client.post(
        "/r/alkmaar/monitor/afspraken/vraag", data=form, follow_redirects=False
    )
    assert sent.status_code == 303

    await login_as(client, TAALHUIS)
    own = await client.get("/r/alkmaar/mijn-scores/")
    assert "Klopt de afwezigheid van deze cursist op de 3e?" in own.text
    await login_as(client, ROC)
    assert "Klopt de afwezigheid" not in (await client.get("/r/alkmaar/mijn-scores/")).text


async def test_the_partner_sees_its_own_records_by_name(client: AsyncTestClient) -> None:
    await login_as(client, TAALHUIS)
    page = await client.get("/r/alkmaar/mijn-scores/")
    assert page.status_code == 200
    assert "Aanwezigheid" in page.text and "ROC Noordkust" not in page.text
    records = await client.get(await _records_url("/r/alkmaar/mijn-scores"))
    assert records.status_code == 200
    assert "Taalhuis Kennemerland" in records.text
    assert "P-" not in records.text


async def test_other_schools_never_reach_taalhuis_records(client: AsyncTestClient) -> None:
    taalhuis = await organisation_id("Taalhuis Kennemerland")
    await login_as(client, ROC)
    tampered = await client.get(await _records_url("/r/alkmaar/mijn-scores", taalhuis))
    assert tampered.status_code == 404
    # Its own records, with the same convenant and line, are not Taalhuis's.
    own = await client.get(await _records_url("/r/alkmaar/mijn-scores"))
    assert own.status_code == 200 and "ROC Noordkust" in own.text
    assert "Taalhuis Kennemerland" not in own.text
    export = await client.get(
        f"/r/alkmaar/mijn-scores/export?afspraak=afspraak-{await demo_convenant()}-1&formaat=csv"
    )
    assert "Taalhuis" not in export.content.decode("utf-8-sig")

    await login_as(client, ZAAN)
    for url in (
        await _records_url("/r/zaanstreek/mijn-scores", taalhuis),
        await _records_url("/r/zaanstreek/mijn-scores"),
        await _records_url("/r/alkmaar/mijn-scores", taalhuis),
    ):
        assert (await client.get(url)).status_code == 404, url


async def test_score_tables_download_as_csv_and_xlsx(client: AsyncTestClient) -> None:
    anchor = f"afspraak-{await demo_convenant()}-{ATTENDANCE_LINE}"
    await login_as(client, COORDINATOR)
    csv = await client.get(f"/r/alkmaar/monitor/afspraken/export?afspraak={anchor}&formaat=csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "Regio (gemiddelde)" in text and ";" in text and "Taalhuis Kennemerland" in text
    xlsx = await client.get(f"/r/alkmaar/monitor/afspraken/export?afspraak={anchor}&formaat=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    missing = await client.get("/r/alkmaar/monitor/afspraken/export?afspraak=x&formaat=csv")
    assert missing.status_code == 404


async def test_the_partner_page_is_one_audit_entry(client: AsyncTestClient) -> None:
    await login_as(client, TAALHUIS)
    before = await scalar("SELECT COUNT(*) AS n FROM audit_entry")
    assert (await client.get("/r/alkmaar/mijn-scores/")).status_code == 200
    assert await scalar("SELECT COUNT(*) AS n FROM audit_entry") == before + 1
