"""Benchmark data for the taal package: a large regio's attendance, bulk-inserted on the demo.

`attendance_regio` seeds the demo (the suite's `demo` fixture), then adds, in ONE
transaction with executemany on the engine's own connection (tests/bench/conftest.py `Raw`):
- learners (inburgeraars of Gemeente Alkmaar) with an active enrolment at one of the three
  Alkmaar taalaanbieders, 16 to a group;
- a year of lessons per group, three a week, with a register on every past lesson;
- one attendance line per learner per past lesson: in all `PORTAL_BENCH_ATTENDANCE_ROWS`
  rows (default 300,000, so `make bench` stays short; the issue's large regio is
  1,500,000: `PORTAL_BENCH_ATTENDANCE_ROWS=1500000 make bench`);
- one more group "Bench 16" of Dirk Docent (the demo docent) with 16 learners and 40 past
  lessons without a register, for timing register saves on fresh lessons.
PostgreSQL gets `VACUUM ANALYZE` afterwards, as a real database would have statistics.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from partners.taal.tables import Attendance, Enrolment, Group, Lesson
from portal.casefile.tables import Inburgeraar, PipTask
from portal.core import clock, database
from portal.core.database import write_transaction
from portal.core.settings import Settings
from tests.bench.conftest import Raw

ROWS = int(os.environ.get("PORTAL_BENCH_ATTENDANCE_ROWS", "300000"))
GROUP_SIZE = 16
LESSONS_PER_WEEK = 3
SEED = 20261123
SCHOOLS = ("Taalhuis Kennemerland", "ROC Noordkust", "Leerwerkplaats De Brug")
BENCH_GROUP = "Bench 16"
BENCH_LESSONS = 40
STATUSES = (("aanwezig", 82), ("te_laat", 8), ("geoorloofd", 5), ("ongeoorloofd", 5))


@dataclass
class AttendanceRegio:
    settings: Settings
    engine_name: str
    rows: int
    learners: int
    lessons: int
    seconds: float
    docent_id: int
    bench_group: int
    # An enrolment with a full year of lines, for the history benchmark.
    sample_enrolment: int


def _lesson_days(today: date, weeks: int) -> list[date]:
    """Mondays, Wednesdays and Thursdays of the last `weeks` weeks, oldest first."""
    start = today - timedelta(weeks=weeks)
    days = []
    day = start
    while day < today:
        if day.weekday() in (0, 2, 3):
            days.append(day)
        day += timedelta(days=1)
    return days


async def seed_attendance(today: date, schools: Sequence[str] = SCHOOLS) -> dict[str, int]:
    """Bulk-insert the learners, groups, lessons and attendance lines; the groups go round
    `schools` (names of taalaanbieders of regio Alkmaar), the bench group to the first."""
    engine = database.current_engine()
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    lessons_per_group = 150
    weeks = lessons_per_group // LESSONS_PER_WEEK
    days = _lesson_days(today, weeks)
    groups_needed = max(1, ROWS // (GROUP_SIZE * len(days)))
    learners = groups_needed * GROUP_SIZE
    async with write_transaction():
        raw = Raw(engine)
        tenant = (await raw.fetch("SELECT id FROM regio WHERE slug = ?", "alkmaar"))[0]["id"]
        orgs = {
            r["name"]: r["id"]
            for r in await raw.fetch("SELECT id, name FROM organisation WHERE tenant = ?", tenant)
        }
        docent = (
            await raw.fetch("SELECT id FROM person WHERE email = ?", "docent@taal.alkmaar.demo")
        )[0]["id"]
        gemeente = orgs["Gemeente Alkmaar"]

        async def max_id(table: str) -> int:
            # Fixed table names from this module, never data.
            sql = f"SELECT COALESCE(MAX(id), 0) AS id FROM {table}"  # noqa: S608
            return (await raw.fetch(sql))[0]["id"]

        first_case = await max_id("inburgeraar") + 1
        await raw.insert_many(
            Inburgeraar,
            (
                "tenant",
                "gemeente",
                "bsn_cipher",
                "bsn_index",
                "bsn_last3",
                "given_names",
                "family_name",
                "birth_date",
                "doelgroep",
                "nareiziger",
                "languages",
                "interpreter_needed",
                "leerroute",
                "status",
                "created_at",
            ),
            [
                (
                    tenant,
                    gemeente,
                    "bench",
                    f"bench-attendance-{i}",
                    "000",
                    "Cursist",
                    f"Bench {i}",
                    date(1990, 1, 1),
                    "asielstatushouder",
                    False,
                    "",
                    False,
                    "B",
                    "pip",
                    now,
                )
                for i in range(learners + GROUP_SIZE)
            ],
        )
        first_group = await max_id("taal_group") + 1
        group_rows = [
            (
                tenant,
                orgs[schools[g % len(schools)]],
                f"Groep {g}",
                None,
                "Alkmaar",
                GROUP_SIZE,
                days[0],
                today + timedelta(days=180),
                True,
                now,
            )
            for g in range(groups_needed)
        ]
        group_rows.append(
            (
                tenant,
                orgs[schools[0]],
                BENCH_GROUP,
                docent,
                "Alkmaar",
                GROUP_SIZE,
                today - timedelta(days=BENCH_LESSONS + 1),
                today + timedelta(days=180),
                True,
                now,
            )
        )
        group_columns = (
            "tenant",
            "organisation",
            "name",
            "docent",
            "location",
            "capacity",
            "start_date",
            "end_date",
            "active",
            "created_at",
        )
        await raw.insert_many(Group, group_columns, group_rows)
        bench_group = first_group + groups_needed
        first_enrolment = await max_id("taal_enrolment") + 1
        enrolment_rows = []
        for i in range(learners + GROUP_SIZE):
            g = i // GROUP_SIZE
            school = group_rows[g][1]
            enrolment_rows.append(
                (
                    tenant,
                    first_case + i,
                    school,
                    first_group + g,
                    "B",
                    12 * 60,
                    days[0],
                    "actief",
                    now,
                    now,
                )
            )
        await raw.insert_many(
            Enrolment,
            (
                "tenant",
                "inburgeraar",
                "organisation",
                "groep",
                "leerroute",
                "minutes_per_week",
                "start_date",
                "status",
                "created_at",
                "updated_at",
            ),
            enrolment_rows,
        )
        # A school sees a learner through the PIP task it was given (the case file's rule).
        await raw.insert_many(
            PipTask,
            (
                "tenant",
                "inburgeraar",
                "gemeente",
                "assigned_organisation",
                "kind",
                "title",
                "status",
                "blocked_reason",
                "progress",
                "created_at",
                "updated_at",
            ),
            [
                (
                    tenant,
                    row[1],
                    gemeente,
                    row[2],
                    "taal.intake",
                    "Intake en plaatsingstoets",
                    "afgerond",
                    "",
                    100,
                    now,
                    now,
                )
                for row in enrolment_rows
            ],
        )
        lesson_columns = (
            "tenant",
            "organisation",
            "groep",
            "docent",
            "lesson_date",
            "starts",
            "ends",
            "minutes",
            "status",
            "cancel_reason",
            "register_status",
        )
        first_lesson = await max_id("taal_lesson") + 1
        lesson_rows = [
            (
                tenant,
                group_rows[g][1],
                first_group + g,
                None,
                day,
                "09:00",
                "12:00",
                180,
                "gepland",
                "",
                "ondertekend",
            )
            for g in range(groups_needed)
            for day in days
        ]
        await raw.insert_many(Lesson, lesson_columns, lesson_rows)
        # The bench group: 40 past lessons without a register, and today's.
        bench_days = [today - timedelta(days=k) for k in range(BENCH_LESSONS, -1, -1)]
        await raw.insert_many(
            Lesson,
            lesson_columns,
            [
                (
                    tenant,
                    orgs[schools[0]],
                    bench_group,
                    docent,
                    day,
                    "13:00",
                    "16:00",
                    180,
                    "gepland",
                    "",
                    "leeg",
                )
                for day in bench_days
            ],
        )
        values = [v for v, _ in STATUSES]
        weights = [w for _, w in STATUSES]
        attendance = []
        for g in range(groups_needed):
            for d, day in enumerate(days):
                lesson = first_lesson + g * len(days) + d
                statuses = rng.choices(values, weights=weights, k=GROUP_SIZE)
                for k, status in enumerate(statuses):
                    i = g * GROUP_SIZE + k
                    late = 10 if status == "te_laat" else 0
                    attended = {"aanwezig": 180, "te_laat": 170}.get(status, 0)
                    attendance.append(
                        (
                            tenant,
                            group_rows[g][1],
                            lesson,
                            first_enrolment + i,
                            first_case + i,
                            day,
                            status,
                            late,
                            180,
                            attended,
                            "Ziek" if status == "geoorloofd" else "",
                            1,
                            True,
                            "",
                            "import",
                            now,
                        )
                    )
        await raw.insert_many(
            Attendance,
            (
                "tenant",
                "organisation",
                "lesson",
                "enrolment",
                "inburgeraar",
                "lesson_date",
                "status",
                "minutes_late",
                "minutes_offered",
                "minutes_attended",
                "reason",
                "version",
                "current",
                "correction_reason",
                "source",
                "recorded_at",
            ),
            attendance,
        )
    if engine.engine_type == "postgres":
        await engine.run_ddl("VACUUM ANALYZE")
    return {
        "rows": len(attendance),
        "learners": learners,
        "lessons": len(lesson_rows),
        "docent": docent,
        "bench_group": bench_group,
        "sample_enrolment": first_enrolment,
    }


@pytest.fixture
async def attendance_regio(demo: Settings, engine_name: str) -> AttendanceRegio:
    started = time.perf_counter()
    info = await seed_attendance(clock.today())
    return AttendanceRegio(
        settings=demo,
        engine_name=engine_name,
        rows=info["rows"],
        learners=info["learners"],
        lessons=info["lessons"],
        seconds=time.perf_counter() - started,
        docent_id=info["docent"],
        bench_group=info["bench_group"],
        sample_enrolment=info["sample_enrolment"],
    )
