"""The coordinator's view of koppelingen: per gemeente per half year, how many had a handover
talk, and the time from koppeling to acceptance. Counts only: no name, no person, no notes
are selected, so nothing personal can reach this page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from partners.coa.tables import Overdracht
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData


@dataclass(frozen=True)
class HalfYearCount:
    gemeente: str
    half_year: str
    koppelingen: int
    with_talk: int
    accepted: int
    median_days_to_acceptance: float | None


def half_year(day: date) -> str:
    """The half year of a day: "2026-1" for January–June (the taakstelling's first half),
    "2026-2" for July–December."""
    return f"{day.year}-{1 if day.month <= 6 else 2}"


def half_year_label(key: str) -> str:
    year, half = key.split("-")
    return f"{'1e' if half == '1' else '2e'} helft {year}"


async def counts(scope: Scope) -> list[HalfYearCount]:
    """Koppelingen per gemeente per half year, newest half year first."""
    if scope.role is not Role.REGIOCOORDINATOR:
        raise NotFound("koppelingen")
    rows = await TenantData(scope).select(
        Overdracht,
        Overdracht.gemeente.name.as_alias("gemeente"),
        Overdracht.koppeling_date,
        Overdracht.talk_held,
        Overdracht.accepted_at,
    )
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((half_year(row["koppeling_date"]), row["gemeente"]), []).append(row)
    result = []
    for (period, gemeente), items in groups.items():
        waits = [
            (r["accepted_at"].date() - r["koppeling_date"]).days for r in items if r["accepted_at"]
        ]
        result.append(
            HalfYearCount(
                gemeente=gemeente,
                half_year=period,
                koppelingen=len(items),
                with_talk=sum(1 for r in items if r["talk_held"]),
                accepted=len(waits),
                median_days_to_acceptance=median(waits) if waits else None,
            )
        )
    # Newest half year first; gemeenten alphabetical within it (sort is stable).
    result.sort(key=lambda c: c.gemeente)
    result.sort(key=lambda c: c.half_year, reverse=True)
    return result
