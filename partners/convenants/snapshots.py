"""Stored values of closed periods: taken once when a period closes, never changed after.

`close_periods` (a daily job, `Scope.system`) measures every KPI term in force for every
partner party of the term's kind, for each closed period of the last twelve inside the
convenant: a period without a stored value gets one (`KpiValue`, unique per code,
organisation and period, so a second run adds nothing); a period whose value is stored but
now measures differently (a register signed late, an attendance line corrected) gets a
`KpiCorrection` with its reason, which the scores show on the next period. The stored value
itself stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from partners.convenants import terms as term_rules
from partners.convenants.tables import KpiCorrection, KpiValue
from partners.convenants.views import ConvenantInForce, TermInForce, convenants_in_force
from portal.core.database import write_transaction
from portal.kpi import catalogue
from portal.kpi.periods import Period, PeriodKind
from tenants.scope import Scope
from tenants.scoped import TenantData

HISTORY = 12

Figures = tuple[float, float]


@dataclass(frozen=True)
class Closed:
    stored: int
    corrected: int


def periods_of(convenant: ConvenantInForce, kind: PeriodKind, today: date) -> list[Period]:
    """The last twelve periods up to today's (open) one that overlap the convenant."""
    current = Period.containing(min(today, convenant.period_end), kind)
    return [
        p
        for p in current.last_n(HISTORY)
        if p.last >= convenant.period_start and p.first <= convenant.period_end
    ]


def partner_ids(convenant: ConvenantInForce, term: TermInForce) -> list[int]:
    """The parties the term is about: those of the term's kind of organisation."""
    return [p.organisation_id for p in convenant.parties if p.kind == term.partner_kind]


async def stored(
    data: TenantData, code: str, kind: str, keys: list[str], organisations: list[int]
) -> dict[tuple[int, str], Figures]:
    """The stored values of closed periods, by (organisation, period key)."""
    if not keys or not organisations:
        return {}
    rows = await (
        data.select(
            KpiValue,
            KpiValue.organisation,
            KpiValue.period_key,
            KpiValue.numerator,
            KpiValue.denominator,
        )
        .where(KpiValue.code == code)
        .where(KpiValue.period_kind == kind)
        .where(KpiValue.period_key.is_in(keys))
        .where(KpiValue.organisation.is_in(organisations))
    )
    return {
        (row["organisation"], row["period_key"]): (row["numerator"], row["denominator"])
        for row in rows
    }


async def corrections(
    data: TenantData, code: str, kind: str, keys: list[str], organisations: list[int]
) -> dict[tuple[int, str], dict[str, Any]]:
    """The latest correction of each closed period, by (organisation, corrected period key)."""
    if not keys or not organisations:
        return {}
    rows = await (
        data.select(KpiCorrection)
        .where(KpiCorrection.code == code)
        .where(KpiCorrection.period_kind == kind)
        .where(KpiCorrection.period_key.is_in(keys))
        .where(KpiCorrection.organisation.is_in(organisations))
        .order_by(KpiCorrection.id)
    )
    return {(row["organisation"], row["period_key"]): row for row in rows}


def _shown(kpi: catalogue.Kpi, figures: Figures) -> str:
    value = catalogue.Measurement(0, *figures).value(kpi.unit)
    if value is None:
        return "geen gegevens"
    return f"{term_rules.number_nl(round(value * 100))}{kpi.unit.suffix}"


def correction_reason(kpi: catalogue.Kpi, period: Period, before: Figures, after: Figures) -> str:
    """Dutch, shown on the next period: what changed in the closed one and by how much."""

    def count(n: float) -> str:
        return term_rules.number_nl(round(n * 100))

    return (
        f"Na afsluiting gewijzigd: {kpi.label.lower()} van {period.label} is nu "
        f"{_shown(kpi, after)} (bij afsluiting {_shown(kpi, before)}; "
        f"{count(after[0])} van {count(after[1])}, was {count(before[0])} van "
        f"{count(before[1])})"
    )


async def _close_term(
    data: TenantData, convenant: ConvenantInForce, term: TermInForce, today: date
) -> Closed:
    kpi = catalogue.kpi(term.code)
    organisations = partner_ids(convenant, term)
    if kpi is None or not organisations:
        return Closed(0, 0)
    closed = [
        p for p in periods_of(convenant, PeriodKind(term.period_kind), today) if p.closed_on(today)
    ]
    keys = [p.key for p in closed]
    known = await stored(data, term.code, term.period_kind, keys, organisations)
    fixed = await corrections(data, term.code, term.period_kind, keys, organisations)
    new_values: list[dict[str, Any]] = []
    new_corrections: list[dict[str, Any]] = []
    for period in closed:
        measured = await kpi.measure(data.scope, period, frozenset(organisations))
        for m in measured:
            if m.organisation_id not in organisations:
                continue
            figures = (float(m.numerator), float(m.denominator))
            place = (m.organisation_id, period.key)
            common = {
                "code": term.code,
                "organisation": m.organisation_id,
                "period_kind": term.period_kind,
                "period_key": period.key,
                "numerator": figures[0],
                "denominator": figures[1],
            }
            if place not in known:
                new_values.append(common)
                continue
            latest = fixed.get(place)
            before = (latest["numerator"], latest["denominator"]) if latest else known[place]
            if before != figures:
                new_corrections.append(
                    {
                        **common,
                        "previous_numerator": before[0],
                        "previous_denominator": before[1],
                        "reason": correction_reason(kpi, period, before, figures),
                    }
                )
    async with write_transaction():
        if new_values:
            await data.insert_many(KpiValue, new_values)
        if new_corrections:
            await data.insert_many(KpiCorrection, new_corrections)
    return Closed(len(new_values), len(new_corrections))


async def close_periods(scope: Scope, today: date) -> Closed:
    """Store the value of every closed period of every KPI term in force (yesterday or
    today) for each partner of the term's kind, once; store a correction where a closed
    period now measures differently. For a job's `Scope.system`; safe to run again."""
    data = TenantData(scope)
    found: dict[int, ConvenantInForce] = {}
    for day in (today - timedelta(days=1), today):
        for convenant in await convenants_in_force(scope, day):
            found[convenant.convenant_id] = convenant
    stored_count = corrected = 0
    for convenant in found.values():
        for term in convenant.terms:
            if term.kind != "kpi":
                continue
            result = await _close_term(data, convenant, term, today)
            stored_count += result.stored
            corrected += result.corrected
    return Closed(stored_count, corrected)
