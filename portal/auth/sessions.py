"""Server-side sessions: the store, the cookie, and a fresh session id at every log-in.

Litestar's server-side backend keeps whatever id the browser presents. An attacker who plants
a session cookie before the victim logs in (session fixation) would then share the victim's
session; `RotatingSessionBackend` drops the old id and issues a new one whenever the session
asks for it (`rotate_session`), which log-in and role switching do.

Litestar would also store an empty session for every anonymous request (a file or Redis key
kept 12 hours per request: a cheap way to fill the disk). Here a session is created only at
log-in. An anonymous client can make none: the only anonymous data ever kept is the
"you were logged out" message of a session that already existed, for five minutes.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from portal.auth.actor import PERSON
from portal.auth.csrf import cookie_name, secure_cookies
from portal.core.settings import Settings

SESSION_COOKIE = "portal_session"
ANONYMOUS_SECONDS = 5 * 60
_ROTATE = "_rotate"
_FOUND = "portal_session_found"


def rotate_session(session: dict[str, Any]) -> None:
    """Ask for a new session id when this response is sent."""
    session[_ROTATE] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})[_FOUND] = bool(data)
        return data

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        if scope_session is not Empty and not scope_session.get(PERSON):
            await self._store_anonymous(scope_session, message, connection)
            return
        if scope_session is Empty or not scope_session.pop(_ROTATE, False):
            await super().store_in_message(scope_session, message, connection)
            return
        store = self.config.get_store_from_app(connection.scope["app"])
        if old_id := connection.cookies.get(self.config.key):
            await self.delete(old_id, store=store)
        session_id = self.generate_session_id()
        await self.set(
            session_id, self.serialize_data(scope_session, connection.scope), store=store
        )
        params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        MutableScopeHeaders.from_message(message).add(
            "Set-Cookie",
            Cookie(value=session_id, key=self.config.key, **params).to_header(header=""),
        )

    async def _store_anonymous(
        self, data: dict[str, Any], message: Message, connection: ASGIConnection
    ) -> None:
        """No session for a client that is not logged in, except the short-lived message of
        a session that existed (and ended) on this very request."""
        found = connection.scope.get("state", {}).get(_FOUND, False)
        session_id = connection.cookies.get(self.config.key)
        if not found or not session_id:
            return
        store = self.config.get_store_from_app(connection.scope["app"])
        if not data:
            await super().store_in_message(Empty, message, connection)
            return
        await store.set(
            session_id, self.serialize_data(data, connection.scope), expires_in=ANONYMOUS_SECONDS
        )


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(settings: Settings) -> RotatingSessionConfig:
    return RotatingSessionConfig(
        key=cookie_name(settings, SESSION_COOKIE),
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
        exclude=["^/static/", "^/health$"],
    )


def make_stores(settings: Settings) -> dict[str, Store]:
    """Sessions: Redis when configured, else files under var/ (the throttle has its own
    atomic counters, `portal.auth.throttle`)."""
    names = ("sessions",)
    if settings.redis_url:
        root = RedisStore.with_client(url=settings.redis_url, namespace="portal")
        return {name: root.with_namespace(name) for name in names}
    folder = settings.var_path / "store"
    return {name: FileStore(path=folder / name, create_directories=True) for name in names}
