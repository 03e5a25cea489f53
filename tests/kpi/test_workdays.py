"""Dutch working days: weekends and public holidays (Koningsdag, Kerst) are not counted."""

from __future__ import annotations

from datetime import date

from portal.kpi.workdays import add_workdays, is_workday, workdays_between


def test_koningsdag_and_the_weekend_are_no_working_days() -> None:
    assert not is_workday(date(2026, 4, 27))  # Koningsdag, a Monday
    assert not is_workday(date(2026, 4, 25))  # Saturday
    assert is_workday(date(2026, 4, 28))
    # Friday 24 April to Tuesday 28 April: only the Tuesday.
    assert workdays_between(date(2026, 4, 24), date(2026, 4, 28)) == 1


def test_christmas_days_are_skipped() -> None:
    assert not is_workday(date(2026, 12, 25))
    # Wednesday 23 December → Tuesday 29 December: 24, 28 and 29 December.
    assert workdays_between(date(2026, 12, 23), date(2026, 12, 29)) == 3
    assert add_workdays(date(2026, 12, 24), 1) == date(2026, 12, 28)
    # Across the new year: 31 December, then 1 January is a holiday.
    assert add_workdays(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert workdays_between(date(2026, 12, 30), date(2027, 1, 4)) == 2


def test_same_day_and_backwards_count_nothing() -> None:
    assert workdays_between(date(2026, 5, 6), date(2026, 5, 6)) == 0
    assert workdays_between(date(2026, 5, 6), date(2026, 5, 1)) == 0
    assert add_workdays(date(2026, 5, 9), 0) == date(2026, 5, 9)
    assert add_workdays(date(2026, 4, 28), -1) == date(2026, 4, 24)
