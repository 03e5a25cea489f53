"""A session locked to a few pages, for a device handed to someone else.

A docent hands their logged-in tablet to the class so that each learner confirms their own
presence (partners/taal). While the session is locked, the server answers every request for
any other page of the portal with the locked page itself (a redirect to it), so no learner
reaches the docent's menu, other pages or other people's data, whatever URL is typed or
posted. Hiding links would not be enough: the rule sits here, in a middleware, not in a route.

Only the person of the session unlocks it, with their own password. Every attempt goes
through the log-in throttle (portal/auth/throttle.py, the same counters per address and per
account and address as the log-in form), and wrong passwords are also counted in the
session: after `MAX_UNLOCK_FAILURES` the session ends, and getting back in goes through the
log-in form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from portal.auth.throttle import LoginThrottle
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.passwords import verify_password
from portal.core.settings import Settings
from tenants import accounts
from tenants.scope import Scope as ActorScope

SESSION_KEY = "device_lock"
MAX_UNLOCK_FAILURES = 5


@dataclass(frozen=True)
class DeviceLock:
    """Where the locked session lives (`home`), and the only requests it may make."""

    home: str
    allowed: frozenset[tuple[str, str]]
    failures: int

    def allows(self, method: str, path: str) -> bool:
        """Static files, and exactly the (method, path) pairs the lock was made with."""
        if path.startswith("/static/"):
            return True
        return (method.upper(), path.rstrip("/") or "/") in self.allowed


class Unlock(Enum):
    OPEN = "open"
    WRONG = "wrong"
    ENDED = "ended"


def lock(session: dict[str, Any], home: str, allowed: Iterable[tuple[str, str]]) -> None:
    """Lock the session: from the next request on, only `allowed` (method, path) pairs are
    answered; everything else gets a redirect to `home` (itself allowed for GET)."""
    pairs = {(method.upper(), path.rstrip("/") or "/") for method, path in allowed}
    pairs.add(("GET", home.rstrip("/") or "/"))
    session[SESSION_KEY] = {"home": home, "allowed": sorted(pairs), "failures": 0}


def current(session: Any) -> DeviceLock | None:
    """The session's lock, or None when it is not locked."""
    if not isinstance(session, dict) or not isinstance(raw := session.get(SESSION_KEY), dict):
        return None
    return DeviceLock(
        home=str(raw["home"]),
        allowed=frozenset((str(method), str(path)) for method, path in raw["allowed"]),
        failures=int(raw.get("failures", 0)),
    )


async def unlock(
    session: dict[str, Any],
    scope: ActorScope,
    password: str,
    settings: Settings,
    throttle: LoginThrottle,
) -> Unlock:
    """Unlock with the password of the session's own person. Raises TooManyAttempts when the
    throttle says wait (no password is checked then). A wrong password is counted; at
    `MAX_UNLOCK_FAILURES` the whole session ends (the caller sends the person to log in).
    Every checked attempt is audited."""
    state = current(session)
    if state is None:
        return Unlock.OPEN
    account = await accounts.account_by_id(scope.person_id)
    if account is None:
        session.clear()
        return Unlock.ENDED
    ip = (scope.origin.ip if scope.origin else None) or "unknown"
    await throttle.attempt(account.email, ip)
    valid = verify_password(account.password_hash, password)
    if account.is_demo and not settings.allow_demo_passwords:
        valid = False
    if valid:
        await throttle.succeeded(account.email, ip)
    outcome = Unlock.OPEN
    if not valid:
        failures = state.failures + 1
        outcome = Unlock.ENDED if failures >= MAX_UNLOCK_FAILURES else Unlock.WRONG
        session[SESSION_KEY]["failures"] = failures
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                action="unlock",
                object_type="session",
                subject_ref=f"person:{scope.person_id}",
                result="ok" if valid else "denied",
            ),
        )
    if outcome is Unlock.OPEN:
        session.pop(SESSION_KEY, None)
    elif outcome is Unlock.ENDED:
        session.clear()
    return outcome


class DeviceLockMiddleware(ASGIMiddleware):
    """Answers every request of a locked session that the lock does not allow with a
    redirect to the locked page (htmx: a client redirect), without running the route."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        state = current(scope.get("session"))
        if state is None or state.allows(scope["method"], scope["path"]):
            await next_app(scope, receive, send)
            return
        is_htmx = any(name == b"hx-request" for name, _ in scope.get("headers", []))
        location = state.home.encode()
        headers = [(b"content-length", b"0")]
        if is_htmx:
            headers.append((b"hx-redirect", location))
        else:
            headers.append((b"location", location))
        await send(
            {"type": "http.response.start", "status": 200 if is_htmx else 303, "headers": headers}
        )
        await send({"type": "http.response.body", "body": b""})
