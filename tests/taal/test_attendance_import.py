"""The attendance CSV: Dutch errors per row, all-or-nothing, and a re-import that changes
nothing."""

from __future__ import annotations

from datetime import timedelta

from litestar.testing import AsyncTestClient

from partners.taal import attendance_import, registers, rooster
from portal.core.clock import today
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tests.conftest import login, token

DOCENT = "docent@taal.alkmaar.demo"
TODAY = today()
HEADER = "inschrijving;datum;begintijd;status;minuten_te_laat;reden\n"


async def _setting():
    """The docent's scope, the demo group's unregistered past lessons and its learners."""
    docent = await demo_scope(DOCENT, Role.TAALAANBIEDER)
    group = next(g for g in await rooster.groups(docent) if g["name"] == "NT2 B1 ochtend")
    lessons = [
        lesson
        for lesson in await rooster.lessons_of_group(docent, group["id"], TODAY - timedelta(days=7))
        if lesson["register_status"] == "leeg" and lesson["lesson_date"] < TODAY
    ]
    learners = {
        row["family_name"]: row["id"]
        for row in (await rooster.get_group(docent, group["id"]))["learners"]
    }
    return docent, lessons, learners


def _csv(rows: list[str]) -> bytes:
    return ("\ufeff" + HEADER + "\n".join(rows) + "\n").encode()


async def test_bad_rows_are_reported_and_nothing_is_stored(demo: Settings) -> None:
    docent, lessons, learners = await _setting()
    day = lessons[0]["lesson_date"].strftime("%d-%m-%Y")
    raw = _csv(
        [
            f"{learners['Mansour']};{day};09:00;aanwezig;;",
            f"{learners['Saleh']};{day};09:00;te_laat;;",
            f"{learners['Noorzai']};{day};10:00;aanwezig;;",
            f"999999;{day};09:00;aanwezig;;",
            f"{learners['Kovalenko']};{day};09:00;geoorloofd;;",
            f"{learners['Mansour']};{day};09:00;aanwezig;;",
        ]
    )
    plan = await attendance_import.run(docent, raw, TODAY)
    assert not plan.ok
    errors = {row.number: row.errors for row in plan.rows}
    assert errors[2] == []
    assert errors[3] == ["Vul bij te_laat de minuten te laat in (1 tot 180)."]
    assert errors[4] == ["Er is geen les van de groep van deze cursist op deze datum en tijd."]
    assert errors[5] == ["Onbekend inschrijvingsnummer bij uw organisatie."]
    assert errors[6] == ["Vul bij geoorloofd de reden in."]
    assert errors[7] == ["Deze cursist en les staan twee keer in het bestand."]
    register = await registers.load(docent, lessons[0]["id"])
    assert register["register_status"] == "leeg"
    assert all(learner["line"] is None for learner in register["learners"])


async def test_import_then_reimport_changes_nothing(demo: Settings) -> None:
    docent, lessons, learners = await _setting()
    rows = []
    for lesson in lessons[:2]:
        day = lesson["lesson_date"].isoformat()
        rows += [
            f"{learners['Mansour']};{day};09:00;aanwezig;;",
            f"{learners['Saleh']};{day};09:00;te_laat;15;",
            f"{learners['Noorzai']};{day};09:00;geoorloofd;;Tandarts",
            f"{learners['Kovalenko']};{day};09:00;aanwezig;;",
        ]
    raw = _csv(rows)
    dry = await attendance_import.check(docent, raw, TODAY)
    assert dry.ok and len(dry.new_rows) == 8
    assert (await registers.load(docent, lessons[0]["id"]))["register_status"] == "leeg"
    plan = await attendance_import.run(docent, raw, TODAY)
    assert plan.ok and len(plan.new_rows) == 8
    register = await registers.load(docent, lessons[0]["id"])
    assert register["register_status"] == "geimporteerd"
    lines = {x["family_name"]: x["line"] for x in register["learners"]}
    assert lines["Saleh"]["minutes_late"] == 15 and lines["Saleh"]["source"] == "import"
    assert lines["Noorzai"]["reason"] == "Tandarts"

    again = await attendance_import.run(docent, raw, TODAY)
    assert again.ok and again.new_rows == [] and again.skipped == 8

    # A different line for an imported lesson is a correction, not an import.
    changed = _csv(
        [f"{learners['Mansour']};{lessons[0]['lesson_date'].isoformat()};09:00;ongeoorloofd;;"]
    )
    refused = await attendance_import.run(docent, changed, TODAY)
    assert refused.rows[0].errors == [
        "Voor deze les staat al een andere registratie. Corrigeer die in de presentielijst, "
        "met een reden."
    ]


async def test_import_page_checks_then_imports(client: AsyncTestClient) -> None:
    await login(client, DOCENT)
    page = await client.get("/r/alkmaar/lessen/import")
    assert "Download het voorbeeldbestand" in page.text
    csrf = await token(client, "/r/alkmaar/lessen/import")
    response = await client.post(
        "/r/alkmaar/lessen/import",
        data={"actie": "controleren", "_csrf_token": csrf},
        files={"bestand": ("a.csv", b"naam;datum\nx;y\n", "text/csv")},
    )
    assert response.status_code == 400
    assert "ontbreken" in response.text
    template = await client.get("/static/templates/aanwezigheid-voorbeeld.csv")
    assert template.text.startswith("inschrijving;datum;begintijd;status")
