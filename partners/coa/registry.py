"""What the coa package adds to the shared registries, in every process that needs it.

The warme overdracht has no task that closes through its own flow, so the worker and the
CLI get nothing from it; the web app gets the case-page section and the start-page tiles.
"""

from __future__ import annotations

from partners.coa import handover, reminders
from portal.casefile.case_panels import CasePanel, register_panel
from portal.web.start_tiles import Tile, register_tiles
from tenants.roles import Role
from tenants.scope import Scope


def register(*, web: bool) -> None:
    """The reminder kind; with `web`, the case panel and start tiles (idempotent: keyed
    registries)."""
    reminders.register()
    if not web:
        return
    register_panel(
        CasePanel(
            key="overdracht",
            title="Warme overdracht (COA)",
            path="overdracht",
            roles=frozenset({Role.REGIEVOERDER, Role.COA}),
            order=10,
        )
    )
    register_tiles("coa", _start_tiles)


async def _start_tiles(scope: Scope) -> list[Tile]:
    counts = await handover.status_counts(scope)
    base = f"/r/{scope.tenant_slug}/overdrachten"
    if scope.role is Role.REGIEVOERDER:
        return [Tile("Overdrachten van COA wachten", counts["ingediend"], base, "warning")]
    if scope.role is Role.COA:
        return [
            Tile(
                "Vragen van de gemeente",
                counts["teruggestuurd"],
                f"{base}?status=teruggestuurd",
                "danger",
            ),
            Tile("Concepten", counts["concept"], f"{base}?status=concept"),
        ]
    return []
