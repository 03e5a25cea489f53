"""The DUO import through the web, as a regievoerder uses it: template, dry run, import."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient

from portal.casefile import duo_import, inburgeraars
from portal.casefile.routes import today
from portal.core.database import current_engine
from portal.core.validation import ValidationFailed
from tests.conftest import login, token

TODAY = today()
PAGE = "/r/alkmaar/inburgeraars/import"
HEADER = (
    "gebeurtenis",
    "bsn",
    "geslachtsnaam",
    "voornamen",
    "geboortedatum",
    "doelgroep",
    "datum_plicht",
    "datum_inschrijving_brp",
    "v_nummer",
)
PLICHT = (TODAY - timedelta(days=40)).strftime("%d-%m-%Y")
BRP = (TODAY - timedelta(days=20)).isoformat()


def _row(
    bsn: str,
    family: str,
    *,
    gebeurtenis: str = "SS139",
    given: str = "Noor",
    birth: str = "14-03-1995",
    doelgroep: str = "asielstatushouder",
    plicht: str = PLICHT,
    brp: str = BRP,
    v_nummer: str = "",
) -> tuple[str, ...]:
    return (gebeurtenis, bsn, family, given, birth, doelgroep, plicht, brp, v_nummer)


def _csv(*rows: tuple[str, ...], sep: str = ",", bom: bool = False) -> bytes:
    lines = [sep.join(HEADER), *(sep.join(row) for row in rows)]
    text = "\r\n".join(lines) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


async def _send(client: AsyncTestClient, content: bytes, action: str, **extra: str):
    return await client.post(
        PAGE,
        data={"actie": action, "_csrf_token": await token(client, PAGE), **extra},
        files={"bestand": ("signalen.csv", content, "text/csv")},
        follow_redirects=False,
    )


async def _count(table: str, where: str = "") -> int:
    sql = f"SELECT COUNT(*) AS n FROM {table} {where}"  # noqa: S608 (fixed names)
    return (await current_engine().run_ddl(sql))[0]["n"]


async def _found(client: AsyncTestClient, name: str) -> bool:
    """Whether the caseload lists someone with this family name."""
    page = await client.get(f"/r/alkmaar/inburgeraars?zoek={name}")
    return f">{name}, " in page.text


async def test_page_documents_the_columns_and_offers_the_template(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    listing = await client.get("/r/alkmaar/inburgeraars")
    assert f'href="{PAGE}"' in listing.text
    page = await client.get(PAGE)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="_csrf_token"' in page.text
    for column in HEADER:
        assert f"<code>{column}</code>" in page.text
    assert "SS101" in page.text and "SS139" in page.text
    href = re.search(r'href="([^"]+\.csv)" download', page.text).group(1)
    template = await client.get(href)
    assert template.status_code == 200
    lines = template.content.decode("utf-8-sig").splitlines()
    assert tuple(lines[0].split(";")) == HEADER == duo_import.COLUMN_NAMES
    # The template itself passes the dry run, and the dry run stores nothing.
    before = await _count("inburgeraar")
    checked = await _send(client, template.content, "controleren")
    assert checked.status_code == 200, checked.text
    assert "Geen fouten gevonden" in checked.text
    assert checked.text.count("wordt ingeschreven</span>") == len(lines) - 1
    assert await _count("inburgeraar") == before


async def test_dry_run_shows_each_error_with_its_row_and_stores_nothing(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    before = {t: await _count(t) for t in ("inburgeraar", "timeline_event")}
    content = _csv(
        _row("999990081", "Goed"),  # row 2, also doubled by row 6
        _row("123456789", "Elfproef"),  # 3
        _row("999990093", "Ouderdom", gebeurtenis="SS128"),  # 4
        _row("999990111", "Zonderbrp", brp=""),  # 5
        _row("999990081", "Dubbel"),  # 6
        _row("999990056", "Elders"),  # 7: Bekele, Heiloo
        _row("999990019", "Haddad", given="Amina"),  # 8: already in Alkmaar
        _row("999990123", "Datum", birth="31-02-1990"),  # 9
        _row("999990135", "Groep", doelgroep="vluchteling"),  # 10
        _row("999990147", "Plicht", gebeurtenis="SS101", plicht="", brp=""),  # 11
    )
    response = await _send(client, content, "controleren")
    assert response.status_code == 200
    text = response.text
    assert "Rij 2: bsn: Dit BSN staat ook in rij 6 van dit bestand." in text
    assert "Rij 6: bsn: Dit BSN staat ook in rij 2 van dit bestand." in text
    assert "Rij 3: bsn: Dit BSN klopt niet (de elfproef faalt)" in text
    assert "Rij 4: gebeurtenis: Deze gebeurtenis wordt (nog) niet ingelezen (SS128)." in text
    assert "Rij 5: datum_inschrijving_brp: Bij SS139 is de datum van inschrijving" in text
    assert (
        "Rij 7: bsn: Dit BSN kan hier niet worden ingeschreven. Neem contact op met het "
        "regiobureau." in text
    )
    assert "Bekele" not in text and "andere gemeente" not in text
    assert (
        "Rij 9: geboortedatum: De datum 31-02-1990 bestaat niet. Controleer de dag en de maand."
        in text
    )
    assert "Rij 10: doelgroep: Vul asielstatushouder, gezinsmigrant of overig in." in text
    assert "Rij 11: datum_plicht: Vul de datum van de start van de plicht in." in text
    # Haddad's BSN with another birth date: a conflict, both sides shown, not a silent skip.
    haddad = re.search(r"<td[^>]*>8</td>.*?</tr>", text, re.S).group(0)
    assert "Conflict" in haddad and "staat er al" not in haddad
    assert "14-03-1995" in haddad and "12-04-1991" in haddad
    assert haddad.count("Amina Haddad") == 3  # the row, the file side, the case side
    assert "9 regels hebben een fout" in text and "1 regel heeft een BSN uit uw dossier" in text
    for table, count in before.items():
        assert await _count(table) == count, table
    assert not await _found(client, "Goed")
    assert "999990081" not in str(await current_engine().run_ddl("SELECT * FROM audit_entry"))


async def test_import_creates_the_cases_once_and_a_second_import_skips_them(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    content = _csv(
        _row("999990081", "Rahimi", given="Noor", v_nummer="2301456801"),
        _row("999990093", "Karimi", gebeurtenis="SS101", doelgroep="gezinsmigrant", brp=""),
        # Haddad as the case knows her, with other dates: skipped, dates left as they are.
        _row("999990019", "Haddad", given="Amina", birth="12-04-1991"),
    )
    before = await _count("inburgeraar")
    done = await _send(client, content, "importeren")
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/r/alkmaar/inburgeraars"
    listing = await client.get("/r/alkmaar/inburgeraars")
    assert "2 inburgeraars ingeschreven, 1 overgeslagen." in listing.text
    assert await _found(client, "Rahimi") and await _found(client, "Karimi")
    assert await _count("inburgeraar") == before + 2
    case_id = re.search(
        r"/r/alkmaar/inburgeraars/(\d+)\"",
        (await client.get("/r/alkmaar/inburgeraars?zoek=Rahimi")).text,
    ).group(1)
    case = (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).text
    assert "999990081" in case and "Ingeschreven in het portaal" in case
    audit = await current_engine().run_ddl("SELECT * FROM audit_entry")
    assert "999990081" not in str(audit) and "999990093" not in str(audit)
    imports = [r for r in audit if r["action"] == "import"]
    assert len(imports) == 1 and imports[0]["result"] == "ok"
    assert imports[0]["object_type"] == "inburgeraar" and imports[0]["subject_ref"] is None
    assert any(
        r["action"] == "create" and r["subject_ref"] == f"inburgeraar:{case_id}" for r in audit
    )

    again = await _send(client, content, "importeren")
    assert again.status_code == 303
    listing = await client.get("/r/alkmaar/inburgeraars")
    assert "0 inburgeraars ingeschreven, 3 overgeslagen." in listing.text
    assert await _count("inburgeraar") == before + 2
    checked = await _send(client, content, "controleren")
    assert checked.text.count("staat er al (wordt overgeslagen)</span>") == 3


async def test_semicolons_bom_short_dates_and_an_eight_digit_bsn(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    content = _csv(
        _row(
            "99999006",
            "Puntkomma",
            gebeurtenis="ss101",
            birth="5-3-1990",
            plicht="1-2-2025",
            brp="",
        ),
        sep=";",
        bom=True,
    )
    checked = await _send(client, content, "controleren")
    assert checked.status_code == 200 and "Geen fouten gevonden" in checked.text, checked.text
    assert "wordt ingeschreven</span>" in checked.text
    done = await _send(client, content, "importeren")
    assert done.status_code == 303, done.text
    page = await client.get("/r/alkmaar/inburgeraars?zoek=Puntkomma")
    case_id = re.search(r"/r/alkmaar/inburgeraars/(\d+)\"", page.text).group(1)
    case = (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).text
    assert "099999006" in case


async def test_a_file_that_is_not_utf8_or_lacks_columns_is_refused_in_dutch(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    latin = _csv(_row("999990081", "Müller")).decode().encode("cp1252")
    refused = await _send(client, latin, "controleren")
    assert refused.status_code == 400 and "niet als UTF-8 opgeslagen" in refused.text
    missing = await _send(client, b"bsn,voornamen\r\n999990081,Noor\r\n", "controleren")
    assert missing.status_code == 400
    assert "De kolommen" in missing.text and "ontbreken" in missing.text
    binary = await _send(client, b"PK\x03\x04\x00\x00binary", "importeren")
    assert binary.status_code == 400 and "Dit is geen CSV-bestand" in binary.text


async def test_an_oversize_file_is_refused_in_dutch(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    before = await _count("inburgeraar")
    row = ",".join(_row("999990081", "Groot")) + "\r\n"
    body = _csv()
    # Just over the limit: the route reads the file in chunks and stops at the limit.
    just_over = body + (row * (duo_import.MAX_BYTES // len(row) + 1)).encode()
    assert len(just_over) <= duo_import.MAX_BYTES + 64 * 1024
    response = await _send(client, just_over, "importeren")
    assert response.status_code == 413 and "Het bestand is te groot" in response.text
    # Far over: refused on the content-length before the body is read.
    far_over = body + b"x" * (3 * duo_import.MAX_BYTES)
    response = await _send(client, far_over, "importeren")
    assert response.status_code == 413 and "Het bestand is te groot" in response.text
    assert await _count("inburgeraar") == before


async def test_another_role_is_refused(client: AsyncTestClient) -> None:
    await login(client, "docent@taal.alkmaar.demo")
    assert (await client.get(PAGE)).status_code == 403
    csrf = await token(client)
    response = await client.post(
        PAGE,
        data={"actie": "importeren", "_csrf_token": csrf},
        files={"bestand": ("signalen.csv", _csv(_row("999990081", "Rol")), "text/csv")},
    )
    assert response.status_code == 403
    assert await _count("inburgeraar", "WHERE family_name = 'Rol'") == 0


async def test_an_import_with_one_bad_row_stores_nothing(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    before = {t: await _count(t) for t in ("inburgeraar", "timeline_event")}
    content = _csv(
        _row("999990081", "Eerste"),
        _row("999990093", "Tweede"),
        _row("999990111", "Derde", birth="morgen"),
    )
    response = await _send(client, content, "importeren")
    assert response.status_code == 400
    assert "Er is niets ingeschreven." in response.text
    assert "Rij 4: geboortedatum: Vul de geboortedatum in als dd-mm-jjjj." in response.text
    for table, count in before.items():
        assert await _count(table) == count, table
    assert not await _found(client, "Eerste")
    assert await _count("audit_entry", "WHERE action = 'import' AND result = 'refused'") == 1


async def test_a_failure_on_row_n_rolls_back_rows_1_to_n(
    client: AsyncTestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are registered by `register`, which opens its own write transaction: it must
    join the import's transaction, so a failure on the last row undoes the earlier ones."""
    real = inburgeraars.register
    calls = []

    async def failing_on_third(*args, **kwargs) -> int:
        calls.append(1)
        created = await real(*args, **kwargs)
        if len(calls) == 3:
            raise ValidationFailed({"bsn": "Kunstmatige fout na het opslaan."})
        return created

    monkeypatch.setattr(inburgeraars, "register", failing_on_third)
    await login(client, "regievoerder@alkmaar.demo")
    before = {t: await _count(t) for t in ("inburgeraar", "timeline_event")}
    creates = await _count("audit_entry", "WHERE action = 'create'")
    content = _csv(
        _row("999990081", "Eerste"),
        _row("999990093", "Tweede"),
        _row("999990111", "Derde"),
    )
    response = await _send(client, content, "importeren")
    assert len(calls) == 3
    assert response.status_code == 400
    assert "Er is niets ingeschreven." in response.text
    assert "Rij 4: bsn: Kunstmatige fout na het opslaan." in response.text
    for table, count in before.items():
        assert await _count(table) == count, table
    assert await _count("audit_entry", "WHERE action = 'create'") == creates
    assert await _count("audit_entry", "WHERE action = 'import' AND result = 'ok'") == 0
    assert not await _found(client, "Eerste") and not await _found(client, "Tweede")


async def test_every_error_of_a_row_is_shown_at_once(client: AsyncTestClient) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    content = _csv(
        _row(
            "123456789",
            "",
            gebeurtenis="SS128",
            birth="31-02-1990",
            doelgroep="vluchteling",
            plicht="",
        ),
        # Heiloo's Bekele: the regio's answer comes with the row's other errors, not after.
        _row("999990056", "Elders", birth="30-02-1990", brp="2026-02-30"),
    )
    text = (await _send(client, content, "controleren")).text
    for message in (
        "Rij 2: gebeurtenis: Deze gebeurtenis wordt (nog) niet ingelezen (SS128).",
        "Rij 2: bsn: Dit BSN klopt niet (de elfproef faalt).",
        "Rij 2: geslachtsnaam: ",
        "Rij 2: geboortedatum: De datum 31-02-1990 bestaat niet. Controleer de dag en de maand.",
        "Rij 2: doelgroep: Vul asielstatushouder, gezinsmigrant of overig in.",
        "Rij 2: datum_plicht: Vul de datum van de start van de plicht in.",
        "Rij 3: bsn: Dit BSN kan hier niet worden ingeschreven.",
        "Rij 3: geboortedatum: De datum 30-02-1990 bestaat niet.",
        "Rij 3: datum_inschrijving_brp: De datum 2026-02-30 bestaat niet.",
    ):
        assert message in text, message


async def _case_dates(family_name: str) -> tuple[int, str, str]:
    row = (
        await current_engine().run_ddl(
            "SELECT id, plicht_start, brp_date FROM inburgeraar "  # noqa: S608 (test literal)
            f"WHERE family_name = '{family_name}'"
        )
    )[0]
    return row["id"], str(row["plicht_start"] or "")[:10], str(row["brp_date"] or "")[:10]


async def test_an_ss139_fills_the_brp_date_of_a_known_case_and_replaces_one_only_when_asked(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    ss101 = _csv(_row("999990081", "Rahimi", gebeurtenis="SS101", brp=""))
    assert (await _send(client, ss101, "importeren")).status_code == 303
    case_id, _, brp_date = await _case_dates("Rahimi")
    assert brp_date == ""

    # SS139 for the known BSN: the empty BRP date is filled, with a note on the timeline.
    brp = TODAY - timedelta(days=10)
    ss139 = _csv(_row("999990081", "Rahimi", brp=brp.isoformat()))
    checked = await _send(client, ss139, "controleren")
    assert "staat er al, datums worden bijgewerkt" in checked.text
    assert f"Inschrijving BRP: wordt {brp:%d-%m-%Y} (nu leeg)" in checked.text
    assert 'name="datums_vervangen"' not in checked.text
    assert (await _send(client, ss139, "importeren")).status_code == 303
    listing = await client.get("/r/alkmaar/inburgeraars")
    assert "0 inburgeraars ingeschreven, 1 dossier bijgewerkt, 0 overgeslagen." in listing.text
    assert (await _case_dates("Rahimi"))[2] == brp.isoformat()
    case = (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).text
    assert f"Inschrijving BRP: {brp:%d-%m-%Y} (was leeg), uit DUO-signaal SS139" in case

    # Another BRP date: shown, offered, and only replaced when the regievoerder ticks it.
    later = TODAY - timedelta(days=5)
    other = _csv(_row("999990081", "Rahimi", brp=later.isoformat()))
    checked = await _send(client, other, "controleren")
    assert (
        f"Inschrijving BRP: in het bestand {later:%d-%m-%Y}, in het dossier {brp:%d-%m-%Y}: "
        "blijft staan" in checked.text
    )
    assert 'name="datums_vervangen"' in checked.text
    assert (await _send(client, other, "importeren")).status_code == 303
    assert (await _case_dates("Rahimi"))[2] == brp.isoformat()
    updates = await _count("audit_entry", f"WHERE action = 'update' AND object_id = '{case_id}'")
    replaced = await _send(client, other, "importeren", datums_vervangen="ja")
    assert replaced.status_code == 303
    assert (await _case_dates("Rahimi"))[2] == later.isoformat()
    case = (await client.get(f"/r/alkmaar/inburgeraars/{case_id}")).text
    assert f"Inschrijving BRP: {later:%d-%m-%Y} (was {brp:%d-%m-%Y})" in case
    assert (
        await _count("audit_entry", f"WHERE action = 'update' AND object_id = '{case_id}'")
        == updates + 1
    )
