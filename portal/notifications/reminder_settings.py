"""A regio's own numbers for its reminder kinds (the beheerder's settings page)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker
from portal.notifications.reminder_kinds import ReminderKind, reminder_kinds
from portal.notifications.tables import ReminderSetting
from tenants.scope import Scope
from tenants.scoped import TenantData


@dataclass(frozen=True)
class ReminderNumber:
    kind: ReminderKind
    value: int


async def numbers(scope: Scope) -> dict[str, int]:
    """The regio's number per reminder kind (its own, or the kind's default)."""
    rows = await TenantData(scope).select(
        ReminderSetting, ReminderSetting.code, ReminderSetting.value
    )
    own = {row["code"]: row["value"] for row in rows}
    return {kind.code: own.get(kind.code, kind.default) for kind in reminder_kinds()}


async def settings_form(scope: Scope) -> list[ReminderNumber]:
    """Every kind with the regio's number, for the settings page."""
    current = await numbers(scope)
    return [ReminderNumber(kind, current[kind.code]) for kind in reminder_kinds()]


async def save_numbers(scope: Scope, raw: Mapping[str, str]) -> None:
    """Save the regio's numbers (field `herinnering_<code>`, empty: unchanged); nothing is
    saved when one is wrong."""
    check = Checker()
    chosen: dict[str, int] = {}
    for kind in reminder_kinds():
        field = f"herinnering_{kind.code}"
        text = raw.get(field, "").strip()
        if not text:
            continue
        if not text.isdigit() or int(text) > kind.maximum:
            check.fail(field, f"Vul een heel aantal in, van 0 tot en met {kind.maximum}.")
            continue
        chosen[kind.code] = int(text)
    check.done()
    data = TenantData(scope)
    async with write_transaction():
        rows = await data.select(ReminderSetting, ReminderSetting.id, ReminderSetting.code)
        existing = {row["code"]: row["id"] for row in rows}
        for code, value in chosen.items():
            if code in existing:
                await data.update(ReminderSetting, existing[code], value=value)
            else:
                await data.insert(ReminderSetting, code=code, value=value)
        if chosen:
            await audit.record(
                scope, audit.AuditEvent("update", "reminder_settings", scope.tenant_id)
            )
