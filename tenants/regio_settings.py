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


@dataclass(frozen=True)
class RegioSettings:
    session_idle_minutes: int | None
    platform_idle_minutes: int


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
    )


async def set_session_idle_minutes(scope: Scope, settings: Settings, raw: str) -> None:
    """Shorten (never lengthen) how long a session of this regio may sit idle."""
    tenant_id = _require_beheerder(scope)
    check = Checker()
    text = raw.strip()
    minutes: int | None = None
    if text:
        if not text.isdigit():
            check.fail(
                "session_idle_minutes", "Vul een heel aantal minuten in, of laat het veld leeg."
            )
        else:
            minutes = int(text)
            if not MIN_IDLE_MINUTES <= minutes <= settings.session_idle_minutes:
                check.fail(
                    "session_idle_minutes",
                    f"Kies tussen {MIN_IDLE_MINUTES} en {settings.session_idle_minutes} minuten; "
                    "langer dan de platforminstelling kan niet.",
                )
    check.done()
    async with write_transaction():
        await accounts.set_regio_session_idle_minutes(tenant_id, minutes)
        await audit.record(
            scope,
            audit.AuditEvent(action="update", object_type="regio_settings", object_id=tenant_id),
        )
