"""The convenants' reminder kinds, to the regiocoördinatoren of the convenant's regio office:

- `convenant_expiring`: an active convenant ends within N days (default 60) and no renewal
  is in force yet. It stops when the convenant ended (verlopen) or a renewal was accepted by
  all parties: a later convenant of the same regio office, in force from no later than the
  day after this one ends.
- `term_missed`: a measured term was missed (status gemist) by a partner in the last closed
  period, from N days after that period ended (default 1: the morning after the nightly
  close stored the value). It stops when the next period closes; the key names the period,
  so each period's miss is said once.

Both read the stored values and the convenants in force through the job's system scope.
"""

from __future__ import annotations

from datetime import date, timedelta

from partners.convenants import scores, snapshots
from partners.convenants.tables import Convenant
from partners.convenants.views import ConvenantInForce, convenants_in_force
from portal.kpi import catalogue
from portal.kpi.periods import Period, PeriodKind
from portal.notifications import links, recipients
from portal.notifications.queue import NewMessage
from portal.notifications.reminder_kinds import ReminderKind, register_reminder
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData

EXPIRING = "convenant_expiring"
TERM_MISSED = "term_missed"


async def _coordinators(scope: Scope, offices: set[int]) -> dict[int, list[int]]:
    return await recipients.members(scope, offices, (Role.REGIOCOORDINATOR,))


async def _office(scope: Scope, convenant_id: int) -> int:
    row = await TenantData(scope).get(Convenant, convenant_id, Convenant.regio_organisation)
    return row["regio_organisation"]


async def expiring(scope: Scope, today: date, days: int) -> list[NewMessage]:
    """Convenants in force today that end within `days` days, without an accepted renewal."""
    data = TenantData(scope)
    ending = await (
        data.select(
            Convenant,
            Convenant.id,
            Convenant.title,
            Convenant.period_start,
            Convenant.period_end,
            Convenant.regio_organisation,
        )
        .where(Convenant.active_version.is_not_null())
        .where(Convenant.period_start <= today)
        .where(Convenant.period_end >= today)
        .where(Convenant.period_end <= today + timedelta(days=days))
    )
    due = []
    for convenant in ending:
        renewed = await (
            data.exists(Convenant)
            .where(Convenant.id != convenant["id"])
            .where(Convenant.regio_organisation == convenant["regio_organisation"])
            .where(Convenant.active_version.is_not_null())
            .where(Convenant.period_start > convenant["period_start"])
            .where(Convenant.period_start <= convenant["period_end"] + timedelta(days=1))
            .where(Convenant.period_end > convenant["period_end"])
        )
        if not renewed:
            due.append(convenant)
    people = await _coordinators(scope, {c["regio_organisation"] for c in due})
    return [
        NewMessage(
            recipient=person,
            key=f"{EXPIRING}:{convenant['id']}:{convenant['period_end']}:{person}",
            kind=EXPIRING,
            title=f"Convenant loopt af: {convenant['title']}",
            due_date=convenant["period_end"],
            link_kind="convenant",
            link_id=convenant["id"],
        )
        for convenant in due
        for person in people.get(convenant["regio_organisation"], [])
    ]


def last_closed(convenant: ConvenantInForce, kind: PeriodKind, today: date) -> Period | None:
    """The last period of `kind` that closed before today and overlaps the convenant."""
    period = Period.containing(today, kind).previous()
    if period.last < convenant.period_start or period.first > convenant.period_end:
        return None
    return period


async def term_missed(scope: Scope, today: date, days: int) -> list[NewMessage]:
    """Measured terms a partner missed in the last closed period, by its stored value, from
    `days` days after the period ended until the next period closes."""
    data = TenantData(scope)
    names: dict[int, str] = {}
    missed: list[tuple[ConvenantInForce, int, int, Period]] = []
    for convenant in await convenants_in_force(scope, today):
        names.update({p.organisation_id: p.name for p in convenant.parties})
        for term in convenant.terms:
            kpi = catalogue.kpi(term.code)
            period = last_closed(convenant, PeriodKind(term.period_kind), today)
            if kpi is None or period is None or today < period.last + timedelta(days=days):
                continue
            organisations = snapshots.partner_ids(convenant, term)
            known = await snapshots.stored(
                data, term.code, term.period_kind, [period.key], organisations
            )
            for (organisation, _), (numerator, denominator) in sorted(known.items()):
                value = scores.value_centi(numerator, denominator, kpi.unit)
                verdict = scores.status(
                    term.comparison, term.target_centi, term.tolerance_centi, value
                )
                if verdict is scores.Status.MISSED:
                    missed.append((convenant, term.line, organisation, period))
    offices = {c.convenant_id: await _office(scope, c.convenant_id) for c, *_ in missed}
    people = await _coordinators(scope, set(offices.values()))
    messages = []
    for convenant, line, organisation, period in missed:
        term = next(t for t in convenant.terms if t.line == line)
        for person in people.get(offices[convenant.convenant_id], []):
            messages.append(
                NewMessage(
                    recipient=person,
                    key=f"{TERM_MISSED}:{convenant.convenant_id}:{line}:{organisation}:"
                    f"{period.key}:{person}",
                    kind=TERM_MISSED,
                    title=f"Afspraak gemist door {names[organisation]} in {period.label}: "
                    f"{term_label(term.code)}",
                    due_date=period.last,
                    link_kind="convenant",
                    link_id=convenant.convenant_id,
                )
            )
    return messages


def term_label(code: str) -> str:
    found = catalogue.kpi(code)
    return found.label.lower() if found else code


async def _convenant_link(scope: Scope, convenant_id: int) -> str | None:
    visible = await TenantData(scope).exists(Convenant).where(Convenant.id == convenant_id)
    return f"/r/{scope.tenant_slug}/convenanten/{convenant_id}" if visible else None


def register() -> None:
    """Register the convenant reminder kinds and the convenant link (idempotent)."""
    register_reminder(
        ReminderKind(
            EXPIRING,
            "Convenant loopt af zonder vernieuwing",
            "dagen vooraf",
            60,
            365,
            expiring,
            order=70,
        )
    )
    register_reminder(
        ReminderKind(
            TERM_MISSED,
            "Afspraak gemist in de laatst afgesloten periode",
            "dagen na het einde van de periode",
            1,
            31,
            term_missed,
            order=80,
        )
    )
    links.register_link("convenant", _convenant_link)
