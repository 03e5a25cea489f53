"""CSRF protection: a signed token bound to the session it was issued in.

Every form and htmx request that changes something carries a token (`_csrf_token` field or
`x-csrftoken` header). A token is a random nonce and an HMAC (the secret key) over the nonce
and what it is bound to:
- for a logged-in session, the session id: a token taken from another session (another
  person's page, an attacker's own log-in) is refused;
- before log-in, a random value in the CSRF cookie (a signed double submit), so the log-in
  form needs no server-side session at all.
Nothing is stored on the server. The nonce makes every page's token different (no fixed
secret in compressed responses). In production the cookie is `__Host-portal_csrf`: Secure,
Path=/ and no Domain, so a neighbouring subdomain cannot plant one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from portal.auth.actor import PERSON
from portal.core.settings import Settings

CSRF_FIELD = "_csrf_token"
CSRF_HEADER = "x-csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NONCE_CHARS = 32


def secure_cookies(settings: Settings) -> bool:
    """Cookies only over HTTPS: always in production, and wherever the portal is served so."""
    return settings.is_production or settings.base_url.startswith("https://")


def cookie_name(settings: Settings, name: str) -> str:
    """`__Host-` in production: the browser then accepts the cookie only Secure, for Path=/ and
    without Domain, i.e. set by this host itself."""
    return f"__Host-{name}" if settings.is_production else name


class CsrfMiddleware(ASGIMiddleware):
    """Issues the token on safe requests and checks it on every other one."""

    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(lambda scope: scope["path"].startswith("/static/"))

    def __init__(self, settings: Settings, session_cookie: str) -> None:
        self.secret = settings.secret_key.encode()
        self.cookie = cookie_name(settings, "portal_csrf")
        self.secure = secure_cookies(settings)
        self.session_cookie = session_cookie

    def _binding(self, scope: Scope, cookies: dict[str, str], csrf_cookie: str) -> str:
        session = scope.get("session")
        session_id = cookies.get(self.session_cookie)
        if isinstance(session, dict) and session.get(PERSON) and session_id:
            return "session:" + session_id
        return "cookie:" + csrf_cookie

    def _sign(self, nonce: str, binding: str) -> str:
        return hmac.new(self.secret, f"{nonce}|{binding}".encode(), hashlib.sha256).hexdigest()

    def issue(self, binding: str) -> str:
        nonce = secrets.token_hex(_NONCE_CHARS // 2)
        return nonce + self._sign(nonce, binding)

    def valid(self, token: str, binding: str) -> bool:
        nonce, signature = token[:_NONCE_CHARS], token[_NONCE_CHARS:]
        if len(nonce) != _NONCE_CHARS or not signature:
            return False
        return hmac.compare_digest(signature, self._sign(nonce, binding))

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Any = scope["litestar_app"].request_class(scope=scope, receive=receive)
        cookies = request.cookies
        csrf_cookie = cookies.get(self.cookie) or ""
        new_cookie = None
        if len(csrf_cookie) < 32:
            csrf_cookie = new_cookie = secrets.token_urlsafe(32)
        binding = self._binding(scope, cookies, csrf_cookie)
        state = ScopeState.from_scope(scope)
        if request.method in SAFE_METHODS:
            state.csrf_token = self.issue(binding)
            if new_cookie is not None:
                send = self._setting_cookie(send, new_cookie)
            await next_app(scope, receive, send)
            return
        submitted = request.headers.get(CSRF_HEADER)
        content_type, _ = request.content_type
        if not submitted and content_type in (
            RequestEncodingType.URL_ENCODED,
            RequestEncodingType.MULTI_PART,
        ):
            submitted = (await request.form()).get(CSRF_FIELD)
        if new_cookie is not None and binding.startswith("cookie:"):
            # No cookie came with the post, so no token can have been issued for it.
            raise PermissionDeniedException("CSRF token verification failed")
        if not isinstance(submitted, str) or not self.valid(submitted, binding):
            raise PermissionDeniedException("CSRF token verification failed")
        state.csrf_token = submitted
        await next_app(scope, receive, send)

    def _setting_cookie(self, send: Send, value: str) -> Send:
        header = Cookie(
            key=self.cookie,
            value=value,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        ).to_header(header="")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message).add("set-cookie", header)
            await send(message)

        return wrapped
