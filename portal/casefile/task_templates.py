"""Which tasks a vastgesteld PIP implies, for whom, and when they are due.

The platform's defaults follow the pilots (DOMAIN.md §2–3); a regio may rename a task, move
its due date or switch it off (`RegioTaskTemplate`, managed by the beheerder). Each template
names the party by its role in the PIP (the gemeente itself, the chosen taalaanbieder,
begeleider or participatie partner); the PIP form picks the organisations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum


class Party(StrEnum):
    GEMEENTE = "gemeente"
    TAALAANBIEDER = "taalaanbieder"
    BEGELEIDING = "begeleiding"
    PARTICIPATIE = "participatie"

    @property
    def label(self) -> str:
        return {
            "gemeente": "Gemeente",
            "taalaanbieder": "Taalaanbieder",
            "begeleiding": "Begeleiding",
            "participatie": "Participatiepartner",
        }[self.value]


class Trigger(StrEnum):
    """Which part of the PIP makes a template apply."""

    LEERROUTE = "leerroute"
    KNM = "knm"
    MAP = "map"
    PVT = "pvt"
    BEGELEIDING = "begeleiding"
    ONTZORGEN = "ontzorgen"


@dataclass(frozen=True)
class TaskTemplate:
    kind: str
    title: str
    party: Party
    due_after_days: int
    trigger: Trigger
    enabled: bool = True
    # Repeated templates ("elk kwartaal") make `repeat` tasks, due every `due_after_days`.
    repeat: int = 1


@dataclass(frozen=True)
class PlannedTask:
    kind: str
    title: str
    party: Party
    due_date: date


@dataclass(frozen=True)
class Override:
    """A regio's change to a default template."""

    title: str | None
    due_after_days: int | None
    enabled: bool


DEFAULTS: tuple[TaskTemplate, ...] = (
    TaskTemplate(
        "route.aanmelden", "Aanmelden bij de taalaanbieder", Party.GEMEENTE, 7, Trigger.LEERROUTE
    ),
    TaskTemplate(
        "taal.intake", "Intake en plaatsingstoets", Party.TAALAANBIEDER, 21, Trigger.LEERROUTE
    ),
    TaskTemplate("taal.start", "Start van de lessen", Party.TAALAANBIEDER, 35, Trigger.LEERROUTE),
    # Quarterly progress reports in the first year; later ones follow from the voortgang module.
    TaskTemplate(
        "taal.voortgang",
        "Voortgangsrapportage",
        Party.TAALAANBIEDER,
        91,
        Trigger.LEERROUTE,
        repeat=4,
    ),
    TaskTemplate(
        "knm",
        "Lessen Kennis van de Nederlandse Maatschappij (KNM)",
        Party.TAALAANBIEDER,
        60,
        Trigger.KNM,
    ),
    TaskTemplate(
        "map", "Module Arbeidsmarkt en Participatie (MAP)", Party.PARTICIPATIE, 365, Trigger.MAP
    ),
    TaskTemplate(
        "pvt", "Participatieverklaringstraject (PVT)", Party.BEGELEIDING, 180, Trigger.PVT
    ),
    TaskTemplate(
        "begeleiding",
        "Maatschappelijke begeleiding: eerste gesprek",
        Party.BEGELEIDING,
        14,
        Trigger.BEGELEIDING,
    ),
    TaskTemplate(
        "ontzorgen.start",
        "Ontzorgen: huur, energie en zorgverzekering doorbetalen",
        Party.GEMEENTE,
        7,
        Trigger.ONTZORGEN,
    ),
    # Due at the end of the ontzorgen period: `due_after_days` 0 means "when ontzorgen ends".
    TaskTemplate(
        "ontzorgen.evaluatie",
        "Ontzorgen evalueren: afbouwen of verlengen",
        Party.GEMEENTE,
        0,
        Trigger.ONTZORGEN,
    ),
)
DEFAULT_KINDS = {template.kind: template for template in DEFAULTS}


def effective_templates(overrides: Mapping[str, Override]) -> list[TaskTemplate]:
    """The defaults with a regio's changes applied."""
    result = []
    for template in DEFAULTS:
        change = overrides.get(template.kind)
        if change is not None:
            template = replace(
                template,
                title=change.title or template.title,
                due_after_days=template.due_after_days
                if change.due_after_days is None
                else change.due_after_days,
                enabled=change.enabled,
            )
        result.append(template)
    return result


def plan(
    *,
    leerroute: str | None,
    knm: bool,
    map_module: bool,
    pvt: bool,
    ontzorgen_months: int,
    begeleiding: bool,
    dagtekening: date,
    overrides: Mapping[str, Override] | None = None,
) -> list[PlannedTask]:
    """The tasks a PIP with these components implies, due counted from the dagtekening."""
    active = {
        Trigger.LEERROUTE: bool(leerroute),
        Trigger.KNM: knm,
        # Onderwijsroute learners are exempt from the MAP.
        Trigger.MAP: map_module and leerroute != "O",
        Trigger.PVT: pvt,
        Trigger.BEGELEIDING: begeleiding,
        Trigger.ONTZORGEN: ontzorgen_months > 0,
    }
    planned: list[PlannedTask] = []
    for template in effective_templates(overrides or {}):
        if not template.enabled or not active[template.trigger]:
            continue
        if template.kind == "ontzorgen.evaluatie" and template.due_after_days == 0:
            planned.append(
                PlannedTask(
                    template.kind,
                    template.title,
                    template.party,
                    dagtekening + timedelta(days=ontzorgen_months * 30),
                )
            )
            continue
        if template.repeat > 1:
            for number in range(1, template.repeat + 1):
                planned.append(
                    PlannedTask(
                        f"{template.kind}.{number}",
                        f"{template.title} kwartaal {number}",
                        template.party,
                        dagtekening + timedelta(days=template.due_after_days * number),
                    )
                )
            continue
        planned.append(
            PlannedTask(
                template.kind,
                template.title,
                template.party,
                dagtekening + timedelta(days=template.due_after_days),
            )
        )
    return planned
