"""Settings a regio's beheerder may choose for the regio itself."""

from __future__ import annotations

from dataclasses import dataclass

from portal.core import audit
from portal.core.database import write_transaction
from portal.core.settings import Settings
from portal.core.validation import Checker
from tenants import accounts
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound

MIN_IDLE_MINUTES = 5
# "Inzage na einde werk": how long a partner still reads what it wrote on a task after the
# work ended or moved (portal/casefile/tables.py). A regio chooses 0 (it ends that day) up
# to a quarter; the default (14 days, `Regio.partner_access_days`) lets a partner look back
# at a report just filed.
MAX_PARTNER_ACCESS_DAYS = 90


@dataclass(frozen=True)
class RegioSettings:
    session_idle_minutes: int | None
    platform_idle_minutes: int
    partner_access_days: int


def _require_beheerder(scope: Scope) -> int:
    if scope.role is not Role.BEHEERDER or scope.tenant_id is None:
        raise NotFound("regio settings")
    return scope.tenant_id


async def get_regio_settings(scope: Scope, settings: Settings) -> RegioSettings:
    """The regio's own idle limit (None: the platform's) and the platform's limit."""
    tenant_id = _require_beheerder(scope)
    return RegioSettings(
        session_idle_minutes=await accounts.regio_session_idle_minutes(tenant_id),
        platform_idle_minutes=settings.session_idle_minutes,
        partner_access_days=await accounts.regio_partner_access_days(tenant_id),
    )


def _idle_minutes(check: Checker, settings: Settings, raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    if not text.isdigit():
        check.fail("session_idle_minutes", "Vul een heel aantal minuten in, of laat het veld leeg.")
        return None
    minutes = int(text)
    if not MIN_IDLE_MINUTES <= minutes <= settings.session_idle_minutes:
        check.fail(
            "session_idle_minutes",
            f"Kies tussen {MIN_IDLE_MINUTES} en {settings.session_idle_minutes} minuten; "
            "langer dan de platforminstelling kan niet.",
        )
    return minutes


def _access_days(check: Checker, raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None  # left as it is
    if not text.isdigit() or int(text) > MAX_PARTNER_ACCESS_DAYS:
        check.fail(
            "partner_access_days",
            f"Vul een heel aantal dagen in, van 0 tot en met {MAX_PARTNER_ACCESS_DAYS}.",
        )
        return None
    return int(text)


async def save_regio_settings(
    scope: Scope, settings: Settings, idle_raw: str, access_days_raw: str
) -> None:
    """Save the regio's idle limit (shorter than the platform's, never longer) and its
    "inzage na einde werk" in days (empty: unchanged); nothing is saved when one of them is
    wrong."""
    tenant_id = _require_beheerder(scope)
    check = Checker()
    minutes = _idle_minutes(check, settings, idle_raw)
    days = _access_days(check, access_days_raw)
    check.done()
    async with write_transaction():
        await accounts.set_regio_session_idle_minutes(tenant_id, minutes)
        if days is not None:
            await accounts.set_regio_partner_access_days(tenant_id, days)
        await audit.record(
            scope,
            audit.AuditEvent(action="update", object_type="regio_settings", object_id=tenant_id),
        )
