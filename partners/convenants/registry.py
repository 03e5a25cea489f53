"""What the convenants package adds to the shared registries: start-page tiles.

No task closes through a convenant's flow, so the worker and the CLI get nothing from it.
"""

from __future__ import annotations

from partners.convenants import views
from partners.convenants.tables import PARTY_ROLES
from portal.web.start_tiles import Tile, register_tiles
from tenants.roles import Role
from tenants.scope import Scope


def register(*, web: bool) -> None:
    """With `web`, register the start tiles (idempotent: a keyed registry)."""
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
