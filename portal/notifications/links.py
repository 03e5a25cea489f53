"""Where a notification links to, decided when it is shown, not when it was written.

The package that owns a kind of thing (case, task, register, overdracht...) registers a
resolver: given the reader's scope and the thing's id, the page to open, or None when the
reader may no longer see it (work ended, case moved). Resolvers read through the scoped
services, so a link never opens more than the reader's own rules allow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tenants.scope import Scope

Resolver = Callable[[Scope, int], Awaitable[str | None]]

_RESOLVERS: dict[str, Resolver] = {}


def register_link(kind: str, resolver: Resolver) -> None:
    """Add (or replace, on re-import) how links of `kind` are resolved."""
    _RESOLVERS[kind] = resolver


async def resolve(scope: Scope, kind: str, target_id: int | None) -> str | None:
    """The page this reader may open for the thing, or None (shown as plain text)."""
    resolver = _RESOLVERS.get(kind)
    if resolver is None or target_id is None:
        return None
    return await resolver(scope, target_id)
