"""What the begeleiding package adds to the shared registries, in every process that needs it.

Closing flows are rules (a begeleiding closes with its report, the PVT with its verklaring):
the app, the worker and the CLI all register them. The case-page section and the start-page
tiles are only the web app's.
"""

from __future__ import annotations

from partners.begeleiding import assignment
from portal.casefile import pip_tasks
from portal.casefile.case_panels import CasePanel, register_panel
from portal.web.start_tiles import Tile, register_tiles
from tenants.roles import Role
from tenants.scope import Scope


def register(*, web: bool) -> None:
    """Register the closing flows; with `web`, also the case panel and start tiles.
    Idempotent: every registry is keyed, so a second call replaces what the first made."""
    pip_tasks.register_closing_flow(
        "begeleiding",
        "Een begeleiding sluit u af met het eindverslag, onderaan de begeleiding onder "
        "'Mijn begeleidingen'.",
    )
    pip_tasks.register_closing_flow(
        "pvt",
        "De PVT is klaar als de ondertekening van de verklaring is vastgelegd, op de "
        "PVT-pagina onder 'Mijn begeleidingen'.",
    )
    if not web:
        return
    register_panel(
        CasePanel(
            "begeleiding",
            "Maatschappelijke begeleiding en PVT",
            "begeleiding",
            roles=frozenset({Role.REGIEVOERDER, Role.BEGELEIDER}),
            order=50,
        )
    )
    register_tiles("begeleiding", _start_tiles)


async def _start_tiles(scope: Scope) -> list[Tile]:
    if scope.role is not Role.BEGELEIDER:
        return []
    counts = await assignment.start_counts(scope)
    base = f"/r/{scope.tenant_slug}/begeleiding"
    return [
        Tile("Mijn lopende begeleidingen", counts["mine"], base),
        Tile("Wachten op een begeleider", counts["unnamed"], f"{base}#nog-toewijzen", "warning"),
    ]
