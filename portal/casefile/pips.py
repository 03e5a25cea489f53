"""The PIP: a concept, vaststellen under DUO's rules, and changes as new versions.

States: concept → vastgesteld; a change is a new version (concept, then vastgesteld) and the
previous vastgesteld version becomes `gewijzigd`. The inburgeringstermijn runs from the day
after the *first* PIP's dagtekening and does not restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from portal.casefile import pip_tasks, timeline
from portal.casefile.inburgeraars import parse_date, subject
from portal.casefile.pip_rules import LEERROUTE_LABELS, PipFacts, termijn, violations
from portal.casefile.tables import Inburgeraar, Pip
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tenants.tables import Organisation


@dataclass(frozen=True)
class PipInput:
    dagtekening: str = ""
    leerroute: str = ""
    niveau: str = ""
    intensiteit_b1: str = ""
    alfabetisering: str = "NVT"
    mag_opleiding_afmaken: bool = False
    reasoning: str = ""
    knm: bool = True
    map: bool = True
    pvt: bool = True
    ontzorgen_months: str = "0"
    begeleiding: bool = True
    extra_afspraken: str = ""
    taalaanbieder: str = ""
    begeleider_organisation: str = ""
    participatie_organisation: str = ""
    change_summary: str = ""


ORG_FIELDS = {
    "taalaanbieder": frozenset({OrganisationKind.TAALAANBIEDER.value}),
    "begeleider_organisation": frozenset({OrganisationKind.BEGELEIDING.value}),
    "participatie_organisation": frozenset(
        {OrganisationKind.PARTICIPATIE.value, OrganisationKind.BEGELEIDING.value}
    ),
}


def _require_regievoerder(scope: Scope) -> None:
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("pip")


def _int(raw: str) -> int | None:
    text = raw.strip().replace(".", "")
    return int(text) if text.isdigit() else None


async def versions(scope: Scope, inburgeraar_id: int) -> list[dict[str, Any]]:
    """All PIP versions of a case, newest first, with the chosen organisations' names."""
    return await (
        TenantData(scope)
        .select(
            Pip,
            *Pip.all_columns(),
            Pip.taalaanbieder.name.as_alias("taalaanbieder_name"),
            Pip.begeleider_organisation.name.as_alias("begeleider_name"),
            Pip.participatie_organisation.name.as_alias("participatie_name"),
        )
        .where(Pip.inburgeraar == inburgeraar_id)
        .order_by(Pip.version, ascending=False)
    )


async def _values(data: TenantData, form: PipInput, check: Checker) -> dict[str, Any]:
    """Parse the form into column values; checks what is wrong regardless of DUO's rules."""
    values: dict[str, Any] = {
        "dagtekening": parse_date(form.dagtekening),
        "leerroute": form.leerroute if form.leerroute in LEERROUTE_LABELS else None,
        "niveau": form.niveau or None,
        "intensiteit_b1": _int(form.intensiteit_b1),
        "alfabetisering": form.alfabetisering or "NVT",
        "mag_opleiding_afmaken": form.mag_opleiding_afmaken,
        "reasoning": form.reasoning.strip()[:4000],
        "knm": form.knm,
        "map": form.map,
        "pvt": form.pvt,
        "ontzorgen_months": _int(form.ontzorgen_months) or 0,
        "begeleiding": form.begeleiding,
        "extra_afspraken": form.extra_afspraken.strip()[:4000],
        "change_summary": form.change_summary.strip()[:2000],
    }
    if form.dagtekening.strip() and values["dagtekening"] is None:
        check.fail("dagtekening", "Vul de dagtekening in als dd-mm-jjjj.")
    if form.intensiteit_b1.strip() and values["intensiteit_b1"] is None:
        check.fail("intensiteit_b1", "Vul een heel aantal uren in.")
    for field, kinds in ORG_FIELDS.items():
        org_id = _int(getattr(form, field))
        values[field] = org_id
        if org_id is None:
            continue
        try:
            org = await data.get(Organisation, org_id, Organisation.kind, Organisation.active)
        except NotFound:
            check.fail(field, "Deze organisatie bestaat niet in deze regio.")
            continue
        if org["kind"] not in kinds or not org["active"]:
            check.fail(field, "Kies een actieve organisatie van het juiste soort.")
    return values


async def save_concept(scope: Scope, inburgeraar_id: int, form: PipInput) -> int:
    """Create or update the concept PIP of a case (a new version once one is vastgesteld)."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    check = Checker()
    async with write_transaction():
        await data.get(Inburgeraar, inburgeraar_id, Inburgeraar.id)
        values = await _values(data, form, check)
        check.done()
        existing = await versions(scope, inburgeraar_id)
        concept = next((p for p in existing if p["status"] == "concept"), None)
        if concept:
            await data.update(Pip, concept["id"], **values)
            pip_id = concept["id"]
        else:
            version = (existing[0]["version"] + 1) if existing else 1
            pip_id = await data.insert(
                Pip,
                inburgeraar=inburgeraar_id,
                version=version,
                created_by=scope.person_id,
                **values,
            )
            await timeline.add_event(
                data, inburgeraar_id, "pip.concept", f"PIP versie {version}: concept gemaakt"
            )
        await audit.record(
            scope, audit.AuditEvent("update", "pip", pip_id, subject_ref=subject(inburgeraar_id))
        )
    return pip_id


def _required_organisations(pip: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if pip["leerroute"] and not pip["taalaanbieder"]:
        errors["taalaanbieder"] = "Kies de taalaanbieder die de leerroute verzorgt."
    if (pip["pvt"] or pip["begeleiding"]) and not pip["begeleider_organisation"]:
        errors["begeleider_organisation"] = "Kies wie de begeleiding en het PVT doet."
    if pip["map"] and pip["leerroute"] != "O" and not pip["participatie_organisation"]:
        errors["participatie_organisation"] = "Kies wie de MAP verzorgt."
    return errors


async def vaststellen(scope: Scope, inburgeraar_id: int, today: date) -> int:
    """Fix the concept PIP under DUO's rules, replace the previous version, and create or
    update the tasks it implies. Raises ValidationFailed with a Dutch message per rule."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    async with write_transaction():
        person = await data.get(
            Inburgeraar,
            inburgeraar_id,
            Inburgeraar.doelgroep,
            Inburgeraar.plicht_start,
            Inburgeraar.brp_date,
            Inburgeraar.gemeente,
            Inburgeraar.pip_dagtekening,
        )
        existing = await versions(scope, inburgeraar_id)
        concept = next((p for p in existing if p["status"] == "concept"), None)
        if concept is None:
            raise ValidationFailed({"pip": "Er is geen concept-PIP om vast te stellen."})
        current = next((p for p in existing if p["status"] == "vastgesteld"), None)
        fixed = [p for p in existing if p["status"] in ("vastgesteld", "gewijzigd")]
        first = min((p["dagtekening"] for p in fixed), default=None)
        facts = PipFacts(
            dagtekening=concept["dagtekening"],
            leerroute=concept["leerroute"],
            niveau=concept["niveau"],
            intensiteit_b1=concept["intensiteit_b1"],
            alfabetisering=concept["alfabetisering"],
            ontzorgen_months=concept["ontzorgen_months"],
            is_asielstatushouder=person["doelgroep"] == "asielstatushouder",
            plicht_start=person["plicht_start"],
            brp_date=person["brp_date"],
            first_dagtekening=first,
            current_dagtekening=current["dagtekening"] if current else None,
            # The portal knows only this regio's PIPs; DUO checks other gemeenten on delivery.
            is_first_pip_anywhere=not fixed,
        )
        errors = violations(facts, today) | _required_organisations(concept)
        if current and not concept["change_summary"]:
            errors["change_summary"] = "Beschrijf wat er verandert ten opzichte van de vorige PIP."
        if errors:
            raise ValidationFailed(errors)
        if current:
            await data.update(Pip, current["id"], status="gewijzigd")
        await data.update(
            Pip, concept["id"], status="vastgesteld", vastgesteld_at=datetime.now(UTC)
        )
        await data.update(
            Inburgeraar,
            inburgeraar_id,
            leerroute=concept["leerroute"],
            pip_dagtekening=person["pip_dagtekening"] or concept["dagtekening"],
            status="pip",
        )
        await pip_tasks.sync_with_pip(data, inburgeraar_id, person["gemeente"], concept)
        start, end = termijn(first or concept["dagtekening"])
        route = LEERROUTE_LABELS[concept["leerroute"]]
        summary = (
            f"PIP versie {concept['version']} vastgesteld ({route}); "
            f"inburgeringstermijn {start:%d-%m-%Y} t/m {end:%d-%m-%Y}"
        )
        await timeline.add_event(data, inburgeraar_id, "pip.vastgesteld", summary)
        await audit.record(
            scope,
            audit.AuditEvent(
                "vaststellen", "pip", concept["id"], subject_ref=subject(inburgeraar_id)
            ),
        )
    return concept["id"]


AFRONDING_REASONS = {
    "examen": "Inburgeringsexamen gehaald en MAP en PVT afgerond",
    "route": "Onderwijsroute of Z-route afgerond, met MAP en PVT",
    "ontheffing": "Ontheffing door DUO",
    "vrijstelling": "Vrijstelling door DUO",
    "vertrokken": "Verhuisd naar een gemeente buiten de regio",
}


async def afronden(scope: Scope, inburgeraar_id: int, reason: str) -> None:
    """End the case: the current PIP becomes `afgerond` and open tasks lapse (their threads
    stay). Only for a case with a vastgesteld PIP."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    # The case is looked up before the form is judged: a case outside the scope is a 404,
    # never a validation message that would confirm it exists.
    await data.get_writable(Inburgeraar, inburgeraar_id, Inburgeraar.id)
    if reason not in AFRONDING_REASONS:
        raise ValidationFailed({"reason": "Kies waarom de inburgering is afgerond."})
    async with write_transaction():
        current = await (
            data.select(Pip, Pip.id)
            .where(Pip.inburgeraar == inburgeraar_id)
            .where(Pip.status == "vastgesteld")
            .first()
        )
        if current is None:
            raise ValidationFailed(
                {"reason": "Alleen een dossier met een vastgestelde PIP kan worden afgerond."}
            )
        await data.update(Pip, current["id"], status="afgerond")
        await data.update(Inburgeraar, inburgeraar_id, status="afgerond")
        await pip_tasks.lapse_open_tasks(
            data, inburgeraar_id, "Vervallen: de inburgering is afgerond."
        )
        await timeline.add_event(
            data,
            inburgeraar_id,
            "afgerond",
            f"Inburgering afgerond: {AFRONDING_REASONS[reason].lower()}",
        )
        await audit.record(
            scope,
            audit.AuditEvent("afronden", "pip", current["id"], subject_ref=subject(inburgeraar_id)),
        )
