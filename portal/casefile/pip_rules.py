"""DUO's acceptance rules for a PIP (PIP.openapi.yml, DOMAIN.md §8), applied at vaststellen,
so a PIP the portal accepts is one DUO accepts. Each broken rule gives a Dutch message on
the field it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Leerroute(StrEnum):
    B1 = "B"
    ONDERWIJS = "O"
    Z = "Z"

    @property
    def label(self) -> str:
        return {"B": "B1-route", "O": "Onderwijsroute", "Z": "Z-route"}[self.value]


LEERROUTE_LABELS = {route.value: route.label for route in Leerroute}
NIVEAUS = ("A2", "B1")
ALFABETISERING = {
    "NVT": "Niet van toepassing",
    "A": "Onderwijs voor analfabeet",
    "AA": "Onderwijs voor anders-gealfabetiseerde",
}
# Wi2021 art. 14/15: the PIP within 10 weeks of registration in the gemeente (BRP).
PIP_DEADLINE = timedelta(weeks=10)
DEADLINE_WARNING = timedelta(weeks=2)
MIN_ONTZORGEN_MONTHS = 6


@dataclass(frozen=True)
class PipFacts:
    """What the rules need to know about the PIP and the person."""

    dagtekening: date | None
    leerroute: str | None
    niveau: str | None
    intensiteit_b1: int | None
    alfabetisering: str
    ontzorgen_months: int
    is_asielstatushouder: bool
    plicht_start: date | None
    brp_date: date | None
    first_dagtekening: date | None
    current_dagtekening: date | None
    is_first_pip_anywhere: bool


def effective_niveau(leerroute: str | None, niveau: str | None) -> str | None:
    """Without a niveau, DUO assumes B1 for the B1-route and the Onderwijsroute."""
    if niveau:
        return niveau
    return "B1" if leerroute in ("B", "O") else None


def violations(facts: PipFacts, today: date) -> dict[str, str]:
    """Every broken rule, as field -> Dutch message. Empty means DUO would accept it."""
    errors: dict[str, str] = {}
    # DUO checks the dagtekening against both dates, so a PIP without them cannot be judged.
    if facts.plicht_start is None:
        errors["plicht_start"] = (
            "De start van de inburgeringsplicht ontbreekt. DUO controleert de dagtekening "
            "daartegen. Vul de datum eerst in bij ‘Datums’ in het dossier."
        )
    if facts.brp_date is None:
        errors["brp_date"] = (
            "De datum van inschrijving in de gemeente (BRP) ontbreekt. DUO controleert de "
            "dagtekening daartegen. Vul de datum eerst in bij ‘Datums’ in het dossier."
        )
    when = facts.dagtekening
    if when is None:
        errors["dagtekening"] = "Vul de dagtekening van de PIP in."
    else:
        if when > today:
            errors["dagtekening"] = "De dagtekening kan niet in de toekomst liggen."
        elif facts.plicht_start and when < facts.plicht_start:
            errors["dagtekening"] = (
                "De dagtekening ligt vóór de start van de inburgeringsplicht "
                f"({facts.plicht_start:%d-%m-%Y}). DUO weigert dat."
            )
        elif facts.brp_date and when < facts.brp_date:
            errors["dagtekening"] = (
                "De dagtekening ligt vóór de inschrijving in de gemeente "
                f"({facts.brp_date:%d-%m-%Y}). DUO weigert dat."
            )
        elif facts.current_dagtekening and when < facts.current_dagtekening:
            errors["dagtekening"] = (
                "Een gewijzigde PIP kan geen dagtekening hebben vóór die van de huidige PIP "
                f"({facts.current_dagtekening:%d-%m-%Y})."
            )
        elif facts.first_dagtekening and when < facts.first_dagtekening:
            errors["dagtekening"] = (
                "Een gewijzigde PIP kan geen dagtekening hebben vóór die van de eerste PIP "
                f"({facts.first_dagtekening:%d-%m-%Y})."
            )
    if facts.leerroute not in LEERROUTE_LABELS:
        errors["leerroute"] = "Kies een leerroute: B1-route, Onderwijsroute of Z-route."
    if facts.niveau and facts.niveau not in NIVEAUS:
        errors["niveau"] = "Kies als niveau A2 of B1."
    niveau = effective_niveau(facts.leerroute, facts.niveau)
    if facts.leerroute == "O" and niveau == "A2":
        errors["niveau"] = "Niveau A2 kan niet samen met de Onderwijsroute."
    if facts.leerroute == "Z" and facts.niveau == "B1":
        errors["niveau"] = "Niveau B1 kan niet samen met de Z-route."
    if facts.leerroute == "B" and niveau == "A2" and facts.is_first_pip_anywhere:
        errors["niveau"] = (
            "Bij een eerste PIP kan de B1-route niet met niveau A2. Afschalen naar A2 kan pas "
            "later, na aanzienlijke inspanningen (600 uur les)."
        )
    if facts.intensiteit_b1 is not None:
        if facts.leerroute != "B" or not facts.is_asielstatushouder:
            errors["intensiteit_b1"] = (
                "De geschatte intensiteit hoort alleen bij de B1-route van een asielstatushouder."
            )
        elif not 1 <= facts.intensiteit_b1 <= 9999:
            errors["intensiteit_b1"] = "Vul een aantal uren tussen 1 en 9.999 in."
    if facts.alfabetisering not in ALFABETISERING:
        errors["alfabetisering"] = "Kies of alfabetiseringsonderwijs nodig is."
    if facts.ontzorgen_months and facts.ontzorgen_months < MIN_ONTZORGEN_MONTHS:
        errors["ontzorgen_months"] = (
            f"Ontzorgen duurt minstens {MIN_ONTZORGEN_MONTHS} maanden (Participatiewet art. 56a), "
            "of vul 0 in als het niet van toepassing is."
        )
    return errors


class DeadlineState(StrEnum):
    OP_SCHEMA = "op_schema"
    BINNENKORT = "binnenkort"
    TE_LAAT = "te_laat"
    VASTGESTELD = "vastgesteld"
    ONBEKEND = "onbekend"

    @property
    def label(self) -> str:
        return {
            "op_schema": "Op schema",
            "binnenkort": "Binnen 2 weken",
            "te_laat": "Te laat",
            "vastgesteld": "PIP vastgesteld",
            "onbekend": "Geen BRP-datum",
        }[self.value]

    @property
    def variant(self) -> str:
        return {
            "op_schema": "ok",
            "binnenkort": "warning",
            "te_laat": "danger",
            "vastgesteld": "neutral",
            "onbekend": "neutral",
        }[self.value]


def pip_deadline(brp_date: date | None) -> date | None:
    return brp_date + PIP_DEADLINE if brp_date else None


def deadline_state(
    brp_date: date | None, pip_dagtekening: date | None, today: date
) -> DeadlineState:
    """Where a case stands against the 10-week PIP norm."""
    if pip_dagtekening:
        return DeadlineState.VASTGESTELD
    deadline = pip_deadline(brp_date)
    if deadline is None:
        return DeadlineState.ONBEKEND
    if today > deadline:
        return DeadlineState.TE_LAAT
    if deadline - today <= DEADLINE_WARNING:
        return DeadlineState.BINNENKORT
    return DeadlineState.OP_SCHEMA


def termijn(dagtekening: date) -> tuple[date, date]:
    """The 3-year inburgeringstermijn: from the day after the first PIP's dagtekening."""
    start = dagtekening + timedelta(days=1)
    try:
        end = start.replace(year=start.year + 3) - timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + 3, day=28)
    return start, end
