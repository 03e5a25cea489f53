"""What the taal package adds to the shared registries, in every process that needs it.

Closing flows are rules (a rapportage is done when filed, a verzuim signal when followed
up): the app, the worker and the CLI all register them. The case-page section and the
start-page tiles are only the web app's.
"""

from __future__ import annotations

from partners.taal import enrolments, kpis, milestones, reminders, rooster, verzuim
from portal.casefile import pip_tasks
from portal.casefile.case_panels import CasePanel, register_panel
from portal.core import clock
from portal.kpi.milestones import (
    LEERROUTE_START,
    Caseload,
    Milestone,
    register_caseload,
    register_milestone,
)
from portal.web.start_tiles import Tile, register_tiles
from tenants.roles import Role
from tenants.scope import Scope


def register(*, web: bool) -> None:
    """Register the closing flows, the KPIs and what the regio's figures read (first lesson,
    active learners); with `web`, also the case panel and start tiles.
    Idempotent: every registry is keyed, so a second call replaces what the first made."""
    pip_tasks.register_closing_flow(
        "taal.voortgang",
        "Een voortgangsrapportage is klaar als de school hem indient, onder 'Cursisten' bij "
        "de cursist.",
    )
    pip_tasks.register_closing_flow(
        "taal.eind",
        "De eindrapportage is klaar als de school hem indient, onder 'Cursisten' bij de cursist.",
    )
    pip_tasks.register_closing_flow(
        "taal.verzuim",
        "Een verzuimsignaal sluit u door de opvolging vast te leggen bij het signaal in het "
        "dossier.",
    )
    # The quality terms: the web app shows them, and jobs measure and store them.
    kpis.register()
    # Reminders are rules the job runs; the settings page lists them.
    reminders.register()
    register_milestone(
        Milestone(LEERROUTE_START, "Start leerroute (eerste les)", milestones.first_lesson)
    )
    register_caseload(Caseload("taal", "Taalaanbieder", milestones.active_learners))
    if not web:
        return
    register_panel(
        CasePanel(
            "taal",
            "Taal: inschrijving, uren en rapportages",
            "taal",
            roles=frozenset({Role.REGIEVOERDER, Role.TAALAANBIEDER}),
            order=20,
        )
    )
    register_tiles("taal", _start_tiles)


async def _start_tiles(scope: Scope) -> list[Tile]:
    """A docent's lessons to fill in today and the school's new aanmeldingen; the gemeente's
    verzuim signals waiting for a follow-up."""
    if scope.role is Role.TAALAANBIEDER:
        counts = await rooster.today_counts(scope, clock.today())
        return [
            Tile("Mijn lessen vandaag", counts["lessons"], f"/r/{scope.tenant_slug}/lessen"),
            Tile(
                "Presentielijsten nog invullen of tekenen",
                counts["unsigned"],
                f"/r/{scope.tenant_slug}/lessen#open-lijsten",
                "warning" if counts["unsigned"] else "",
            ),
            Tile(
                "Nieuwe aanmeldingen",
                await enrolments.count_new(scope),
                f"/r/{scope.tenant_slug}/cursisten?status=aangemeld",
            ),
        ]
    if scope.role is Role.REGIEVOERDER:
        waiting = await verzuim.open_signals(scope)
        return [
            Tile(
                "Verzuimsignalen zonder opvolging",
                waiting,
                f"/r/{scope.tenant_slug}/taken?zoek=Verzuimsignaal",
                "danger" if waiting else "",
            )
        ]
    return []
