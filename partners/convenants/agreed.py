"""The windows the convenants in force fix (portal/kpi/agreed.py): a KPI term with its own
`window_workdays` sets that number for the regio.

When two convenants in force both fix a KPI's window, the one that started last wins (then
the newest): a renewal overrides what it renews on the day it starts.
"""

from __future__ import annotations

from datetime import date

from partners.convenants.tables import Convenant, ConvenantTerm
from portal.kpi import agreed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData

REASON = "termijnen die een convenant vastlegt, voor de instellingen en de metingen"


async def fixed_windows(scope: Scope, day: date) -> dict[str, agreed.Agreed]:
    """The windows of the terms in force on `day`, by KPI code."""
    data = TenantData(scope)
    if scope.role is not Role.SYSTEM:
        # A beheerder's settings page or a partner's scores: the number is the regio's,
        # whoever may read the convenant itself.
        data = await data.as_system(REASON)
    convenants = await (
        data.select(Convenant, Convenant.id, Convenant.title, Convenant.active_version)
        .where(Convenant.active_version.is_not_null())
        .where(Convenant.period_start <= day)
        .where(Convenant.period_end >= day)
        .order_by(Convenant.period_start, ascending=False)
        .order_by(Convenant.id, ascending=False)
    )
    found: dict[str, agreed.Agreed] = {}
    for convenant in convenants:
        terms = await (
            data.select(
                ConvenantTerm, ConvenantTerm.code, ConvenantTerm.line, ConvenantTerm.window_workdays
            )
            .where(ConvenantTerm.convenant == convenant["id"])
            .where(ConvenantTerm.version.number == convenant["active_version"])
            .where(ConvenantTerm.window_workdays.is_not_null())
            .order_by(ConvenantTerm.line)
        )
        for term in terms:
            found.setdefault(
                term["code"],
                agreed.Agreed(
                    term["code"],
                    term["window_workdays"],
                    convenant["id"],
                    convenant["title"],
                    term["line"],
                ),
            )
    return found


def register() -> None:
    """Register the convenants as the source of agreed windows (idempotent)."""
    agreed.register_source("convenants", fixed_windows)
