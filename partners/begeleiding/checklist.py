"""What settling in takes: the items of the begeleiding checklist, their states, and the kinds
of contact moment. Plain data, shared by the services, the templates and the tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    hint: str


# In the order a begeleider usually works through them in the first months.
ITEMS: tuple[Item, ...] = (
    Item("woning", "Woning en huurcontract", "Sleutels, huurcontract, borg, inrichting."),
    Item("brp", "Inschrijving BRP", "Inschrijving op het adres bij de gemeente."),
    Item("digid", "DigiD", "Aangevraagd en geactiveerd."),
    Item("bank", "Bankrekening", "Rekening geopend, pas ontvangen."),
    Item("uitkering", "Uitkering", "Bijstand aangevraagd bij de gemeente."),
    Item("zorgverzekering", "Zorgverzekering", "Basisverzekering afgesloten."),
    Item("toeslagen", "Toeslagen", "Zorgtoeslag, huurtoeslag, kinderopvangtoeslag."),
    Item("huisarts", "Huisarts en tandarts", "Ingeschreven bij een huisarts en tandarts."),
    Item("energie_water", "Energie en water", "Contracten voor gas, stroom en water."),
    Item("school", "School en kinderopvang", "Kinderen aangemeld; niet nodig zonder kinderen."),
    Item("netwerk", "Netwerk en vrije tijd", "Buurt, vrijwilligers, sport, taalmaatje."),
)
ITEM_KEYS = frozenset(item.key for item in ITEMS)

STATUS_LABELS = {
    "open": "Nog te doen",
    "bezig": "Bezig",
    "geregeld": "Geregeld",
    "niet_nodig": "Niet nodig",
}
# Items that need no more work: what the progress counts.
FINISHED = frozenset({"geregeld", "niet_nodig"})

CONTACT_KINDS = {
    "huisbezoek": "Huisbezoek",
    "spreekuur": "Spreekuur",
    "telefoon": "Telefoon",
    "video": "Videobellen",
    "meegaan": "Samen naar een afspraak",
    "overig": "Anders",
}

ATTENDANCE_LABELS = {"gepland": "Gepland", "aanwezig": "Gevolgd", "afwezig": "Niet gevolgd"}
