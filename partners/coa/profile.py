"""The code lists of the koppeling and the informatieprofiel, with their Dutch labels.

COA's informatieprofiel (DOMAIN.md, partners: COA) carries household composition, country of
origin, languages and literacy, education, work experience, voorinburgering (with consent),
visible physical limitations and practical needs. Medical details are never asked here: only
a flag that medical information is available through the GGD route, with consent.
"""

from __future__ import annotations

from datetime import date

STATUS_LABELS = {
    "concept": "Concept",
    "ingediend": "Ingediend",
    "teruggestuurd": "Vragen van de gemeente",
    "geaccepteerd": "Geaccepteerd",
}

STATUS_VARIANTS = {
    "concept": "neutral",
    "ingediend": "info",
    "teruggestuurd": "danger",
    "geaccepteerd": "ok",
}

HOUSEHOLD_ROLES = {
    "hoofdpersoon": "Hoofdpersoon",
    "partner": "Partner",
    "kind": "Kind",
    "overig": "Ander gezinslid",
}

LITERACY = {
    "NVT": "Gealfabetiseerd in het Latijnse schrift",
    "AA": "Anders gealfabetiseerd",
    "A": "Niet gealfabetiseerd",
}

# Divosa's three scenarios of the warme overdracht (DOMAIN.md, glossary).
SCENARIOS = {
    "snelle_start": "Snelle start (intake en PIP al in het azc)",
    "gecombineerd": "Gecombineerde aanpak (deel in het azc, deel na de verhuizing)",
    "na_verhuizing": "Start na verhuizing",
}

TALK_MODES = {"locatie": "Op locatie", "video": "Videogesprek", "telefoon": "Telefonisch"}

ATTENDEES = {
    "coa": "COA",
    "regievoerder": "Regievoerder van de gemeente",
    "tolk": "Tolk",
    "vluchtelingenwerk": "VluchtelingenWerk",
}

# Inburgeringsplicht starts at 18 (Wi2021 art. 3): younger members join as family, no case.
ADULT_AGE = 18


def age_on(birth: date, on: date) -> int:
    """Whole years of age on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def is_adult(birth: date, on: date) -> bool:
    """Whether a member gets a case of their own (18 or older on the given day)."""
    return age_on(birth, on) >= ADULT_AGE
