"""The regio's own figures on hand-made data with known answers, on both engines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.casefile import regio_figures as rf
from portal.core.validation import ValidationFailed
from tenants.roles import Role
from tenants.scoped import NotFound
from tests.monitor.conftest import TODAY, HandMade, at, make_regio

BRP = date(2026, 1, 5)


def _row(rows: list[rf.PipNormRow], gemeente: int, half: int) -> rf.PipNormRow:
    return next(r for r in rows if r.gemeente.id == gemeente and r.half_year == half)


async def test_an_empty_regio_has_no_figures_and_no_division_by_zero(regio: HandMade) -> None:
    figures = await rf.figures(regio.coordinator, TODAY)
    assert figures.pip_norm == [] and figures.without_brp == {}
    assert figures.funnel == []
    assert all(
        step.reached == 0 and step.median_days is None for step in figures.funnel_regio.steps
    )
    assert [a.count for a in figures.per_leerroute] == [0, 0, 0, 0]
    assert figures.per_partner == []
    assert {(r.gemeente.name, r.target, r.realisatie, r.share) for r in figures.taakstelling} == {
        ("Gemeente Aa", None, 0, None),
        ("Gemeente Bee", None, 0, None),
    }
    assert rf.export_tables(figures)["pip-norm"].rows == []


async def test_a_pip_on_day_70_is_on_time_and_on_day_71_late(regio: HandMade) -> None:
    a = regio.gemeente_a
    await regio.case(a, brp=BRP, pip=BRP + timedelta(days=70))
    await regio.case(a, brp=BRP, pip=BRP + timedelta(days=71))
    await regio.case(a, brp=BRP)  # no PIP, deadline long passed: late
    await regio.case(a, brp=TODAY - timedelta(days=70))  # no PIP, deadline is today: running
    await regio.case(a, brp=BRP, pip=BRP + timedelta(days=10), pip_status="concept")  # late
    await regio.case(a)  # no BRP date: cannot be judged
    await regio.case(regio.gemeente_b, brp=date(2025, 12, 31), pip=date(2026, 1, 2))
    rows, without = await rf.pip_norm(await rf.regio_view(regio.coordinator), TODAY)
    first_half = _row(rows, a, 20261)
    assert (first_half.op_tijd, first_half.te_laat, first_half.lopend) == (1, 3, 1)
    assert first_half.share == 25
    bee = _row(rows, regio.gemeente_b, 20252)
    assert (bee.op_tijd, bee.te_laat, bee.lopend, bee.share) == (1, 0, 0, 100)
    assert without == {a: 1}


async def test_the_first_vastgestelde_pip_counts_not_a_later_version(regio: HandMade) -> None:
    case = await regio.case(regio.gemeente_a, brp=BRP, pip=BRP + timedelta(days=60))
    # A gewijzigde PIP later on does not make the first one late.
    from portal.casefile.tables import Pip
    from tenants.scoped import TenantData

    await TenantData(regio.system).insert(
        Pip, inburgeraar=case, status="vastgesteld", version=2, dagtekening=BRP + timedelta(days=90)
    )
    rows, _ = await rf.pip_norm(await rf.regio_view(regio.coordinator), TODAY)
    assert _row(rows, regio.gemeente_a, 20261).op_tijd == 1


async def test_the_funnel_counts_each_milestone_and_the_median_days_of_each_step(
    regio: HandMade,
) -> None:
    a, k = regio.gemeente_a, date(2026, 1, 1)
    # Housing after 10, 20 and 40 days; intake 5 days after housing (one before it, in the
    # azc); PIP 30 days after intake; first lesson 14 and 28 days after the PIP.
    await regio.case(
        a,
        koppeling=k,
        housing=k + timedelta(days=10),
        intake=at(k + timedelta(days=15)),
        pip=k + timedelta(days=45),
        lesson=k + timedelta(days=59),
        leerroute="B",
    )
    await regio.case(
        a,
        koppeling=k,
        housing=k + timedelta(days=20),
        intake=at(k + timedelta(days=25)),
        pip=k + timedelta(days=55),
        lesson=k + timedelta(days=83),
        leerroute="B",
    )
    await regio.case(
        a, koppeling=k, housing=k + timedelta(days=40), intake=at(k - timedelta(days=2))
    )
    await regio.case(a, koppeling=k)
    await regio.case(regio.gemeente_b, koppeling=k, housing=k + timedelta(days=100))
    rows, regio_row = await rf.funnel(await rf.regio_view(regio.coordinator))
    by_step = {s.step: s for s in next(r for r in rows if r.gemeente.id == a).steps}
    assert [
        by_step[s].reached for s in ("koppeling", "huisvesting", "intake", "pip", "leerroute")
    ] == [
        4,
        3,
        3,
        2,
        2,
    ]
    assert by_step["huisvesting"].median_days == 20
    assert by_step["intake"].median_days == 5  # 5, 5 and -42
    assert by_step["intake"].pairs == 3
    assert by_step["pip"].median_days == 30
    assert by_step["leerroute"].median_days == 21  # 14 and 28
    regio_steps = {s.step: s for s in regio_row.steps}
    # The regio's median over all cases (10, 20, 40, 100), not a median of the medians.
    assert regio_steps["huisvesting"].median_days == 30
    assert regio_steps["koppeling"].reached == 5


async def test_active_inburgeraars_per_leerroute_and_per_school(regio: HandMade) -> None:
    a = regio.gemeente_a
    await regio.case(a, leerroute="B", enrolment="actief")
    await regio.case(a, leerroute="B", enrolment="onderbroken")
    await regio.case(a, leerroute="Z", enrolment="afgerond")
    await regio.case(a, leerroute="O", status="afgerond")
    await regio.case(regio.gemeente_b)
    data = await rf.regio_view(regio.coordinator)
    counts = {a.label: a.count for a in await rf.active_per_leerroute(data)}
    assert counts == {"B1-route": 2, "Onderwijsroute": 0, "Z-route": 1, "Nog geen PIP": 1}
    partners = await rf.active_per_partner(data)
    assert [(p.label, p.count, p.kind) for p in partners] == [("Taalschool T", 2, "Taalaanbieder")]


async def test_taakstelling_against_the_cases_housed_in_the_half_year(regio: HandMade) -> None:
    a = regio.gemeente_a
    await rf.set_taakstelling(regio.coordinator, rf.TaakstellingInput(str(a), "2026-1", "4"))
    # Entering it again changes the one row.
    await rf.set_taakstelling(regio.coordinator, rf.TaakstellingInput(str(a), "2026-1", "3"))
    await regio.case(a, housing=date(2026, 1, 1))
    await regio.case(a, housing=date(2026, 6, 30))
    await regio.case(a, housing=date(2025, 12, 31))
    await regio.case(a, housing=date(2026, 7, 1))
    rows = await rf.taakstelling(await rf.regio_view(regio.coordinator), [20252, 20261])
    found = {(r.gemeente.id, r.half_year): (r.target, r.realisatie) for r in rows}
    assert found[(a, 20261)] == (3, 2)
    assert found[(a, 20252)] == (None, 1)
    assert found[(regio.gemeente_b, 20261)] == (None, 0)
    assert await rf.taakstelling_targets(regio.coordinator) == {(a, 20261): 3}


async def test_taakstelling_refuses_bad_input_with_dutch_messages(regio: HandMade) -> None:
    other = await make_regio("elders")
    with pytest.raises(ValidationFailed) as failed:
        await rf.set_taakstelling(
            regio.coordinator, rf.TaakstellingInput(str(other.gemeente_a), "2026-3", "-1")
        )
    assert set(failed.value.errors) == {"gemeente", "half_year", "target"}
    assert await rf.taakstelling_targets(regio.coordinator) == {}


async def test_the_figures_are_the_coordinators_only_and_each_view_is_audited(
    regio: HandMade,
) -> None:
    from dataclasses import replace

    from portal.core.audit import AuditEntry

    for role in (Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.BEHEERDER, Role.PRIVACY):
        with pytest.raises(NotFound):
            await rf.figures(replace(regio.coordinator, role=role), TODAY)
    before = await AuditEntry.count()
    await rf.figures(regio.coordinator, TODAY)
    assert await AuditEntry.count() == before + 1


async def test_another_regios_gemeente_behind_a_number_is_not_found(regio: HandMade) -> None:
    other = await make_regio("elders")
    await other.case(other.gemeente_a, housing=date(2026, 2, 1))
    query = rf.BreakdownQuery("huisvesting", gemeente=other.gemeente_a, half_year=20261)
    with pytest.raises(NotFound):
        await rf.breakdown(regio.coordinator, query, TODAY)


async def test_behind_a_number_is_the_same_count_split_per_month(regio: HandMade) -> None:
    a = regio.gemeente_a
    await regio.case(a, brp=date(2026, 1, 5))
    await regio.case(a, brp=date(2026, 1, 20))
    await regio.case(a, brp=date(2026, 3, 1), pip=date(2026, 3, 2))
    found = await rf.breakdown(
        regio.coordinator, rf.BreakdownQuery("pip", a, 20261, "te_laat"), TODAY
    )
    assert found.rows == [("januari 2026", 2)] and found.total == 2
    step = await rf.breakdown(regio.coordinator, rf.BreakdownQuery("trechter", step="pip"), TODAY)
    assert step.rows == [("1e helft 2026", 1)]


def test_median_of_a_histogram() -> None:
    assert rf.median_of([]) is None
    assert rf.median_of([(5, 1)]) == 5
    assert rf.median_of([(1, 1), (10, 1)]) == 5.5
    assert rf.median_of([(3, 2), (1, 1), (100, 1)]) == 3
    assert rf.median_of([(-2, 1), (5, 2)]) == 5
