"""Guards: who may reach a route at all. What they may see inside it is the data layer's job.

- every route needs a logged-in actor unless its handler says `opt={"public": True}`;
- a route under /r/{slug}/ needs the actor to be acting in that regio (else 404, the same
  answer as a regio that does not exist);
- `allow(*roles)` limits a route to roles (else 403).
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from portal.auth.actor import Actor
from tenants.roles import Role

PUBLIC = "public"


class OtherRegio(Exception):
    """The actor has a membership in the regio of the URL but is acting in another one."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


def current_actor(connection: ASGIConnection) -> Actor | None:
    return connection.scope.get("user")


def login_required(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    if handler.opt.get(PUBLIC):
        return
    if current_actor(connection) is None:
        raise NotAuthorizedException("Log in om verder te gaan.")


def regio_matches(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    slug = connection.path_params.get("slug")
    if slug is None or handler.opt.get(PUBLIC):
        return
    actor = current_actor(connection)
    if actor is None or actor.regio_slug != slug:
        if actor is not None and actor.has_choices:
            raise OtherRegio(slug)
        raise NotFoundException()


def allow(*roles: Role) -> Guard:
    """Only these roles may use the route."""
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        actor = current_actor(connection)
        if actor is None:
            raise NotAuthorizedException("Log in om verder te gaan.")
        if actor.role not in allowed:
            raise PermissionDeniedException("Uw rol geeft geen toegang tot deze pagina.")

    guard.allowed_roles = allowed  # type: ignore[attr-defined]
    return guard
