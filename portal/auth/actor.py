"""Who is acting in this request: built from the session, checked on every request.

A session holds the person id, the session epoch, the chosen membership and two times. Each
request re-reads the person and membership in one query, so deactivation, a raised epoch
(log-out everywhere) or a lapsed membership ends the session at once, and idle and absolute
time-outs are enforced here rather than trusted to cookie expiry.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from portal.core.settings import Settings
from tenants import accounts
from tenants.roles import Role
from tenants.scope import Origin, Scope

# Session keys (kept short: they are stored per request).
PERSON = "pid"
EPOCH = "epoch"
MEMBERSHIP = "mid"
LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
CHOICES = "choices"
PLATFORM = "platform"


@dataclass(frozen=True)
class Actor:
    """The person behind a request and the role they act in (what templates show)."""

    person_id: int
    person_name: str
    role: Role
    organisation_name: str | None
    regio_name: str | None
    regio_slug: str | None
    has_choices: bool
    scope: Scope

    @property
    def role_label(self) -> str:
        return self.role.label

    @property
    def home(self) -> str:
        return f"/r/{self.regio_slug}/" if self.regio_slug else "/platform/regios"


class SessionEnded(Exception):
    """The session exists but may no longer be used; `reason` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def start_session(
    session: dict[str, Any], account: accounts.Account, membership_id: int | None, choices: int
) -> None:
    """Fill a fresh session after a successful log-in (the id is rotated by the caller)."""
    now = time.time()
    session.clear()
    session.update(
        {
            PERSON: account.id,
            EPOCH: account.session_epoch,
            MEMBERSHIP: membership_id,
            PLATFORM: membership_id is None and account.is_superadmin,
            LOGIN_AT: now,
            SEEN_AT: now,
            CHOICES: choices,
        }
    )


def choose(session: dict[str, Any], membership_id: int | None) -> None:
    session[MEMBERSHIP] = membership_id
    session[PLATFORM] = membership_id is None


def is_logged_in(session: dict[str, Any]) -> bool:
    return bool(session.get(PERSON))


def has_chosen(session: dict[str, Any]) -> bool:
    return bool(session.get(MEMBERSHIP)) or bool(session.get(PLATFORM))


async def resolve_actor(
    session: dict[str, Any], settings: Settings, origin: Origin, now: float | None = None
) -> Actor | None:
    """The actor of a session that has chosen a role, None when it has not (yet).

    Raises SessionEnded when the session must end (time-out, deactivation, new epoch)."""
    if not is_logged_in(session):
        return None
    now = time.time() if now is None else now
    if now - float(session.get(LOGIN_AT, 0)) > settings.session_max_hours * 3600:
        raise SessionEnded("U was langer dan de maximale tijd ingelogd. Log opnieuw in.")
    if not has_chosen(session):
        return None
    acting = await accounts.acting_as(int(session[PERSON]), session.get(MEMBERSHIP))
    if acting is None or not acting.person_active or not acting.membership_active:
        raise SessionEnded("Uw account of rol is niet meer actief. Log opnieuw in.")
    if acting.session_epoch != session.get(EPOCH):
        raise SessionEnded("U bent uitgelogd. Log opnieuw in.")
    idle = settings.session_idle_minutes
    if acting.tenant_idle_minutes:
        idle = min(idle, acting.tenant_idle_minutes)
    if now - float(session.get(SEEN_AT, 0)) > idle * 60:
        raise SessionEnded(
            f"U was langer dan {idle} minuten niet actief. Log opnieuw in om verder te gaan."
        )
    session[SEEN_AT] = now
    scope = Scope(
        tenant_id=acting.tenant_id,
        tenant_slug=acting.tenant_slug,
        person_id=acting.person_id,
        organisation_id=acting.organisation_id,
        role=acting.role,
        membership_id=acting.membership_id,
        origin=origin,
    )
    return Actor(
        person_id=acting.person_id,
        person_name=acting.person_name,
        role=acting.role,
        organisation_name=acting.organisation_name or "Platform",
        regio_name=acting.tenant_name,
        regio_slug=acting.tenant_slug,
        has_choices=int(session.get(CHOICES, 1)) > 1,
        scope=scope,
    )
