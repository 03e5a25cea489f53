"""Closed periods are stored once and never change: a second close adds nothing, and a
register signed or reopened after the month closed shows as a correction on the next month,
with its reason, while the closed month keeps its stored value."""

from __future__ import annotations

from datetime import date

from partners.convenants import scores, snapshots
from portal.demo_cases import demo_scope
from portal.kpi.periods import Period, PeriodKind
from tenants.roles import Role
from tenants.scope import Scope
from tests.convenants.conftest import organisation_id, scalar
from tests.factories import today

CODE = "taal.presentielijst_getekend"


async def _system() -> Scope:
    tenant = await scalar("SELECT id FROM regio WHERE slug = 'alkmaar'")
    return Scope.system(tenant, "alkmaar", "test")


async def _stored(organisation: int, key: str) -> tuple[float, float]:
    from portal.core.database import current_engine

    rows = await current_engine().run_ddl(
        "SELECT numerator, denominator FROM convenant_kpi_value "  # noqa: S608
        f"WHERE code = '{CODE}' AND organisation = {organisation} AND period_key = '{key}'"
    )
    assert len(rows) == 1
    return (rows[0]["numerator"], rows[0]["denominator"])


async def _busiest_closed_month(organisation: int) -> Period:
    """The closed month with the most signed registers of the school (the demo's history)."""
    from portal.core.database import current_engine

    rows = await current_engine().run_ddl(
        "SELECT lesson_date FROM taal_lesson "  # noqa: S608
        f"WHERE organisation = {organisation} AND register_status = 'ondertekend'"
    )
    counts: dict[Period, int] = {}
    current = Period.containing(today(), PeriodKind.MAAND)
    for row in rows:
        day = row["lesson_date"]
        day = date.fromisoformat(day) if isinstance(day, str) else day
        period = Period.containing(day, PeriodKind.MAAND)
        if period < current and period.first >= current.last_n(11)[0].first:
            counts[period] = counts.get(period, 0) + 1
    assert counts, "the demo has no signed registers in a closed month"
    return max(counts, key=lambda p: counts[p])


async def test_a_closed_month_is_stored_once_and_a_late_change_is_a_correction(demo) -> None:
    system = await _system()
    taalhuis = await organisation_id("Taalhuis Kennemerland")
    first = await snapshots.close_periods(system, today())
    assert first.stored > 0
    rows_after_first = await scalar("SELECT COUNT(*) AS n FROM convenant_kpi_value")

    again = await snapshots.close_periods(system, today())
    assert (again.stored, again.corrected) == (0, 0)
    assert await scalar("SELECT COUNT(*) AS n FROM convenant_kpi_value") == rows_after_first

    month = await _busiest_closed_month(taalhuis)
    before = await _stored(taalhuis, month.key)
    assert before[0] >= 2
    # Two registers of that month reopened after it closed.
    await scalar(
        "UPDATE taal_lesson SET register_status = 'opgeslagen' WHERE id IN ("  # noqa: S608
        f"SELECT id FROM taal_lesson WHERE organisation = {taalhuis} "
        "AND register_status = 'ondertekend' "
        f"AND lesson_date BETWEEN '{month.first}' AND '{month.last}' ORDER BY id LIMIT 2) "
        "RETURNING id"
    )
    corrected = await snapshots.close_periods(system, today())
    assert corrected.corrected >= 1 and corrected.stored == 0
    assert await _stored(taalhuis, month.key) == before
    # A third run finds nothing new: the correction is known.
    assert (await snapshots.close_periods(system, today())).corrected == 0

    own = await scores.own(
        await demo_scope("docent@taal.alkmaar.demo", Role.TAALAANBIEDER), today()
    )
    term = next(s for s in own if s.term.code == CODE)
    cells = {cell.period.key: cell for cell in term.partners[0].cells}
    # The closed month still shows its stored value; the next one carries the correction.
    assert cells[month.key].stored
    assert cells[month.key].numerator == before[0]
    reason = cells[month.next().key].correction
    assert reason.startswith("Na afsluiting gewijzigd")
    assert month.label in reason
    assert f"{before[0] - 2:g} van" in reason
