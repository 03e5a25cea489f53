"""Every KPI measures the seeded demo regio without error, with values a person would accept."""

from __future__ import annotations

from portal.core.clock import today
from portal.core.settings import Settings
from portal.kpi.catalogue import Unit, kpis
from portal.kpi.periods import Period, PeriodKind
from tenants import accounts
from tenants.scope import Scope


async def test_every_kpi_measures_the_demo_and_lists_its_records(demo: Settings) -> None:
    from partners.registry import register_all

    register_all(web=False)
    regio = await accounts.regio_by_slug("alkmaar")
    scope = Scope.system(regio["id"], "alkmaar", "kpi-test")
    year = Period.containing(today(), PeriodKind.JAAR)
    measured = 0
    for term in kpis():
        for found in await term.measure(scope, year, None):
            shown = found.value(term.unit)
            if shown is None:
                continue
            measured += 1
            assert shown >= 0, term.code
            # A school may offer more hours than agreed; every other share is at most 100 %.
            if term.unit is Unit.PERCENT and term.code != "taal.uren_aangeboden":
                assert shown <= 100, term.code
            behind = await term.records(scope, year, found.organisation_id)
            assert any(record.counts for record in behind), term.code
    # The demo has lessons and registers: at least attendance and group size have values.
    assert measured >= 2
