"""A regio's own numbers for its reminder kinds (the beheerder's settings page).

A kind whose number a convenant in force fixes (`ReminderKind.agreed_by`, see
portal/kpi/agreed.py) takes the convenant's number: the page shows it read-only with the
convenant, and a posted value for it that differs is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from portal.core import audit, clock
from portal.core.database import write_transaction
from portal.core.validation import Checker
from portal.kpi import agreed
from portal.notifications import links
from portal.notifications.reminder_kinds import ReminderKind, reminder_kinds
from portal.notifications.tables import ReminderSetting
from tenants.scope import Scope
from tenants.scoped import TenantData


@dataclass(frozen=True)
class ReminderNumber:
    kind: ReminderKind
    value: int
    # Set when a convenant in force fixes the number; `link` when the reader may open it.
    fixed: agreed.Agreed | None = None
    link: str | None = None


async def _fixed(scope: Scope, day: date) -> dict[str, agreed.Agreed]:
    """Per kind code, the convenant window that fixes its number today."""
    if not any(kind.agreed_by for kind in reminder_kinds()):
        return {}
    windows = await agreed.windows(scope, day)
    return {
        kind.code: windows[kind.agreed_by] for kind in reminder_kinds() if kind.agreed_by in windows
    }


async def numbers(scope: Scope, today: date | None = None) -> dict[str, int]:
    """The regio's number per reminder kind: fixed by a convenant in force, else its own,
    else the kind's default."""
    rows = await TenantData(scope).select(
        ReminderSetting, ReminderSetting.code, ReminderSetting.value
    )
    own = {row["code"]: row["value"] for row in rows}
    fixed = await _fixed(scope, today or clock.today())
    return {
        kind.code: fixed[kind.code].workdays
        if kind.code in fixed
        else own.get(kind.code, kind.default)
        for kind in reminder_kinds()
    }


async def settings_form(scope: Scope) -> list[ReminderNumber]:
    """Every kind with the regio's number, for the settings page; a number a convenant
    fixes comes with that convenant (and its page, when the reader may open it)."""
    rows = await TenantData(scope).select(
        ReminderSetting, ReminderSetting.code, ReminderSetting.value
    )
    own = {row["code"]: row["value"] for row in rows}
    fixed = await _fixed(scope, clock.today())
    found = []
    for kind in reminder_kinds():
        term = fixed.get(kind.code)
        if term is None:
            found.append(ReminderNumber(kind, own.get(kind.code, kind.default)))
            continue
        link = await links.resolve(scope, "convenant", term.convenant_id)
        found.append(ReminderNumber(kind, term.workdays, term, link))
    return found


async def save_numbers(scope: Scope, raw: Mapping[str, str]) -> None:
    """Save the regio's numbers (field `herinnering_<code>`, empty: unchanged); nothing is
    saved when one is wrong, nor when it differs from a number a convenant fixes."""
    check = Checker()
    chosen: dict[str, int] = {}
    fixed = await _fixed(scope, clock.today())
    for kind in reminder_kinds():
        field = f"herinnering_{kind.code}"
        text = raw.get(field, "").strip()
        if not text:
            continue
        if not text.isdigit() or not kind.minimum <= int(text) <= kind.maximum:
            check.fail(
                field,
                f"Vul een heel aantal in, van {kind.minimum} tot en met {kind.maximum}.",
            )
            continue
        term = fixed.get(kind.code)
        if term is not None:
            if int(text) != term.workdays:
                check.fail(
                    field,
                    f"Dit getal is vastgelegd in convenant ‘{term.title}’ (afspraak "
                    f"{term.line}): {term.workdays}. Wijzig het in het convenant.",
                )
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
