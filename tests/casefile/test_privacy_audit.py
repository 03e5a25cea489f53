"""The privacy officer finds who processed whose data: in Dutch, by inburgeraar (name or
dossier), employee, organisation and period, only in their own regio, and can export it."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from litestar.testing import AsyncTestClient

from portal.casefile import privacy_lookup
from portal.casefile.tables import Inburgeraar
from portal.core.audit import AuditEntry
from portal.core.clock import AMSTERDAM
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound
from tenants.tables import Person, Regio
from tests.conftest import login

LOG = "/r/alkmaar/auditlog"
TIME = re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}")


def results(html: str) -> str:
    """The result part of the page (the form above it echoes what was typed)."""
    return html.split('id="resultaten"')[1]


async def read_case_as(client: AsyncTestClient, email: str, slug: str, name: str) -> int:
    """Log in as `email`, open the case of `name`, and return its dossier number."""
    client.cookies.clear()
    await login(client, email)
    listing = await client.get(f"/r/{slug}/inburgeraars?zoek={name}")
    case_id = int(re.search(rf"/r/{slug}/inburgeraars/(\d+)\"", listing.text).group(1))
    assert (await client.get(f"/r/{slug}/inburgeraars/{case_id}")).status_code == 200
    return case_id


async def as_privacy(client: AsyncTestClient) -> None:
    client.cookies.clear()
    await login(client, "privacy@alkmaar.demo")


async def test_the_log_reads_as_dutch_sentences_with_dutch_time(client: AsyncTestClient) -> None:
    case_id = await read_case_as(client, "regievoerder@alkmaar.demo", "alkmaar", "Haddad")
    await as_privacy(client)
    found = results((await client.get(f"{LOG}?dossier={case_id}")).text)
    line = f"Rachid Regie (Gemeente Alkmaar, regievoerder) bekeek dossier {case_id}."
    assert line in found
    # The newest line is the read this test did, at Dutch local time.
    now = datetime.now(UTC)
    shown = datetime.strptime(TIME.findall(found)[0], "%d-%m-%Y %H:%M").replace(tzinfo=AMSTERDAM)
    assert abs(shown - now) < timedelta(minutes=2)
    assert ">read<" not in found and "pip_task" not in found
    assert "Haddad" not in found and "Amina" not in found


async def test_search_by_name_shows_dossier_numbers_never_the_name(
    client: AsyncTestClient,
) -> None:
    case_id = await read_case_as(client, "regievoerder@alkmaar.demo", "alkmaar", "Haddad")
    await as_privacy(client)
    before = await AuditEntry.count().run()
    page = await client.get(f"{LOG}?naam=amina+hadd")
    assert page.status_code == 200
    found = results(page.text)
    assert f"bekeek dossier {case_id}." in found
    dossiers = {int(n) for n in re.findall(r"auditlog\?dossier=(\d+)", found)}
    assert dossiers == {case_id}, "only the dossiers of that name"
    assert "Haddad" not in found and "Amina" not in found
    # The search itself is logged, without the name.
    added = await AuditEntry.select().where(AuditEntry.id > before).run()
    assert [(e["action"], e["actor_role"]) for e in added] == [("search_by_name", "privacy")]
    assert not any("mina" in str(v).lower() for v in added[0].values())
    nobody = results((await client.get(f"{LOG}?naam=Bestaatnietvan")).text)
    assert "0 registraties" in nobody


async def test_search_by_employee_organisation_and_period(client: AsyncTestClient) -> None:
    alkmaar_case = await read_case_as(client, "regievoerder@alkmaar.demo", "alkmaar", "Haddad")
    client.cookies.clear()
    await login(client, "regievoerder@heiloo.demo")
    heiloo_listing = (await client.get("/r/alkmaar/inburgeraars")).text
    heiloo_case = int(re.search(r"/r/alkmaar/inburgeraars/(\d+)\"", heiloo_listing).group(1))
    await client.get(f"/r/alkmaar/inburgeraars/{heiloo_case}")
    await as_privacy(client)

    per_person = results((await client.get(f"{LOG}?medewerker=heiloo")).text)
    assert f"Hanneke Heiloo (Gemeente Heiloo, regievoerder) bekeek dossier {heiloo_case}." in (
        per_person
    )
    assert "Rachid Regie" not in per_person

    page = (await client.get(LOG)).text
    alkmaar_org = re.search(r'<option value="(\d+)">Gemeente Alkmaar</option>', page).group(1)
    per_org = results((await client.get(f"{LOG}?organisatie={alkmaar_org}")).text)
    assert f"Rachid Regie (Gemeente Alkmaar, regievoerder) bekeek dossier {alkmaar_case}." in (
        per_org
    )
    assert "Hanneke Heiloo (" not in per_org

    today = datetime.now(AMSTERDAM).date()
    this_day = results((await client.get(f"{LOG}?van={today:%d-%m-%Y}&tot={today:%Y-%m-%d}")).text)
    assert f"bekeek dossier {heiloo_case}." in this_day
    past = results((await client.get(f"{LOG}?van=01-01-2020&tot=31-12-2020")).text)
    assert "0 registraties" in past


async def test_search_pages_on_the_server(client: AsyncTestClient) -> None:
    await as_privacy(client)
    total = await AuditEntry.count().where(AuditEntry.tenant_id.is_not_null()).run()
    first = (await client.get(LOG)).text
    assert total > 50, "the demo writes more than one page"
    assert len(TIME.findall(results(first))) == 50
    assert 'rel="next"' in first
    second = (await client.get(f"{LOG}?pagina=2")).text
    assert "Pagina 2 van" in second


async def test_bad_search_input_gets_a_dutch_message_per_field(client: AsyncTestClient) -> None:
    await as_privacy(client)
    page = await client.get(f"{LOG}?dossier=veertien&van=31-02-2026&organisatie=999999&naam=a")
    assert page.status_code == 400
    for message in (
        "Vul het dossiernummer in met alleen cijfers",
        "Vul de begindatum in als dd-mm-jjjj",
        "Kies een organisatie uit de lijst.",
        "Vul minstens 2 letters van de naam in.",
    ):
        assert message in page.text
    reversed_period = await client.get(f"{LOG}?van=02-02-2026&tot=01-02-2026")
    assert "De einddatum ligt voor de begindatum." in reversed_period.text


async def test_privacy_officer_sees_only_the_log_of_their_own_regio(
    client: AsyncTestClient,
) -> None:
    zaan_case = await read_case_as(client, "regievoerder@zaanstreek.demo", "zaanstreek", "")
    zaan_name = (
        await Inburgeraar.select(Inburgeraar.family_name)
        .where(Inburgeraar.id == zaan_case)
        .first()
        .run()
    )["family_name"]
    await as_privacy(client)
    assert (await client.get("/r/zaanstreek/auditlog")).status_code == 404
    for query in (f"dossier={zaan_case}", "medewerker=zaan", f"naam={zaan_name}"):
        assert "Zeynep Zaan" not in results((await client.get(f"{LOG}?{query}")).text), query
    by_dossier = results((await client.get(f"{LOG}?dossier={zaan_case}")).text)
    assert f"dossier {zaan_case}." not in by_dossier
    export = await client.get(f"{LOG}/export.csv")
    assert "Zeynep Zaan" not in export.content.decode("utf-8-sig")


async def test_name_lookup_is_for_the_privacy_role_of_its_own_regio_only(
    client: AsyncTestClient,
) -> None:
    alkmaar = await Regio.select(Regio.id).where(Regio.slug == "alkmaar").first().run()
    for role in (Role.REGIEVOERDER, Role.BEHEERDER, Role.REGIOCOORDINATOR):
        scope = Scope(alkmaar["id"], "alkmaar", 1, 1, role)
        try:
            await privacy_lookup.dossiers_by_name(scope, "Haddad")
        except NotFound:
            continue
        raise AssertionError(f"{role} could look up dossiers by name")


async def test_export_in_both_flavours_is_formula_safe_and_audited(
    client: AsyncTestClient,
) -> None:
    # A staff name is text someone typed: it must not run as a formula in Excel.
    await (
        Person.update({Person.full_name: '=HYPERLINK("https://x")'})
        .where(Person.email == "regievoerder@alkmaar.demo")
        .run()
    )
    case_id = await read_case_as(client, "regievoerder@alkmaar.demo", "alkmaar", "Haddad")
    await as_privacy(client)
    before = await AuditEntry.count().run()

    excel = await client.get(f"{LOG}/export.csv?dossier={case_id}")
    assert excel.status_code == 200
    assert excel.headers["content-type"].startswith("text/csv")
    assert excel.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(excel.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Tijd (Nederland)", "Tijd (UTC)", "Wat er gebeurde"]
    mine = [r for r in rows[1:] if r[5] == "read" and r[6] == "inburgeraar"]
    assert mine and TIME.fullmatch(mine[0][0]) and mine[0][8] == f"dossier {case_id}"
    assert mine[0][3].startswith("'=HYPERLINK"), "a formula is neutralised"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    plain = await client.get(f"{LOG}/export.csv?dossier={case_id}&formaat=rfc4180")
    assert not plain.content.startswith("\ufeff".encode())
    assert b"\r\n" in plain.content
    plain_rows = list(csv.reader(io.StringIO(plain.content.decode("utf-8"))))
    assert plain_rows[0][0] == "Tijd (Nederland)" and len(plain_rows) == len(rows)

    added = await AuditEntry.select().where(AuditEntry.id > before).run()
    assert [(e["action"], e["object_type"], e["actor_role"]) for e in added] == [
        ("export", "audit_log", "privacy"),
        ("export", "audit_log", "privacy"),
    ]
    bad = await client.get(f"{LOG}/export.csv?dossier=abc")
    assert bad.status_code == 400 and "Vul het dossiernummer in" in bad.text
    assert await AuditEntry.count().run() == before + 2, "a refused export is not logged"
