"""Demo data of the convenants package (idempotent): Regio Alkmaar's active taal convenant,
sent by Carla Coördinator and accepted by every party with its own log-in, a declaration of
Taalhuis Kennemerland with its evidence, and a concept with VluchtelingenWerk that no party
sees yet. Everything goes through the same services people use.

The terms name codes the KPI catalogue will hold; the catalogue may not know them when the
demo is seeded, so the terms are passed already checked (codes are stored as text).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from partners.convenants import declarations, drafting, signing
from partners.convenants.tables import Convenant
from partners.convenants.terms import TermValues
from portal.demo_cases import demo_scope
from portal.kpi import catalogue
from portal.kpi.periods import Period, PeriodKind
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation

COORDINATOR = "coordinator@alkmaar.demo"
TITLE = "Convenant taal Regio Alkmaar"
CONCEPT_TITLE = "Convenant maatschappelijke begeleiding (concept)"
PARTIES = {
    "Gemeente Alkmaar": ("regievoerder@alkmaar.demo", Role.REGIEVOERDER),
    "Gemeente Heiloo": ("regievoerder@heiloo.demo", Role.REGIEVOERDER),
    "Taalhuis Kennemerland": ("docent@taal.alkmaar.demo", Role.TAALAANBIEDER),
    "ROC Noordkust": ("docent@roc.alkmaar.demo", Role.TAALAANBIEDER),
}
# (code, comparison, target, "bijna gemist" from, period), targets in hundredths.
TERMS = (
    ("taal.aanwezigheid", "ge", 8500, 8000, PeriodKind.MAAND),
    ("taal.presentielijst_getekend", "ge", 10000, 9500, PeriodKind.MAAND),
    ("taal.intake_doorlooptijd", "le", 1000, 1200, PeriodKind.KWARTAAL),
    ("taal.nt2_docenten", "ge", 10000, 9500, PeriodKind.KWARTAAL),
)
DECLARED = frozenset({"taal.nt2_docenten"})
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _term(code: str, comparison: str, target: int, tolerance: int, period: PeriodKind):
    found = catalogue.kpi(code) or catalogue.declaration(code)
    declared = catalogue.declaration(code) is not None or code in DECLARED
    return TermValues(
        code=code,
        kind="verklaring" if declared else "kpi",
        partner_kind=(found.partner_kind if found else OrganisationKind.TAALAANBIEDER).value,
        comparison=comparison,
        target_centi=target,
        tolerance_centi=tolerance,
        period_kind=period.value,
    )


async def _organisation_ids(scope: Scope, names: list[str]) -> list[str]:
    rows = await (
        TenantData(scope)
        .select(Organisation, Organisation.id, Organisation.name)
        .where(Organisation.name.is_in(names))
    )
    return [str(row["id"]) for row in rows]


async def seed(today: date, documents_root: Path | None = None) -> list[str]:
    """Create the demo convenants when Regio Alkmaar has none; a line per thing created."""
    coordinator = await demo_scope(COORDINATOR, Role.REGIOCOORDINATOR)
    system = TenantData(
        Scope.system(coordinator.tenant_id or 0, coordinator.tenant_slug or "", "seed-demo")
    )
    if await system.exists(Convenant):
        return []
    # A year of history behind today, and a year ahead.
    start = date(today.year - 1, today.month, 1)
    end = date(today.year + 1, today.month, 1).replace(day=1)
    form = drafting.ConvenantInput(
        title=TITLE,
        period_start=start.isoformat(),
        period_end=end.isoformat(),
        parties=tuple(await _organisation_ids(coordinator, list(PARTIES))),
        terms=(),
    )
    convenant_id = await drafting.create(coordinator, form, terms=[_term(*term) for term in TERMS])
    await drafting.send(coordinator, convenant_id)
    for email, role in PARTIES.values():
        await signing.accept(await demo_scope(email, role), convenant_id)
    created = [f"convenant {TITLE} (actief)"]

    if documents_root is not None:
        taalhuis = await demo_scope("docent@taal.alkmaar.demo", Role.TAALAANBIEDER)
        previous = Period.containing(today, PeriodKind.KWARTAAL).previous()
        await declarations.submit(
            taalhuis,
            convenant_id,
            declarations.DeclarationInput(
                line=str(len(TERMS)),
                period_key=previous.key,
                value="100",
                note="Alle docenten NT2-gekwalificeerd; diploma's bij Blik op Werk bekend.",
            ),
            "docentenlijst-nt2.pdf",
            DEMO_PDF,
            documents_root,
            today,
        )
        created.append("verklaring NT2-gekwalificeerde docenten (Taalhuis Kennemerland)")

    concept = drafting.ConvenantInput(
        title=CONCEPT_TITLE,
        period_start=date(today.year + 1, 1, 1).isoformat(),
        period_end=date(today.year + 2, 12, 31).isoformat(),
        parties=tuple(await _organisation_ids(coordinator, ["VluchtelingenWerk Noord-Holland"])),
        terms=(),
    )
    await drafting.create(coordinator, concept, terms=[])
    created.append(f"convenant {CONCEPT_TITLE}")
    return created
