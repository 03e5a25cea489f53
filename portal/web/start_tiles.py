"""Counts that partner packages add to the start page, without the web layer importing them.

The start page belongs to the web framework, below the partner packages; a partner package
registers a tile source in its `registry.register(web=True)` (called by the app factory). A
source gets the actor's scope and answers with the tiles that role should see today (none for
roles it does not serve); it reads through the scoped services like any other page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tenants.scope import Scope


@dataclass(frozen=True)
class Tile:
    title: str
    count: int
    href: str
    # "danger" or "warning" colour the tile when the count asks for action today.
    variant: str = ""


TileSource = Callable[[Scope], Awaitable[list[Tile]]]

_SOURCES: dict[str, TileSource] = {}


def register_tiles(key: str, source: TileSource) -> None:
    """Add (or replace, on re-import) a source of start-page tiles."""
    _SOURCES[key] = source


async def tiles_for(scope: Scope) -> list[Tile]:
    """Every registered source's tiles for this actor, in registration order."""
    tiles: list[Tile] = []
    for source in _SOURCES.values():
        tiles += await source(scope)
    return tiles
