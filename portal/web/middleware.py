"""Request-wide plumbing: the actor of each request, and the security headers."""

from __future__ import annotations

import ipaddress
import re
import secrets
from typing import TypeAlias

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    BeforeMessageSendHookHandler,
    Message,
    Receive,
    Scope,
    Send,
)

from portal.auth.actor import SessionEnded, resolve_actor
from portal.core.settings import Settings
from portal.notifications import outbox
from tenants.scope import Origin

# 'self' only: no inline script or style, no eval. htmx 2 runs under this because the
# templates use no hx-on handlers and htmx's injected indicator styles are switched off.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

IPNetwork: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
SESSION_ENDED_KEY = "session_ended"


def client_address(scope: Scope, trusted_proxies: tuple[IPNetwork, ...]) -> str | None:
    """The client's address: the peer, unless the peer is a trusted proxy, then the nearest
    untrusted hop of `X-Forwarded-For`. Anyone else can write that header, so it is read
    only from a configured proxy; right to left, because a client may prepend anything."""
    client = scope.get("client")
    peer = client[0] if client else None
    if not trusted_proxies or peer is None or not _is_trusted(peer, trusted_proxies):
        return peer
    hops = [
        hop.strip()
        for name, value in scope.get("headers", [])
        if name == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
    ]
    address = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break
        address = hop
        if not _is_trusted(hop, trusted_proxies):
            break
    return address


def _is_trusted(address: str, trusted_proxies: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_proxies)


def _trace_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"traceparent" and (match := _TRACEPARENT.match(value.decode("latin-1"))):
            return match.group(1)
    return secrets.token_hex(16)


# Where the actor's unread count waits for the page template (the bell).
UNREAD_KEY = "notifications_unread"


class ActorMiddleware(ASGIMiddleware):
    """Puts the Actor (or None) in `scope["user"]` and its Scope in `scope["auth"]`."""

    scopes = (ScopeType.HTTP,)
    # Static files need no actor, and skipping them saves a query per asset.
    should_bypass_for_scope = staticmethod(lambda scope: scope["path"].startswith("/static/"))

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.trusted_proxies = settings.trusted_proxy_networks

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        trace_id = _trace_id(scope)
        route = scope["route_handler"].paths
        origin = Origin(
            ip=client_address(scope, self.trusted_proxies),
            trace_id=trace_id,
            route=sorted(route)[0] if route else scope["path"],
        )
        scope["state"]["trace_id"] = trace_id
        scope["state"]["origin"] = origin
        session = scope.get("session")
        actor = None
        if isinstance(session, dict):
            try:
                actor = await resolve_actor(session, self.settings, origin)
            except SessionEnded as ended:
                session.clear()
                session["flash"] = [{"category": "warning", "message": ended.reason}]
                scope["state"][SESSION_ENDED_KEY] = True
        scope["user"] = actor
        scope["auth"] = actor.scope if actor else None
        if actor is not None and actor.regio_slug and scope.get("method") == "GET":
            # The bell in the header of every page: one count query per page, not per fragment.
            scope["state"][UNREAD_KEY] = await outbox.unread_count(actor.scope)
        await next_app(scope, receive, send)


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """A before-send hook (it wraps every response, 404s of unknown paths included) that adds
    the security headers, and no-store on everything that is not a static file."""
    fixed = [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if settings.is_production:
        fixed.append(("strict-transport-security", "max-age=63072000; includeSubDomains"))

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in fixed:
            if name not in headers:
                headers[name] = value
        if not scope["path"].startswith("/static/") and "cache-control" not in headers:
            headers["cache-control"] = "no-store"
        if trace_id := scope.get("state", {}).get("trace_id"):
            headers["x-trace-id"] = trace_id

    return add_headers
