"""Demo overdrachten of COA-locatie Alkmaar, one in each stage, made through the real services:
a concept, a submitted household with a question answered, and an accepted one whose case
the gemeente now holds (idempotent: nothing is made when an overdracht exists)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from partners.coa import acceptance, documents, handover
from partners.coa.tables import Overdracht
from portal.demo_cases import demo_scope
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData

COA_PERSON = "coa@alkmaar.demo"
REGIEVOERDER = "regievoerder@alkmaar.demo"
# A minimal one-page PDF, so the demo shows a document that opens.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _member(role: str, given: str, family: str, born: str, **extra: object) -> handover.MemberInput:
    return handover.MemberInput(
        household_role=role,
        given_names=given,
        family_name=family,
        birth_date=born,
        **extra,  # type: ignore[arg-type]
    )


async def _gemeente(scope: Scope, name: str) -> str:
    return next(value for value, label in await handover.gemeente_options(scope) if label == name)


async def _start(
    coa: Scope, today: date, days_ago: int, housing_in: int, first: handover.MemberInput, key: str
) -> int:
    return await handover.create(
        coa,
        handover.KoppelingInput(
            gemeente=await _gemeente(coa, "Gemeente Alkmaar"),
            azc_location="Azc Heerhugowaard",
            koppeling_date=(today - timedelta(days=days_ago)).isoformat(),
            housing_date=(today + timedelta(days=housing_in)).isoformat(),
        ),
        first,
        key,
        today,
    )


async def seed(data_key: str, today: date, documents_root: Path | None = None) -> list[str]:
    """Create the demo overdrachten when there are none; returns a line per one created."""
    coa = await demo_scope(COA_PERSON, Role.COA)
    system = TenantData(Scope.system(coa.tenant_id or 0, coa.tenant_slug or "", "seed-demo"))
    if await system.exists(Overdracht):
        return []
    regie = await demo_scope(REGIEVOERDER, Role.REGIEVOERDER)

    concept = await _start(
        coa,
        today,
        5,
        60,
        _member(
            "hoofdpersoon",
            "Haile",
            "Berhane",
            "1994-05-12",
            nationality="Eritrese",
            languages="Tigrinya",
            interpreter_needed=True,
        ),
        data_key,
    )
    await handover.save_profile(coa, concept, handover.ProfileInput(country_of_origin="Eritrea"))

    asked = await _start(
        coa,
        today,
        12,
        35,
        _member(
            "hoofdpersoon",
            "Abraham",
            "Tesfamariam",
            "1985-03-02",
            bsn="999991000",
            v_nummer="3021000001",
            nationality="Eritrese",
            languages="Tigrinya, Arabisch",
            literacy="AA",
            education="Lagere school, 6 jaar",
            work_experience="Boer, 15 jaar",
            interpreter_needed=True,
        ),
        data_key,
    )
    await handover.add_member(
        coa,
        asked,
        _member(
            "partner",
            "Ruta",
            "Tesfamariam",
            "1989-11-23",
            v_nummer="3021000002",
            nationality="Eritrese",
            languages="Tigrinya",
            literacy="A",
            voorinburgering="Alfabetiseringscursus in het azc, 3 maanden",
            voorinburgering_consent=True,
        ),
        data_key,
        today,
    )
    await handover.add_member(
        coa,
        asked,
        _member("kind", "Selam", "Tesfamariam", (today - timedelta(days=3 * 365)).isoformat()),
        data_key,
        today,
    )
    await handover.save_profile(
        coa,
        asked,
        handover.ProfileInput(
            country_of_origin="Eritrea",
            childcare_needed=True,
            practical_needs="Tolk Tigrinya bij alle gesprekken. Woning op de begane grond.",
            medical_info_via_ggd=True,
        ),
    )
    await handover.save_talk(
        coa,
        asked,
        handover.TalkInput(
            scenario="gecombineerd",
            talk_date=(today + timedelta(days=4)).isoformat(),
            talk_time="10:00",
            talk_mode="locatie",
            talk_place="Azc Heerhugowaard, spreekkamer 2",
            attendees=("coa", "regievoerder", "tolk"),
        ),
    )
    if documents_root is not None:
        await documents.attach(coa, asked, "informatieprofiel-tvs.pdf", DEMO_PDF, documents_root)
    await handover.submit(coa, asked, today)
    await handover.ask(regie, asked, "Heeft Ruta al een leerbaarheidstoets gedaan in het azc?")
    await handover.answer(coa, asked, "Nee, die is nog niet gedaan. Wel de alfabetiseringscursus.")

    accepted = await _start(
        coa,
        today,
        40,
        20,
        _member(
            "hoofdpersoon",
            "Mehari",
            "Kidane",
            "1979-08-30",
            bsn="999991012",
            v_nummer="3021000003",
            nationality="Eritrese",
            languages="Tigrinya, Engels",
            literacy="NVT",
            education="Universiteit, bouwkunde",
            work_experience="Opzichter bouw",
        ),
        data_key,
    )
    await handover.save_profile(coa, accepted, handover.ProfileInput(country_of_origin="Eritrea"))
    await handover.save_talk(
        coa,
        accepted,
        handover.TalkInput(
            scenario="snelle_start",
            talk_date=(today - timedelta(days=30)).isoformat(),
            talk_mode="video",
            attendees=("coa", "regievoerder"),
            talk_held=True,
            talk_outcome="Wil snel aan het werk in de bouw; start taal in de B1-route.",
        ),
    )
    await handover.submit(coa, accepted, today)
    await acceptance.accept(regie, accepted, {}, data_key, today)
    return [
        "Overdracht (concept): Haile Berhane",
        "Overdracht (ingediend, vraag beantwoord): familie Tesfamariam",
        "Overdracht (geaccepteerd): Mehari Kidane",
    ]
