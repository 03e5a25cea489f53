"""Every taal KPI on hand-made data with answers worked out by hand, on both engines."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portal.core.settings import Settings
from portal.kpi.catalogue import Measurement, Record, for_coordinator, kpi, kpis, pseudonym
from portal.kpi.periods import Period, PeriodKind
from tests.kpi.builders import KpiRegio, at, kpi_regio

APRIL = Period.containing(date(2026, 4, 1), PeriodKind.MAAND)
MAY = Period.containing(date(2026, 5, 1), PeriodKind.MAAND)
JUNE = Period.containing(date(2026, 6, 1), PeriodKind.MAAND)
DECEMBER = Period.containing(date(2026, 12, 1), PeriodKind.MAAND)


@pytest.fixture(autouse=True)
def catalogue() -> None:
    from partners.registry import register_all

    register_all(web=False)


@pytest.fixture
async def regio(db: Settings) -> KpiRegio:
    return await kpi_regio()


async def measured(code: str, regio: KpiRegio, period: Period) -> dict[int, Measurement]:
    term = kpi(code)
    assert term is not None, code
    return {m.organisation_id: m for m in await term.measure(regio.scope, period, None)}


async def value(code: str, regio: KpiRegio, period: Period, school: int) -> float | None:
    term = kpi(code)
    assert term is not None
    found = await term.measure(regio.scope, period, frozenset({school}))
    assert [m.organisation_id for m in found] == [school]
    result = found[0].value(term.unit)
    return None if result is None else round(result, 2)


async def records(code: str, regio: KpiRegio, period: Period, school: int) -> list[Record]:
    term = kpi(code)
    assert term is not None
    return await term.records(regio.scope, period, school)


async def test_an_empty_period_has_no_value_for_any_term(regio: KpiRegio) -> None:
    for term in kpis():
        found = await term.measure(regio.scope, APRIL, None)
        assert [m.organisation_id for m in found] == [regio.school, regio.other_school], term.code
        assert all(m.value(term.unit) is None for m in found), term.code
        assert await term.records(regio.scope, APRIL, regio.school) == [], term.code
        assert await term.measure(regio.scope, APRIL, frozenset()) == []


async def test_intake_lead_time_skips_koningsdag_and_christmas(regio: KpiRegio) -> None:
    # Friday 24 April → Tuesday 28 April: Koningsdag and the weekend in between, 1 day.
    one = await regio.learner("Een")
    await regio.enrolment(one, created=at(date(2026, 4, 24)), intake_date=date(2026, 4, 28))
    # Sent at 23:30 on Thursday 23 April (21:30 UTC): the Dutch date counts, 1 day.
    two = await regio.learner("Twee")
    await regio.enrolment(two, created=at(date(2026, 4, 23), 23), intake_date=date(2026, 4, 24))
    # Monday 20 April → Thursday 23 April: 3 days.
    three = await regio.learner("Drie")
    await regio.enrolment(three, created=at(date(2026, 4, 20)), intake_date=date(2026, 4, 23))
    # No intake yet: not counted.
    await regio.enrolment(await regio.learner("Vier"), created=at(date(2026, 4, 20)))
    assert await value("taal.intake_doorlooptijd", regio, APRIL, regio.school) == round(5 / 3, 2)
    assert len(await records("taal.intake_doorlooptijd", regio, APRIL, regio.school)) == 3

    # Sent 00:30 on Tuesday 22 December (winter time: 23:30 UTC the day before) → Tuesday
    # 29 December: 23, 24, 28 and 29 December (Kerst and the weekend skipped), 4 days.
    five = await regio.learner("Vijf")
    sent = datetime(2026, 12, 21, 23, 30, tzinfo=at(date(2026, 1, 1)).tzinfo)
    await regio.enrolment(five, created=sent, intake_date=date(2026, 12, 29))
    assert await value("taal.intake_doorlooptijd", regio, DECEMBER, regio.school) == 4


async def test_start_lead_time_counts_where_the_route_started(regio: KpiRegio) -> None:
    learner = await regio.learner("Start", pip_dagtekening=date(2026, 3, 2))
    enrolment = await regio.enrolment(learner)
    # An older version of a line on an earlier lesson does not start the route.
    early = await regio.lesson(date(2026, 3, 25))
    await regio.line(early, enrolment, current=False)
    for day in (date(2026, 4, 1), date(2026, 4, 8)):
        await regio.line(await regio.lesson(day), enrolment)
    # A learner who started at the other school and switched: counts there only.
    switcher = await regio.learner("Wissel", pip_dagtekening=date(2026, 3, 6))
    first = await regio.enrolment(switcher, regio.other_school)
    await regio.line(await regio.lesson(date(2026, 4, 6), regio.other_school), first)
    second = await regio.enrolment(switcher)
    await regio.line(await regio.lesson(date(2026, 4, 20)), second)
    # No PIP: not counted.
    await regio.line(
        await regio.lesson(date(2026, 4, 2)), await regio.enrolment(await regio.learner("Geen"))
    )

    assert await value("taal.start_na_pip", regio, APRIL, regio.school) == 30
    assert await value("taal.start_na_pip", regio, APRIL, regio.other_school) == 31
    [record] = await records("taal.start_na_pip", regio, APRIL, regio.school)
    assert record.case_id == learner and "30 dagen" in record.detail


async def test_attendance_rate_uses_current_lines_per_school(regio: KpiRegio) -> None:
    lesson = await regio.lesson(date(2026, 5, 4))
    present = await regio.enrolment(await regio.learner("Aanwezig"))
    late = await regio.enrolment(await regio.learner("Laat"))
    absent_learner = await regio.learner("Afwezig")
    absent = await regio.enrolment(absent_learner)
    await regio.line(lesson, present)
    await regio.line(lesson, late, "te_laat", attended=150)
    # First recorded present, corrected to absent: only the current version counts.
    await regio.line(lesson, absent, current=False)
    await regio.line(lesson, absent, "ongeoorloofd", version=2)
    # The absent learner moves to the other school mid-May and attends there.
    moved = await regio.enrolment(absent_learner, regio.other_school)
    await regio.line(await regio.lesson(date(2026, 5, 18), regio.other_school), moved)
    # A line in June does not count in May.
    await regio.line(await regio.lesson(date(2026, 6, 1)), present, "ongeoorloofd")

    assert await value("taal.aanwezigheid", regio, MAY, regio.school) == round(330 / 540 * 100, 2)
    assert await value("taal.aanwezigheid", regio, MAY, regio.other_school) == 100
    found = await records("taal.aanwezigheid", regio, MAY, regio.school)
    assert sorted(r.detail for r in found) == [
        "0 van 3 uur aanwezig",
        "2,5 van 3 uur aanwezig",
        "3 van 3 uur aanwezig",
    ]


async def test_verzuim_signal_timeliness_in_working_days(regio: KpiRegio) -> None:
    enrolment = await regio.enrolment(await regio.learner("Verzuim"))
    # Last lesson Friday 24 April, signal Tuesday 28 April: 1 working day (Koningsdag).
    await regio.signal(enrolment, date(2026, 4, 24), at(date(2026, 4, 28)))
    # Last lesson Wednesday 8 April, signal Monday 13 April: 3 working days, late.
    await regio.signal(enrolment, date(2026, 4, 8), at(date(2026, 4, 13)))
    # The facts ended in March: another period.
    await regio.signal(enrolment, date(2026, 3, 31), at(date(2026, 4, 1)))
    assert await value("taal.verzuimsignaal_tijdig", regio, APRIL, regio.school) == 50
    found = await records("taal.verzuimsignaal_tijdig", regio, APRIL, regio.school)
    assert sorted(r.met for r in found) == [False, True]


async def test_register_completeness_leaves_cancelled_lessons_out(regio: KpiRegio) -> None:
    for day, register in (
        (1, "ondertekend"),
        (2, "ondertekend"),
        (8, "ondertekend"),
        (9, "geimporteerd"),
    ):
        await regio.lesson(date(2026, 6, day), register=register)
    await regio.lesson(date(2026, 6, 3), register="opgeslagen")
    await regio.lesson(date(2026, 6, 4), register="leeg")
    await regio.lesson(date(2026, 6, 5), status="geannuleerd", register="leeg")
    assert await value("taal.presentielijst_getekend", regio, JUNE, regio.school) == round(
        4 / 6 * 100, 2
    )
    found = await records("taal.presentielijst_getekend", regio, JUNE, regio.school)
    cancelled = [r for r in found if not r.counts]
    assert len(found) == 7 and [r.note for r in cancelled] == ["Les geannuleerd"]
    assert sum(1 for r in found if r.counts and not r.met) == 2


async def test_learner_confirmed_share_of_present_lines(regio: KpiRegio) -> None:
    enrolment = await regio.enrolment(await regio.learner("Code"))
    days = [date(2026, 6, d) for d in (1, 2, 3, 4, 8, 9, 10)]
    lessons = [await regio.lesson(day) for day in days]
    await regio.line(lessons[0], enrolment, confirmed=True)
    await regio.line(lessons[1], enrolment, "te_laat", attended=120, confirmed=True)
    await regio.line(lessons[2], enrolment)
    await regio.line(lessons[3], enrolment)
    await regio.line(lessons[4], enrolment, "geoorloofd")
    await regio.line(lessons[5], enrolment, source="import")
    await regio.line(lessons[6], enrolment, confirmed=True, current=False)
    await regio.line(lessons[6], enrolment, "ongeoorloofd", version=2)
    assert await value("taal.bevestigd_door_cursist", regio, JUNE, regio.school) == 50
    [record] = await records("taal.bevestigd_door_cursist", regio, JUNE, regio.school)
    assert record.detail == "2 van 4 lessen aanwezig zelf bevestigd" and record.met is False


async def test_hours_offered_against_contracted_per_week(regio: KpiRegio) -> None:
    enrolment = await regio.enrolment(await regio.learner("Uren"), minutes_per_week=600)
    # Weeks whose Monday is in June: 1, 8, 15, 22 and 29 June (to 5 July). Lessons in three
    # of them: 360 + 180 + 180 minutes offered against 3 × 600.
    for day in (date(2026, 6, 1), date(2026, 6, 3), date(2026, 6, 8), date(2026, 7, 2)):
        await regio.line(await regio.lesson(day), enrolment, "ongeoorloofd")
    # The week of 25 May belongs to May, though its Friday is 29 May.
    await regio.line(await regio.lesson(date(2026, 5, 29)), enrolment)
    # No contracted hours: not counted.
    other = await regio.enrolment(await regio.learner("Zonder"), minutes_per_week=None)
    await regio.line(await regio.lesson(date(2026, 6, 2)), other)
    assert await value("taal.uren_aangeboden", regio, JUNE, regio.school) == 40
    found = await records("taal.uren_aangeboden", regio, JUNE, regio.school)
    assert sorted((r.counts, r.detail) for r in found) == [
        (False, "3 uur aangeboden"),
        (True, "12 uur aangeboden in 3 weken; afgesproken 10 uur per week"),
    ]


async def test_group_size_is_learners_per_lesson_given(regio: KpiRegio) -> None:
    learners = [await regio.enrolment(await regio.learner(f"G{i}")) for i in range(3)]
    full = await regio.lesson(date(2026, 6, 1))
    for enrolment in learners:
        await regio.line(full, enrolment)
    small = await regio.lesson(date(2026, 6, 2))
    await regio.line(small, learners[0], current=False)
    await regio.line(small, learners[0], "geoorloofd", version=2)
    await regio.lesson(date(2026, 6, 3), status="geannuleerd", register="leeg")
    await regio.lesson(date(2026, 6, 4), register="leeg")
    assert await value("taal.groepsgrootte", regio, JUNE, regio.school) == 2
    found = await records("taal.groepsgrootte", regio, JUNE, regio.school)
    assert [r.detail for r in found] == [
        "3 cursisten op de presentielijst",
        "1 cursist op de presentielijst",
    ]


async def test_voortgangsrapportage_on_time_against_the_due_date(regio: KpiRegio) -> None:
    learner = await regio.learner("Voortgang")
    await regio.task(learner, "taal.voortgang", due=date(2026, 4, 15), closed=at(date(2026, 4, 14)))
    await regio.task(
        learner, "taal.voortgang.vervolg", due=date(2026, 5, 15), closed=at(date(2026, 5, 20))
    )
    await regio.task(learner, "taal.voortgang.vervolg", due=date(2026, 6, 10))
    await regio.task(learner, "taal.voortgang", due=date(2026, 6, 1), status="vervallen")
    await regio.task(learner, "taal.voortgang", due=date(2026, 6, 1), school=regio.other_school)
    quarter = Period.containing(date(2026, 4, 1), PeriodKind.KWARTAAL)
    assert await value("taal.voortgang_tijdig", regio, quarter, regio.school) == round(100 / 3, 2)
    assert await value("taal.voortgang_tijdig", regio, quarter, regio.other_school) == 0
    found = await records("taal.voortgang_tijdig", regio, quarter, regio.school)
    assert [r.met for r in found] == [True, False, False]


async def test_eindrapportage_within_working_days_over_christmas(regio: KpiRegio) -> None:
    learner = await regio.learner("Eind")
    ended = at(date(2026, 12, 18))
    # Ten working days after Friday 18 December, Kerst and Nieuwjaar skipped: 5 January.
    await regio.task(learner, "taal.eind", created=ended, closed=at(date(2027, 1, 5)))
    await regio.task(learner, "taal.eind", created=ended, closed=at(date(2027, 1, 6)))
    assert await value("taal.eind_tijdig", regio, DECEMBER, regio.school) == 50


async def test_an_open_eindrapportage_counts_only_once_late(regio: KpiRegio) -> None:
    from portal.core.clock import today

    learner = await regio.learner("Open")
    now = Period.containing(today(), PeriodKind.MAAND)
    await regio.task(learner, "taal.eind", created=at(today()))
    assert await value("taal.eind_tijdig", regio, now, regio.school) is None
    [record] = await records("taal.eind_tijdig", regio, now, regio.school)
    assert not record.counts and record.note == "Nog niet te laat"
    await regio.task(learner, "taal.eind", created=at(date(2026, 4, 1)))
    assert await value("taal.eind_tijdig", regio, APRIL, regio.school) == 0


async def test_exam_pass_rate_counts_the_first_attempt_only(regio: KpiRegio) -> None:
    half = Period.containing(date(2026, 1, 1), PeriodKind.HALFJAAR)
    passed = await regio.enrolment(await regio.learner("Gehaald"))
    await regio.report(passed, date(2026, 3, 31), lezen="gehaald")
    retook_learner = await regio.learner("Herkansing")
    retook = await regio.enrolment(retook_learner)
    await regio.report(retook, date(2026, 3, 31), lezen="niet_gehaald", knm="gehaald")
    # The retake, at another school after a switch, is no first attempt anywhere.
    moved = await regio.enrolment(retook_learner, regio.other_school)
    await regio.report(moved, date(2026, 6, 30), lezen="gehaald")
    await regio.report(await regio.enrolment(await regio.learner("Niet")), date(2026, 6, 30))
    assert await value("taal.examen_lezen", regio, half, regio.school) == 50
    assert await value("taal.examen_knm", regio, half, regio.school) == 100
    assert await value("taal.examen_lezen", regio, half, regio.other_school) is None
    assert await value("taal.examen_spreken", regio, half, regio.school) is None


async def test_advice_before_one_and_a_half_years(regio: KpiRegio) -> None:
    quarter = Period.containing(date(2026, 7, 1), PeriodKind.KWARTAAL)
    # Dagtekening 10 January 2025: the termijn starts 11 January, 1.5 years is 11 July 2026.
    early = await regio.enrolment(await regio.learner("Op tijd", date(2025, 1, 10)))
    await regio.report(early, date(2026, 7, 1), filed=at(date(2026, 7, 10)), advice="afschalen")
    # The same advice again later is not a new advice.
    await regio.report(early, date(2026, 8, 1), filed=at(date(2026, 8, 1)), advice="afschalen")
    late = await regio.enrolment(await regio.learner("Te laat", date(2024, 12, 1)))
    await regio.report(late, date(2026, 7, 1), filed=at(date(2026, 7, 1)), advice="schakelen")
    await regio.report(late, date(2026, 7, 1), filed=at(date(2026, 7, 2)))
    assert await value("taal.advies_tijdig", regio, quarter, regio.school) == 50
    found = await records("taal.advies_tijdig", regio, quarter, regio.school)
    assert sorted(r.met for r in found) == [False, True]


async def test_the_coordinator_sees_a_stable_pseudonym_and_no_name(regio: KpiRegio) -> None:
    lesson = await regio.lesson(date(2026, 5, 4))
    learner = await regio.learner("Geheim")
    await regio.line(lesson, await regio.enrolment(learner))
    [record] = await records("taal.aanwezigheid", regio, MAY, regio.school)
    assert record.name == "Cursist Geheim"
    [shown] = for_coordinator([record], regio.scope.tenant_id, "data-key")
    assert shown.name == "" and shown.pseudonym == pseudonym(
        regio.scope.tenant_id, learner, "data-key"
    )
    assert shown.pseudonym != pseudonym(regio.scope.tenant_id + 1, learner, "data-key")
    assert shown.pseudonym != pseudonym(regio.scope.tenant_id, learner, "other-key")
    assert "Geheim" not in repr(shown)
