"""Dutch working days: Monday to Friday, except the Dutch public holidays.

The holidays come from the maintained `holidays` library (its Netherlands calendar: Nieuwjaar,
Goede Vrijdag, Pasen, Koningsdag, Bevrijdingsdag in lustrum years, Hemelvaart, Pinksteren,
Kerst), so a new Koningsdag rule or a moved holiday is a library update, not our code. The
holidays of a year are computed once and kept.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from functools import lru_cache

import holidays

# A Monday long before any date the portal counts.
_EPOCH = date(1900, 1, 1)


@lru_cache(maxsize=64)
def _weekday_holidays(year: int) -> tuple[date, ...]:
    """The year's public holidays that fall on a weekday (a Saturday holiday costs nothing),
    sorted, for counting with bisect."""
    return tuple(
        sorted(day for day in holidays.country_holidays("NL", years=year) if day.weekday() < 5)
    )


def is_holiday(day: date) -> bool:
    """Whether `day` is a Dutch public holiday on a weekday."""
    return day in _weekday_holidays(day.year)


def is_workday(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and not is_holiday(day)


def _weekdays_through(day: date) -> int:
    """Monday–Friday days from a fixed Monday up to and including `day`."""
    days = (day - _EPOCH).days + 1
    weeks, rest = divmod(days, 7)
    return weeks * 5 + min(rest, 5)


def _holidays_in(start: date, end: date) -> int:
    """Weekday holidays with start < day <= end."""
    total = 0
    for year in range(start.year, end.year + 1):
        days = _weekday_holidays(year)
        total += bisect_right(days, end) - bisect_right(days, start)
    return total


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`: Friday → next Monday is 1, the
    same day is 0; 0 when `end` is not after `start`. Counted, not walked, so weighing many
    date pairs stays cheap."""
    if end <= start:
        return 0
    return _weekdays_through(end) - _weekdays_through(start) - _holidays_in(start, end)


def add_workdays(day: date, n: int) -> date:
    """The day `n` working days after `day` (before it for a negative `n`); `day` itself
    when `n` is 0, even on a weekend."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def workday_on_or_before(day: date) -> date:
    """`day` when it is a working day, else the last working day before it."""
    while not is_workday(day):
        day -= timedelta(days=1)
    return day
