"""The access log, and the guard that keeps a BSN out of it and out of every answer.

Searches keep their text out of URLs by construction (portal/web/search.py). This is the
safety net for everything else: a hand-typed address, an old bookmark, a link made by a
route that forgot the rule. A query string that holds a nine-digit number passing the
elfproef is refused before any route, guard or log-in redirect can echo it, and the access
log masks such a number in the path or the query. `portal serve` turns uvicorn's own
access log off, so this log is the only one.
"""

from __future__ import annotations

import logging

from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.middleware import ASGIMiddleware
from litestar.status_codes import HTTP_400_BAD_REQUEST
from litestar.types import ASGIApp, BeforeMessageSendHookHandler, Message, Receive, Scope, Send

from portal.core import bsn

log = logging.getLogger("portal.access")

BSN_IN_URL = (
    "Een BSN hoort niet in een webadres: het komt dan in de geschiedenis van de browser en "
    "in logbestanden. Gebruik het zoekveld op de pagina; dat bewaart het nummer niet in het "
    "adres."
)


class BsnInUrl(ClientException):
    """A query string holds what may be a BSN; the answer names neither the number nor URL."""

    status_code = HTTP_400_BAD_REQUEST


class BsnInUrlGuard(ASGIMiddleware):
    """Refuses a request whose query string holds a possible BSN (400, a Dutch page)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if bsn.contains(scope.get("query_string", b"").decode("latin-1")):
            raise BsnInUrl(BSN_IN_URL)
        await next_app(scope, receive, send)


def access_line(scope: Scope, status: int) -> str:
    """One line of the access log, with any possible BSN masked."""
    client = scope.get("client")
    target = scope.get("path", "")
    if query := scope.get("query_string", b"").decode("latin-1"):
        target += "?" + query
    trace_id = scope.get("state", {}).get("trace_id", "-")
    return (
        f'{client[0] if client else "-"} - "{scope.get("method", "-")} {bsn.mask(target)} '
        f'HTTP/{scope.get("http_version", "1.1")}" {status} trace={trace_id}'
    )


def access_log() -> BeforeMessageSendHookHandler:
    """A before-send hook: it sees every response, also 404s of unknown paths and refusals
    by middleware, so every request gets its line."""

    async def write(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start" and scope["type"] == ScopeType.HTTP:
            log.info("%s", access_line(scope, message["status"]))

    return write
