"""What the convenants package adds to the shared registries: the coordinator's reminder
kinds and the windows terms fix (every process: jobs measure and remind with them, the
settings page shows them) and start-page tiles (the web app). No task closes through a
convenant's flow.
"""

from __future__ import annotations

from partners.convenants import agreed, reminders, views
from partners.convenants.tables import PARTY_ROLES
from portal.web.start_tiles import Tile, register_tiles
from tenants.roles import Role
from tenants.scope import Scope


def register(*, web: bool) -> None:
    """Register the reminder kinds; with `web`, also the start tiles (idempotent: keyed
    registries)."""
    reminders.register()
    agreed.register()
    if web:
        register_tiles("convenants", _start_tiles)


async def _start_tiles(scope: Scope) -> list[Tile]:
    base = f"/r/{scope.tenant_slug}/convenanten"
    if scope.role is Role.REGIOCOORDINATOR:
        count = await views.waiting(scope)
        return [Tile("Convenanten in concept of ter ondertekening", count, base)]
    if scope.role in PARTY_ROLES:
        count = await views.waiting(scope)
        return [Tile("Convenanten om te ondertekenen", count, base, "warning" if count else "")]
    return []
