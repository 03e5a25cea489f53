"""The domains of the brede intake (Wi2021 art. 14; DOMAIN.md, brede intake) and their fields.

Declared as data so the form, the validation and the history share one definition. The
`gezondheid` section holds special-category data (AVG art. 9): only the gemeente sees it, and
only after a consent or legal ground is recorded on the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CEFR = [
    ("A0", "A0 (geen Nederlands)"),
    ("A1", "A1"),
    ("A2", "A2"),
    ("B1", "B1"),
    ("B2", "B2 of hoger"),
]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "textarea"  # textarea | text | date | select | checkbox
    options: list[tuple[str, str]] = field(default_factory=list)
    hint: str | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    special_category: bool = False
    intro: str = ""


SECTIONS: tuple[Section, ...] = (
    Section(
        "gesprekken",
        "Gesprekken",
        (
            Field("deel_a", "Deel A (in het azc of bij de start)", "date"),
            Field("deel_b", "Deel B (na de verhuizing)", "date"),
            Field("tolk", "Tolk bij de gesprekken", "checkbox"),
            Field("aanwezigen", "Wie waren erbij", "text"),
        ),
        intro="De brede intake wordt vaak in twee of meer gesprekken gehouden.",
    ),
    Section(
        "zelfredzaamheid",
        "Zelfredzaamheid",
        (
            Field(
                "beoordeling",
                "Beoordeling",
                "select",
                [
                    ("zelfredzaam", "Zelfredzaam"),
                    ("deels", "Deels zelfredzaam"),
                    ("hulp", "Heeft hulp nodig"),
                ],
            ),
            Field(
                "toelichting",
                "Toelichting",
                hint="Wonen, geldzaken, zorg, vervoer, digitale vaardigheden.",
            ),
        ),
    ),
    Section(
        "taalniveau",
        "Taalniveau",
        (
            Field("niveau_nl", "Niveau Nederlands nu", "select", CEFR),
            Field(
                "alfabetisering",
                "Alfabetisering",
                "select",
                [
                    ("NVT", "Gealfabetiseerd in het Latijnse schrift"),
                    ("AA", "Anders gealfabetiseerd"),
                    ("A", "Analfabeet"),
                ],
            ),
            Field("andere_talen", "Andere talen en niveau", "text"),
            Field("toelichting", "Toelichting"),
        ),
    ),
    Section(
        "leerbaarheidstoets",
        "Leerbaarheidstoets",
        (
            Field("datum", "Datum van de toets", "date"),
            Field(
                "uitslag",
                "Uitslag",
                "text",
                hint="Zoals DUO die in het Portaal Inburgering toont (48 uur na de toets).",
            ),
            Field(
                "vrijgesteld",
                "Vrijgesteld vanwege een visuele of auditieve beperking",
                "checkbox",
            ),
            Field("toelichting", "Toelichting"),
        ),
    ),
    Section(
        "opleiding_werk",
        "Opleiding en werkervaring in het land van herkomst",
        (
            Field("opleiding", "Hoogste opleiding", "text"),
            Field("diplomas", "Diploma's en certificaten (en of ze gewaardeerd zijn)"),
            Field("werkervaring", "Werkervaring"),
        ),
    ),
    Section(
        "gezondheid",
        "Gezondheid",
        (
            Field("fysiek", "Lichamelijke gezondheid"),
            Field("mentaal", "Psychische gezondheid"),
            Field(
                "gevolgen",
                "Gevolgen voor de inburgering",
                hint="Bijvoorbeeld: ontheffing onderzoeken, aangepast lesrooster.",
            ),
        ),
        special_category=True,
        intro=(
            "Bijzondere persoonsgegevens. Alleen de gemeente ziet dit deel, en pas als "
            "toestemming of een wettelijke grondslag is vastgelegd."
        ),
    ),
    Section(
        "gezin_netwerk",
        "Gezin en sociaal netwerk",
        (
            Field("gezinssituatie", "Gezinssituatie"),
            Field("netwerk", "Sociaal netwerk"),
            Field(
                "vve",
                "Kinderen en voorschoolse educatie (vve)",
                hint="Kinderen tot 4 jaar: is vve besproken?",
            ),
        ),
    ),
    Section(
        "werk_participatie",
        "Werk en participatie",
        (
            Field("werknemersvaardigheden", "Werknemersvaardigheden"),
            Field("praktische_competenties", "Praktische competenties"),
            Field("ambities", "Ambities en wensen"),
        ),
    ),
)

SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}

HEALTH_BASES = {
    "toestemming": "Toestemming van de inburgeraar",
    "wettelijk": "Wettelijke grondslag (noodzakelijk voor de PIP)",
}
