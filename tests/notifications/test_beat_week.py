"""Beat over one full week with a frozen clock: Thursday 25 March to Thursday 1 April 2027, a
week with Goede Vrijdag (26 March), the change to summer time (Sunday 28 March, 02:00 →
03:00) and Tweede Paasdag (29 March).

The clock is the schedules' own `nowfun`, moved in real (UTC) time the way beat moves: it
asks the entry `is_due(last_run_at)`, records a run when due, and sleeps for the time the
entry says is left (at most beat's maximum loop interval). Every slot of every
entry fires exactly once in Dutch time, the short night included; and the reminder runs
of that week, fed to the real reminder job on a hand-made regio, count the holidays and the
weekend as non-working days (portal/kpi/workdays.py).
"""

from __future__ import annotations

from collections import Counter
from copy import copy
from datetime import UTC, date, datetime, time, timedelta

import pytest
from celery.schedules import crontab

from partners.registry import register_all
from partners.taal.tables import Lesson
from portal.core.clock import AMSTERDAM
from portal.core.settings import Settings
from portal.kpi.workdays import is_workday
from portal.notifications import runner
from portal.notifications.tables import Notification
from tasks.celery_app import app as celery_app
from tasks.schedule import BEAT_SCHEDULE
from tenants.roles import Role
from tenants.scoped import TenantData
from tests.convenants.builders import person
from tests.kpi.builders import kpi_regio

register_all(web=False)

WEEK_START = datetime(2027, 3, 25, tzinfo=AMSTERDAM)
WEEK_END = datetime(2027, 4, 1, tzinfo=AMSTERDAM)
DAYS = [date(2027, 3, 25) + timedelta(days=n) for n in range(7)]
GOEDE_VRIJDAG = date(2027, 3, 26)
DST_SUNDAY = date(2027, 3, 28)
TWEEDE_PAASDAG = date(2027, 3, 29)
# beat_max_loop_interval's default: beat never sleeps longer.
MAX_SLEEP = 300.0


def fire_times(name: str) -> list[datetime]:
    """When beat runs the entry during the week, in Dutch time."""
    moment = [WEEK_START.astimezone(UTC)]
    schedule = copy(BEAT_SCHEDULE[name]["schedule"])
    assert isinstance(schedule, crontab)
    schedule.app = celery_app
    schedule.nowfun = lambda: moment[0].astimezone(AMSTERDAM)
    # Beat last ran a minute before the week began, so the week's first slot is due.
    last_run = (moment[0] - timedelta(minutes=1)).astimezone(AMSTERDAM)
    fired = []
    end = WEEK_END.astimezone(UTC)
    while moment[0] < end:
        due, wait = schedule.is_due(last_run)
        if due:
            last_run = moment[0].astimezone(AMSTERDAM)
            fired.append(last_run)
        # Beat sleeps until the entry says it is next due, at most its 5-minute maximum.
        moment[0] += timedelta(seconds=max(1.0, min(wait, MAX_SLEEP)))
    return fired


@pytest.fixture(scope="module")
def week() -> dict[str, list[datetime]]:
    return {name: fire_times(name) for name in BEAT_SCHEDULE}


def _slots(times: list[datetime]) -> Counter[tuple[date, int, int]]:
    return Counter((t.date(), t.hour, t.minute) for t in times)


def test_the_week_really_has_a_dst_change_and_two_holidays() -> None:
    before = datetime.combine(DST_SUNDAY, time(1, 59), tzinfo=AMSTERDAM)
    after = datetime.combine(DST_SUNDAY, time(3, 0), tzinfo=AMSTERDAM)
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(minutes=1)
    assert not is_workday(GOEDE_VRIJDAG) and not is_workday(TWEEDE_PAASDAG)


def test_reminders_run_at_seven_and_one_every_day_once_across_the_dst_change(week) -> None:
    slots = _slots(week["reminders"])
    assert max(slots.values()) == 1
    assert sorted(slots) == [(day, hour, 0) for day in DAYS for hour in (7, 13)]
    # Summer time: seven o'clock Dutch time is an hour earlier in UTC from Sunday on.
    utc_hours = {t.date(): t.astimezone(UTC).hour for t in week["reminders"] if t.hour == 7}
    assert utc_hours[date(2027, 3, 27)] == 6 and utc_hours[DST_SUNDAY] == 5


def test_every_daily_job_runs_once_a_day_also_on_the_short_night(week) -> None:
    assert sorted(_slots(week["purge-expired-sessions"])) == [(day, 3, 30) for day in DAYS]
    assert sorted(_slots(week["close-convenant-periods"])) == [(day, 0, 15) for day in DAYS]


def test_the_outbox_is_delivered_every_five_minutes_of_dutch_time_never_twice(week) -> None:
    slots = _slots(week["deliver-outbox"])
    assert max(slots.values()) == 1
    # 24 hours of 12 slots a day, less the hour that does not exist on Sunday night.
    assert len(slots) == 7 * 24 * 12 - 12
    assert not [s for s in slots if s[0] == DST_SUNDAY and s[1] == 2]


async def test_the_weeks_reminder_runs_count_holidays_and_the_weekend_as_no_working_days(
    db: Settings, week
) -> None:
    regio = await kpi_regio()
    docent = await person(regio, "docent@noord.test", regio.school, Role.TAALAANBIEDER)
    # Wednesday and Thursday before Easter, registers left unsigned. Two working days after
    # them are Tuesday 30 and Wednesday 31 March: Goede Vrijdag, the weekend and Tweede
    # Paasdag do not count.
    wednesday = await regio.lesson(date(2027, 3, 24), register="leeg")
    thursday = await regio.lesson(date(2027, 3, 25), register="leeg")
    for lesson in (wednesday, thursday):
        await regio.data.update(Lesson, lesson, docent=docent)

    first_reminded: dict[int, date] = {}
    for run in week["reminders"]:
        await runner.run_reminders(regio.scope, run.date())
        rows = await (
            TenantData(regio.scope)
            .select(Notification, Notification.link_id)
            .where(Notification.kind == "register_unsigned")
        )
        for row in rows:
            first_reminded.setdefault(row["link_id"], run.date())

    assert first_reminded == {wednesday: date(2027, 3, 30), thursday: date(2027, 3, 31)}
    # Fourteen runs, one reminder per register: nothing twice.
    total = await TenantData(regio.scope).count(Notification)
    assert total == 2
