"""Benchmark data for the coordinator's monitor: a large regio with a convenant in force.

`monitor_regio` seeds the demo (the suite's `demo` fixture), then builds regio Alkmaar up to
the issue's large regio:
- 40 taalaanbieders and 8 gemeenten (the demo's, plus "Taalschool Bench nn" and "Gemeente
  Bench n" organisations), each with a signer (a person with the organisation's signing role);
- a year of attendance over the 40 schools (tests/bench/attendance_data.py):
  `PORTAL_BENCH_ATTENDANCE_ROWS` lines, default 300,000 so `make bench` stays short; the
  issue's large regio has 1,500,000 (`PORTAL_BENCH_ATTENDANCE_ROWS=1500000 make bench`);
- PIP tasks scaled likewise: one per five attendance lines (300,000 at the issue's size),
  spread over the schools and the gemeenten;
- an active convenant "Convenant taal (bench)" of the regio office with the demo's taal terms
  (attendance and signed registers per month, intake lead time per quarter, NT2-qualified
  teachers declared per quarter) and all 40 schools and 8 gemeenten as parties: drafted and
  sent by the coordinator, accepted by every party's signer, all through the real services;
- the closed periods snapshotted by the real `snapshots.close_periods` job, run as of
  `as_of` (timed) and as of today, as the daily job would have.

The monitor is measured "as of" the last day of the previous month (`MonitorRegio.as_of`):
the convenant's twelve monthly periods end with that month, so the open period is a whole
month of lines, the worst case (on the 2nd of a month the open period is almost empty).
PostgreSQL gets `VACUUM ANALYZE` at the end, as a live database has statistics.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from partners.convenants import drafting, signing, snapshots
from partners.convenants.demo import COORDINATOR, TERMS, _term
from partners.registry import register_all
from portal.casefile.tables import PipTask
from portal.core import clock, database
from portal.core.database import write_transaction
from portal.core.settings import Settings
from portal.demo_cases import demo_scope
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.tables import Membership, Organisation, Person
from tests.bench.attendance_data import ROWS, SCHOOLS, seed_attendance
from tests.bench.conftest import Raw

SCHOOL_COUNT = 40
GEMEENTE_COUNT = 8
# The large regio has 300,000 tasks beside 1,500,000 attendance lines.
TASKS = ROWS // 5
TITLE = "Convenant taal (bench)"
SEED = 20261202
TASK_STATUSES = ("open", "in_behandeling", "afgerond", "geblokkeerd", "vervallen")


@dataclass
class MonitorRegio:
    settings: Settings
    engine_name: str
    tenant_id: int
    rows: int
    tasks: int
    schools: int
    gemeenten: int
    convenant_id: int
    # The monitor's day: the last day of the previous month (see the module docstring).
    as_of: date
    stored_values: int
    seconds: float
    snapshot_seconds: float


def last_day_of_previous_month(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


async def _add_organisations(raw: Raw, tenant: int, kind: str, prefix: str, up_to: int) -> None:
    existing = await raw.fetch(
        "SELECT COUNT(*) AS n FROM organisation WHERE tenant = ? AND kind = ?", tenant, kind
    )
    missing = up_to - existing[0]["n"]
    now = datetime.now(UTC)
    await raw.insert_many(
        Organisation,
        ("tenant", "name", "kind", "active", "created_at"),
        [(tenant, f"{prefix} {n:02d}", kind, True, now) for n in range(1, missing + 1)],
    )


async def _add_signers(raw: Raw, tenant: int) -> None:
    """A person with the signing role at every gemeente and school (the bench's own)."""
    organisations = await raw.fetch(
        "SELECT id, kind FROM organisation WHERE tenant = ? AND kind IN (?, ?) ORDER BY id",
        tenant,
        OrganisationKind.GEMEENTE.value,
        OrganisationKind.TAALAANBIEDER.value,
    )
    now = datetime.now(UTC)
    await raw.insert_many(
        Person,
        ("email", "full_name", "is_superadmin", "is_demo", "active", "session_epoch", "created_at"),
        [
            (
                f"signer-{org['id']}@bench.demo",
                f"Ondertekenaar {org['id']}",
                False,
                True,
                True,
                0,
                now,
            )
            for org in organisations
        ],
    )
    people = {
        row["email"]: row["id"]
        for row in await raw.fetch(
            "SELECT id, email FROM person WHERE email LIKE ?", "%@bench.demo"
        )
    }
    await raw.insert_many(
        Membership,
        ("tenant", "person", "organisation", "role", "active", "created_at"),
        [
            (
                tenant,
                people[f"signer-{org['id']}@bench.demo"],
                org["id"],
                drafting.SIGNING_ROLES[OrganisationKind(org["kind"])].value,
                True,
                now,
            )
            for org in organisations
        ],
    )


async def _seed_organisations() -> tuple[int, list[str]]:
    """The schools and gemeenten up to the large regio's count; the school names, the
    demo's three first (the attendance generator puts its bench group at the first)."""
    engine = database.current_engine()
    async with write_transaction():
        raw = Raw(engine)
        tenant = (await raw.fetch("SELECT id FROM regio WHERE slug = ?", "alkmaar"))[0]["id"]
        school, gemeente = OrganisationKind.TAALAANBIEDER.value, OrganisationKind.GEMEENTE.value
        await _add_organisations(raw, tenant, school, "Taalschool Bench", SCHOOL_COUNT)
        await _add_organisations(raw, tenant, gemeente, "Gemeente Bench", GEMEENTE_COUNT)
        await _add_signers(raw, tenant)
        names = [
            row["name"]
            for row in await raw.fetch(
                "SELECT name FROM organisation WHERE tenant = ? AND kind = ? ORDER BY id",
                tenant,
                school,
            )
        ]
    return tenant, [*SCHOOLS, *(name for name in names if name not in SCHOOLS)]


async def _seed_tasks(tenant: int, today: date) -> int:
    """PIP tasks over the regio's cases, given to the schools and the gemeenten."""
    engine = database.current_engine()
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    async with write_transaction():
        raw = Raw(engine)
        cases = await raw.fetch(
            "SELECT id, gemeente FROM inburgeraar WHERE tenant = ? ORDER BY id", tenant
        )
        assignees = [
            row["id"]
            for row in await raw.fetch(
                "SELECT id FROM organisation WHERE tenant = ? AND kind IN (?, ?) ORDER BY id",
                tenant,
                OrganisationKind.GEMEENTE.value,
                OrganisationKind.TAALAANBIEDER.value,
            )
        ]
        rows = []
        for i in range(TASKS):
            case = cases[i % len(cases)]
            status = rng.choice(TASK_STATUSES)
            rows.append(
                (
                    tenant,
                    case["id"],
                    case["gemeente"],
                    assignees[i % len(assignees)],
                    "taal.traject",
                    "Taaltraject volgen",
                    today + timedelta(days=rng.randrange(-200, 400)),
                    status,
                    "Wacht op kinderopvang" if status == "geblokkeerd" else "",
                    100 if status == "afgerond" else rng.choice((0, 25, 50)),
                    now,
                    now,
                )
            )
        await raw.insert_many(
            PipTask,
            (
                "tenant",
                "inburgeraar",
                "gemeente",
                "assigned_organisation",
                "kind",
                "title",
                "due_date",
                "status",
                "blocked_reason",
                "progress",
                "created_at",
                "updated_at",
            ),
            rows,
        )
    return len(rows)


async def _seed_convenant(as_of: date) -> tuple[int, int]:
    """The convenant, drafted, sent and accepted through the services; (id, parties)."""
    coordinator = await demo_scope(COORDINATOR, Role.REGIOCOORDINATOR)
    options = await drafting.party_options(coordinator)
    parties = [
        row
        for row in options
        if row["kind"] in (OrganisationKind.TAALAANBIEDER.value, OrganisationKind.GEMEENTE.value)
    ]
    start = (as_of.replace(day=1) - timedelta(days=330)).replace(day=1)
    form = drafting.ConvenantInput(
        title=TITLE,
        period_start=start.isoformat(),
        period_end=date(as_of.year + 1, as_of.month, 1).isoformat(),
        parties=tuple(str(row["id"]) for row in parties),
        terms=(),
    )
    convenant_id = await drafting.create(coordinator, form, terms=[_term(*term) for term in TERMS])
    await drafting.send(coordinator, convenant_id)
    signers = await _signer_scopes(coordinator, [row["id"] for row in parties])
    for scope in signers:
        await signing.accept(scope, convenant_id)
    return convenant_id, len(parties)


async def _signer_scopes(coordinator: Scope, organisation_ids: list[int]) -> list[Scope]:
    engine = database.current_engine()
    async with write_transaction():
        rows = await Raw(engine).fetch(
            "SELECT m.id, m.person, m.organisation, m.role FROM membership m "
            "JOIN person p ON p.id = m.person WHERE m.tenant = ? AND p.email LIKE ?",
            coordinator.tenant_id,
            "signer-%@bench.demo",
        )
    return [
        Scope(
            tenant_id=coordinator.tenant_id,
            tenant_slug=coordinator.tenant_slug,
            person_id=row["person"],
            organisation_id=row["organisation"],
            role=Role(row["role"]),
            membership_id=row["id"],
        )
        for row in rows
        if row["organisation"] in organisation_ids
    ]


@pytest.fixture
async def monitor_regio(demo: Settings, engine_name: str) -> MonitorRegio:
    # The KPI catalogue as the worker and the app have it (the partners register their KPIs).
    register_all(web=False)
    started = time.perf_counter()
    today = clock.today()
    as_of = last_day_of_previous_month(today)
    tenant, schools = await _seed_organisations()
    info = await seed_attendance(today, schools)
    tasks = await _seed_tasks(tenant, today)
    convenant_id, _ = await _seed_convenant(as_of)
    snapshot_started = time.perf_counter()
    system = Scope.system(tenant, "alkmaar", "bench")
    closed = await snapshots.close_periods(system, as_of)
    snapshot_seconds = time.perf_counter() - snapshot_started
    # The daily job has also run today: the month that ended yesterday is stored as well.
    stored = closed.stored + (await snapshots.close_periods(system, today)).stored
    assert closed.stored >= 11 * SCHOOL_COUNT, "close_periods stored too little"
    engine = database.current_engine()
    if engine.engine_type == "postgres":
        await engine.run_ddl("VACUUM ANALYZE")
    return MonitorRegio(
        settings=demo,
        engine_name=engine_name,
        tenant_id=tenant,
        rows=info["rows"],
        tasks=tasks,
        schools=len(schools),
        gemeenten=GEMEENTE_COUNT,
        convenant_id=convenant_id,
        as_of=as_of,
        stored_values=stored,
        seconds=time.perf_counter() - started,
        snapshot_seconds=snapshot_seconds,
    )
