"""No BSN oracle: Heiloo's regievoerder learns nothing about Alkmaar's cases from a BSN.

A BSN is unique in the regio, so registering one (by hand or from a DUO file) has to look at
every gemeente. The answer for a case the actor may not see is the same neutral one whatever
the reason, names nothing, each number looked up is audited under a keyed hash, and the
look-ups are budgeted per person per hour.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from litestar.testing import AsyncTestClient

from portal.casefile import bsn_lookups
from portal.casefile.routes import today
from portal.core import audit, bsn
from portal.core.audit import AuditEntry
from portal.core.database import current_engine
from tests.coa.test_warme_overdracht import accept, bsn_field, complete_and_submit, start_overdracht
from tests.conftest import csrf_from, login, token

IMPORT = "/r/alkmaar/inburgeraars/import"
# Alkmaar's demo cases (Haddad, Tesfay) and a valid BSN nobody has.
ALKMAAR_BSNS = ("999990019", "999990020")
ALKMAAR_NAMES = ("Haddad", "Tesfay", "Amina", "Yonas")
HADDAD_V_NUMMER = "2301456789"
NOBODY = "111222333"
NEUTRAL_BSN = "Dit BSN kan hier niet worden ingeschreven. Neem contact op met het regiobureau."
NEUTRAL_V = "Dit V-nummer kan hier niet worden ingeschreven. Neem contact op met het regiobureau."
HEADER = "gebeurtenis,bsn,geslachtsnaam,voornamen,geboortedatum,doelgroep,datum_plicht,v_nummer"


def _csv(*numbers: str, v_nummer: str = "") -> bytes:
    plicht = (today() - timedelta(days=30)).strftime("%d-%m-%Y")
    lines = [HEADER] + [
        f"SS101,{n},Proef{i},Piet,01-01-1990,overig,{plicht},{v_nummer if i == 0 else ''}"
        for i, n in enumerate(numbers)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


async def _dry_run(client: AsyncTestClient, content: bytes):
    return await client.post(
        IMPORT,
        data={"actie": "controleren", "_csrf_token": await token(client, IMPORT)},
        files={"bestand": ("signalen.csv", content, "text/csv")},
    )


async def _lookups(person_email: str) -> list[dict]:
    return await AuditEntry.raw(
        "SELECT a.subject_ref, a.result, a.object_id FROM audit_entry a "
        "JOIN person p ON p.id = a.actor_person_id "
        "WHERE a.action = 'bsn_lookup' AND p.email = {} ORDER BY a.id",
        person_email,
    )


def _says_nothing_about_alkmaar(text: str) -> None:
    for name in ALKMAAR_NAMES:
        assert name not in text, name
    main = text.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "andere gemeente" not in main and "Alkmaar" not in main
    assert not re.search(r"dossier \d+", main)


async def test_a_dry_run_of_another_gemeentes_bsns_gives_the_neutral_answer_and_is_audited(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@heiloo.demo")
    audit_before = str(await current_engine().run_ddl("SELECT * FROM audit_entry"))
    earlier = len(await _lookups("regievoerder@heiloo.demo"))
    response = await _dry_run(client, _csv(*ALKMAAR_BSNS, NOBODY, v_nummer=HADDAD_V_NUMMER))
    assert response.status_code == 200
    text = response.text
    assert f"Rij 2: bsn: {NEUTRAL_BSN}" in text
    assert f"Rij 2: v_nummer: {NEUTRAL_V}" in text
    assert f"Rij 3: bsn: {NEUTRAL_BSN}" in text
    assert "Rij 4:" not in text  # nobody has it: it would be registered
    _says_nothing_about_alkmaar(text)

    # One audit entry per number looked up, under its keyed hash: no BSN in the log.
    entries = (await _lookups("regievoerder@heiloo.demo"))[earlier:]
    key = client.app.state.settings.data_key
    assert [e["subject_ref"] for e in entries] == [
        bsn_lookups.subject(bsn.index(n, key)) for n in (*ALKMAAR_BSNS, NOBODY)
    ]
    assert all(e["result"] == "ok" for e in entries)
    audit_after = str(await current_engine().run_ddl("SELECT * FROM audit_entry"))
    for number in (*ALKMAAR_BSNS, NOBODY):
        assert number not in audit_after
    assert audit_after != audit_before


async def test_registering_another_gemeentes_bsn_by_hand_gives_the_neutral_answer(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@heiloo.demo")
    earlier = len(await _lookups("regievoerder@heiloo.demo"))
    form = await client.get("/r/alkmaar/inburgeraars/nieuw")
    response = await client.post(
        "/r/alkmaar/inburgeraars/nieuw",
        data={
            "bsn": ALKMAAR_BSNS[0],
            "v_nummer": HADDAD_V_NUMMER,
            "given_names": "Piet",
            "family_name": "Proef",
            "birth_date": "1990-01-01",
            "doelgroep": "overig",
            "_csrf_token": csrf_from(form.text),
        },
    )
    assert response.status_code == 400
    assert NEUTRAL_BSN in response.text and NEUTRAL_V in response.text
    _says_nothing_about_alkmaar(response.text)
    # The refused registration still counts as a look-up (its own committed transaction).
    entries = (await _lookups("regievoerder@heiloo.demo"))[earlier:]
    key = client.app.state.settings.data_key
    assert [e["subject_ref"] for e in entries] == [
        bsn_lookups.subject(bsn.index(ALKMAAR_BSNS[0], key))
    ]


async def test_the_own_gemeente_still_hears_which_case_has_the_bsn(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@alkmaar.demo")
    form = await client.get("/r/alkmaar/inburgeraars/nieuw")
    response = await client.post(
        "/r/alkmaar/inburgeraars/nieuw",
        data={
            "bsn": ALKMAAR_BSNS[0],
            "given_names": "Piet",
            "family_name": "Proef",
            "birth_date": "1990-01-01",
            "doelgroep": "overig",
            "_csrf_token": csrf_from(form.text),
        },
    )
    assert response.status_code == 400
    assert re.search(r"Dit BSN staat al bij Amina Haddad \(dossier \d+\)", response.text)


async def test_the_caseload_search_answers_an_unseen_bsn_like_an_unknown_one(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@heiloo.demo")
    answers = []
    for number in (ALKMAAR_BSNS[0], NOBODY):
        listing = await client.get("/r/alkmaar/inburgeraars")
        found = await client.post(
            "/r/alkmaar/zoeken",
            data={
                "lijst": "/r/alkmaar/inburgeraars",
                "_tekst": "zoek",
                "zoek": number,
                "_csrf_token": csrf_from(listing.text),
            },
        )
        main = found.text.split('<div id="resultaten"', 1)[1]
        answers.append(re.sub(r"zk-[A-Za-z]+", "TOKEN", main))
    assert "Geen inburgeraars gevonden." in answers[0]
    assert answers[0] == answers[1]


async def test_look_ups_beyond_the_own_caseload_are_limited_per_hour(
    client: AsyncTestClient,
) -> None:
    await login(client, "regievoerder@heiloo.demo")
    # This hour's budget almost used: the log itself is the counter.
    person = (
        await current_engine().run_ddl(
            "SELECT p.id, m.tenant FROM person p JOIN membership m ON m.person = p.id "
            "WHERE p.email = 'regievoerder@heiloo.demo'"
        )
    )[0]
    now = datetime.now(UTC)
    already = await audit.count_recent(
        person["id"], person["tenant"], bsn_lookups.ACTION, now - timedelta(hours=1)
    )
    used = bsn_lookups.LOOKUPS_PER_HOUR - 1 - already
    for start in range(0, used, 500):
        await AuditEntry.insert(
            *(
                AuditEntry(
                    occurred_at=now - timedelta(minutes=30),
                    trace_id="test",
                    tenant_id=person["tenant"],
                    actor_person_id=person["id"],
                    action=bsn_lookups.ACTION,
                    object_type="inburgeraar",
                    result="ok",
                )
                for _ in range(min(500, used - start))
            )
        ).run()
    response = await _dry_run(client, _csv(*ALKMAAR_BSNS))
    assert response.status_code == 400
    assert "U kunt per uur 3.000 BSN&#39;s in de hele regio laten opzoeken" in response.text
    assert "nog 1 en dat is te weinig" in response.text
    assert "Rij 2:" not in response.text and "Rij 3:" not in response.text
    _says_nothing_about_alkmaar(response.text)
    refused = [e for e in await _lookups("regievoerder@heiloo.demo") if e["result"] != "ok"]
    # Only this refusal: the budget is spent by look-ups made, not by refusals.
    assert [(e["result"], e["object_id"]) for e in refused] == [("refused", "2")]

    # By hand, the last look-up of the hour still goes; the next one does not.
    for expected in ("Dit BSN kan hier niet worden ingeschreven", "U kunt per uur 3.000"):
        form = await client.get("/r/alkmaar/inburgeraars/nieuw")
        answer = await client.post(
            "/r/alkmaar/inburgeraars/nieuw",
            data={
                "bsn": ALKMAAR_BSNS[0],
                "given_names": "Piet",
                "family_name": "Proef",
                "birth_date": "1990-01-01",
                "doelgroep": "overig",
                "_csrf_token": csrf_from(form.text),
            },
        )
        assert expected in answer.text, expected


async def test_a_bsn_typed_when_accepting_an_overdracht_is_a_budgeted_audited_look_up(
    client: AsyncTestClient,
) -> None:
    await login(client, "coa@alkmaar.demo")
    path = await start_overdracht(client)
    await complete_and_submit(client, path)
    await login(client, "regievoerder@alkmaar.demo")
    page = (await client.get(path)).text
    earlier = len(await _lookups("regievoerder@alkmaar.demo"))
    bekele = "999990056"  # Heiloo's case, which Alkmaar's regievoerder may not see
    response = await accept(client, path, **{bsn_field(page): bekele})
    assert response.status_code == 400
    assert "Bekele" not in response.text and "Heiloo" not in response.text
    entries = (await _lookups("regievoerder@alkmaar.demo"))[earlier:]
    key = client.app.state.settings.data_key
    assert bsn_lookups.subject(bsn.index(bekele, key)) in [e["subject_ref"] for e in entries]
