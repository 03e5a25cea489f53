"""Benchmark set-up: a large regio Alkmaar, bulk-inserted on top of the demo.

`large_regio` seeds the demo (the suite's `demo` fixture), then adds about 20,000
inburgeraars over the six Alkmaar gemeenten and about 100,000 PIP tasks over the Alkmaar
partner organisations with raw parameterised INSERTs (executemany) in ONE transaction on
the engine's own connection, so seeding takes seconds instead of going through the services
row by row. The rows look like real ones where the app cares: BSNs pass the elfproef and are
stored as the app stores them (encrypted, keyed hash, last three digits), asielstatushouders
carry their COA handover, and VluchtelingenWerk's tasks are mostly named to a begeleider.
PostgreSQL gets `VACUUM ANALYZE` afterwards: a live database has statistics and, thanks to
autovacuum, a visibility map (index-only scans). SQLite gets no `ANALYZE`, as the app never
runs it (and on this data it makes SQLite pick a slower plan for a partner's "Mijn taken"
counts).

Nothing here is autouse: a benchmark asks for `large_regio` (or uses `Raw` and `QueryLog`
with its own data) explicitly.

The engine of the app under test is wrapped by `QueryLog`, which counts (and, on request,
times) every statement the app sends through Piccolo: the query count per request comes at
the price of one extra function call.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from piccolo.engine.base import Engine
from piccolo.querystring import QueryString
from piccolo.table import Table

from portal.casefile.tables import Inburgeraar, PipTask
from portal.core import bsn, clock, database
from portal.core.database import write_transaction
from portal.core.settings import PROJECT_ROOT, Settings

REGIO = "alkmaar"
SEED = 20260123
INBURGERAARS = 20_000
INBURGERAARS_IN_ALKMAAR = 8_000
TASKS = 100_000
TASKS_OF_TAALHUIS = 15_000
GEMEENTE_ALKMAAR = "Gemeente Alkmaar"
TAALHUIS = "Taalhuis Kennemerland"
COA_LOCATIE = "COA-locatie Alkmaar"
VLUCHTELINGENWERK = "VluchtelingenWerk Noord-Holland"
# Bench BSNs are 8xxxxxxxx numbers that pass the elfproef; the demo's are 99999xxxx.
BSN_BASE = 80_000_000
OTHER_GEMEENTEN = (
    "Gemeente Bergen",
    "Gemeente Castricum",
    "Gemeente Dijk en Waard",
    "Gemeente Heiloo",
    "Gemeente Uitgeest",
)
OTHER_PARTNERS = (
    "Leerwerkplaats De Brug",
    "ROC Noordkust",
    "COA-locatie Alkmaar",
    "VluchtelingenWerk Noord-Holland",
    "Werkkracht Participatie",
)
# Weighted like a live caseload: most tasks still open, a quarter done, a few blocked.
TASK_STATUSES = (
    ("open", 35),
    ("in_behandeling", 25),
    ("afgerond", 25),
    ("geblokkeerd", 5),
    ("vervallen", 10),
)
TASK_KINDS = (
    ("taal.intake", "Intake taaltraject"),
    ("taal.traject", "Taaltraject volgen"),
    ("taal.voortgang", "Voortgangsrapportage taal"),
    ("knm", "Kennis van de Nederlandse Maatschappij"),
    ("map", "Module Arbeidsmarkt en Participatie"),
    ("pvt", "Participatieverklaringstraject"),
    ("begeleiding", "Maatschappelijke begeleiding"),
    ("ontzorgen", "Financieel ontzorgen"),
)
GIVEN = ("Amal", "Yusuf", "Maryam", "Tesfay", "Olena", "Ahmad", "Samira", "Dawit", "Nour", "Ivan")
FAMILY = (
    "Haddad",
    "Tekle",
    "Kovalenko",
    "Rahimi",
    "Al-Masri",
    "Bekele",
    "Hosseini",
    "Shevchenko",
    "Yilmaz",
    "Mohammed",
    "Ghebre",
    "Nasser",
)
BATCH = 5_000


@dataclass
class LargeRegio:
    settings: Settings
    engine_name: str
    tenant_id: int
    inburgeraars: int
    inburgeraars_in_alkmaar: int
    tasks: int
    tasks_of_taalhuis: int
    seconds: float
    # A bench BSN of an inburgeraar in Gemeente Alkmaar (the demo regievoerder's caseload).
    sample_bsn: str


class Raw:
    """Parameterised SQL on the connection of the current transaction, both engines.

    Statements are written with `?` placeholders; PostgreSQL gets `$1, $2, ...`."""

    def __init__(self, engine: Engine) -> None:
        transaction = engine.current_transaction.get()
        assert transaction is not None, "Raw needs a running transaction"
        self.connection = transaction.connection
        self.postgres = engine.engine_type == "postgres"

    def _sql(self, sql: str) -> str:
        if not self.postgres:
            return sql
        parts = sql.split("?")
        return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))

    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        if self.postgres:
            return [dict(r) for r in await self.connection.fetch(self._sql(sql), *args)]
        async with self.connection.execute(sql, args) as cursor:
            return list(await cursor.fetchall())

    async def insert_many(
        self, table: type[Table], columns: Sequence[str], rows: list[tuple]
    ) -> None:
        """Insert `rows` in batches; names come from the Piccolo table, never from data."""
        known = {column._meta.db_column_name for column in table._meta.columns}
        unknown = [name for name in columns if name not in known]
        assert not unknown, f"{table._meta.tablename} has no column(s) {unknown}"
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(columns)
        tablename = table._meta.tablename
        # Table and column names are checked against the table class above; values are bound.
        sql = self._sql(f"INSERT INTO {tablename} ({names}) VALUES ({marks})")  # noqa: S608
        for start in range(0, len(rows), BATCH):
            await self.connection.executemany(sql, rows[start : start + BATCH])


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]], n: int) -> list[str]:
    values = [value for value, _ in choices]
    weights = [weight for _, weight in choices]
    return rng.choices(values, weights=weights, k=n)


INBURGERAAR_COLUMNS = (
    "tenant",
    "gemeente",
    "regievoerder",
    "bsn_cipher",
    "bsn_index",
    "bsn_last3",
    "v_nummer",
    "given_names",
    "family_name",
    "birth_date",
    "doelgroep",
    "nareiziger",
    "plicht_start",
    "brp_date",
    "languages",
    "interpreter_needed",
    "phone",
    "email",
    "leerroute",
    "pip_dagtekening",
    "status",
    "created_at",
    "coa_organisation",
    "koppeling_date",
    "housing_date",
    "health_basis",
    "health_basis_at",
)
TASK_COLUMNS = (
    "tenant",
    "inburgeraar",
    "pip",
    "assigned_organisation",
    "assigned_person",
    "kind",
    "title",
    "due_date",
    "status",
    "blocked_reason",
    "progress",
    "created_at",
    "updated_at",
)


def bench_bsns(count: int) -> list[str]:
    """`count` unique BSNs from BSN_BASE up: eight digits and the elfproef check digit (a
    base whose check digit would be 10 is skipped)."""
    numbers, n = [], BSN_BASE
    while len(numbers) < count:
        digits = f"{n:08d}"
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            numbers.append(bsn.normalise(digits + str(check)))  # the app's own elfproef
        n += 1
    return numbers


def _inburgeraar_rows(
    rng: random.Random,
    tenant_id: int,
    gemeenten: list[int],
    regievoerder: dict[int, int | None],
    coa_id: int,
    numbers: list[str],
    data_key: str,
    today: date,
    now: datetime,
) -> list[tuple]:
    rows = []
    for i, number in enumerate(numbers):
        gemeente = gemeenten[i]
        brp = today - timedelta(days=rng.randrange(0, 720))
        # Two in five have no PIP yet: some are late (brp over 10 weeks ago), some on time.
        has_pip = rng.random() >= 0.4
        dagtekening = brp + timedelta(days=rng.randrange(20, 70)) if has_pip else None
        if dagtekening and dagtekening > today:
            dagtekening = today
        leerroute = rng.choice("BOZ") if has_pip else None
        status = "pip" if has_pip else rng.choice(("aangemeld", "intake"))
        if has_pip and rng.random() < 0.1:
            status = "afgerond"
        doelgroep = rng.choice(("asielstatushouder", "gezinsmigrant", "overig"))
        # Asielstatushouders come through COA's warme overdracht; most have been housed.
        coa = doelgroep == "asielstatushouder"
        koppeling = brp - timedelta(days=rng.randrange(14, 90)) if coa else None
        housed = brp + timedelta(days=rng.randrange(0, 120)) if coa and rng.random() < 0.8 else None
        rows.append(
            (
                tenant_id,
                gemeente,
                regievoerder.get(gemeente),
                bsn.encrypt(number, data_key),
                bsn.index(number, data_key),
                number[-3:],
                f"9{i:09d}",
                rng.choice(GIVEN),
                f"{rng.choice(FAMILY)} {i % 997}",
                date(1960, 1, 1) + timedelta(days=rng.randrange(0, 16_000)),
                doelgroep,
                rng.random() < 0.1,
                brp,
                brp,
                rng.choice(("Arabisch", "Tigrinya", "Oekraïens, Russisch", "Dari", "Turks")),
                rng.random() < 0.3,
                None,
                None,
                leerroute,
                dagtekening,
                status,
                now,
                coa_id if coa else None,
                koppeling,
                housed,
                None,
                None,
            )
        )
    return rows


def _task_rows(
    rng: random.Random,
    tenant_id: int,
    inburgeraar_ids: list[int],
    organisations: list[int],
    named: dict[int, list[int]],
    today: date,
    now: datetime,
) -> list[tuple]:
    """`named` maps an organisation to the people its tasks are named to (two in three)."""
    statuses = _weighted(rng, TASK_STATUSES, TASKS)
    rows = []
    for i in range(TASKS):
        kind, title = rng.choice(TASK_KINDS)
        status = statuses[i]
        organisation = organisations[i]
        people = named.get(organisation)
        person = rng.choice(people) if people and rng.random() < 2 / 3 else None
        due = None if rng.random() < 0.05 else today + timedelta(days=rng.randrange(-200, 400))
        progress = 100 if status == "afgerond" else rng.choice((0, 0, 10, 25, 50, 75))
        rows.append(
            (
                tenant_id,
                rng.choice(inburgeraar_ids),
                None,
                organisation,
                person,
                kind,
                title,
                due,
                status,
                "Wacht op kinderopvang" if status == "geblokkeerd" else "",
                progress,
                now,
                now,
            )
        )
    return rows


def _spread(rng: random.Random, first: int, first_count: int, others: list[int], total: int):
    """`first_count` times `first`, the rest round-robin over `others`, shuffled."""
    values = [first] * first_count + [others[i % len(others)] for i in range(total - first_count)]
    rng.shuffle(values)
    return values


async def seed_large_regio(data_key: str, today: date) -> dict[str, Any]:
    """Bulk-insert the large caseload into regio Alkmaar (the demo must be seeded)."""
    engine = database.current_engine()
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    async with write_transaction():
        raw = Raw(engine)
        tenant_id = (await raw.fetch("SELECT id FROM regio WHERE slug = ?", REGIO))[0]["id"]
        orgs = {
            row["name"]: row["id"]
            for row in await raw.fetch(
                "SELECT id, name FROM organisation WHERE tenant = ?", tenant_id
            )
        }
        members = await raw.fetch(
            "SELECT organisation, person, role FROM membership WHERE tenant = ?", tenant_id
        )
        regievoerder = {
            m["organisation"]: m["person"] for m in members if m["role"] == "regievoerder"
        }
        begeleiders = [m["person"] for m in members if m["role"] == "begeleider"]
        assert begeleiders, "the demo has no begeleider in regio Alkmaar"
        gemeenten = _spread(
            rng,
            orgs[GEMEENTE_ALKMAAR],
            INBURGERAARS_IN_ALKMAAR,
            [orgs[name] for name in OTHER_GEMEENTEN],
            INBURGERAARS,
        )
        numbers = bench_bsns(INBURGERAARS)
        last_id = (await raw.fetch("SELECT COALESCE(MAX(id), 0) AS id FROM inburgeraar"))[0]["id"]
        await raw.insert_many(
            Inburgeraar,
            INBURGERAAR_COLUMNS,
            _inburgeraar_rows(
                rng,
                tenant_id,
                gemeenten,
                regievoerder,
                orgs[COA_LOCATIE],
                numbers,
                data_key,
                today,
                now,
            ),
        )
        ids = [
            row["id"]
            for row in await raw.fetch(
                "SELECT id FROM inburgeraar WHERE id > ? ORDER BY id", last_id
            )
        ]
        assert len(ids) == INBURGERAARS
        partners = _spread(
            rng,
            orgs[TAALHUIS],
            TASKS_OF_TAALHUIS,
            [orgs[name] for name in OTHER_PARTNERS],
            TASKS,
        )
        await raw.insert_many(
            PipTask,
            TASK_COLUMNS,
            _task_rows(
                rng, tenant_id, ids, partners, {orgs[VLUCHTELINGENWERK]: begeleiders}, today, now
            ),
        )
    # Every task carries its case's gemeente, as pip_tasks.create_task stores it.
    await engine.run_ddl(
        "UPDATE pip_task SET gemeente = (SELECT i.gemeente FROM inburgeraar i "
        "WHERE i.id = pip_task.inburgeraar) WHERE gemeente IS NULL"
    )
    if engine.engine_type == "postgres":
        await engine.run_ddl("VACUUM ANALYZE")
    in_alkmaar = gemeenten.index(orgs[GEMEENTE_ALKMAAR])
    return {"tenant_id": tenant_id, "sample_bsn": numbers[in_alkmaar]}


@pytest.fixture
async def large_regio(demo: Settings, engine_name: str) -> LargeRegio:
    started = time.perf_counter()
    info = await seed_large_regio(demo.data_key, clock.today())
    return LargeRegio(
        settings=demo,
        engine_name=engine_name,
        tenant_id=info["tenant_id"],
        inburgeraars=INBURGERAARS,
        inburgeraars_in_alkmaar=INBURGERAARS_IN_ALKMAAR,
        tasks=TASKS,
        tasks_of_taalhuis=TASKS_OF_TAALHUIS,
        seconds=time.perf_counter() - started,
        sample_bsn=info["sample_bsn"],
    )


@dataclass
class QueryLog:
    """Counts the statements the app's engine runs; with `timed`, keeps (ms, statement) too,
    the statement as Piccolo ran it (a QueryString, or the text of DDL) so that it can be
    printed or given to `explain`."""

    count: int = 0
    timed: bool = False
    statements: list[tuple[float, QueryString | str]] = field(default_factory=list)

    def install(self, engine: Engine) -> None:
        """Swap the engine's class for a subclass that counts (engines have __slots__, so
        their methods cannot be replaced on the instance); isinstance checks still hold."""
        log = self
        base = type(engine)

        class Counted(base):  # type: ignore[valid-type,misc]
            __slots__ = ()

            async def run_querystring(self, querystring, *args, **kwargs):
                call = base.run_querystring(self, querystring, *args, **kwargs)
                return await log._run(querystring, call)

            async def run_ddl(self, ddl, *args, **kwargs):
                return await log._run(ddl, base.run_ddl(self, ddl, *args, **kwargs))

        Counted.__name__ = f"Counted{base.__name__}"
        engine.__class__ = Counted

    async def _run(self, statement: QueryString | str, awaitable):
        self.count += 1
        if not self.timed:
            return await awaitable
        started = time.perf_counter()
        try:
            return await awaitable
        finally:
            self.statements.append(((time.perf_counter() - started) * 1000, statement))

    def reset(self, *, timed: bool = False) -> None:
        self.count = 0
        self.timed = timed
        self.statements = []


async def explain(engine: Engine, statement: QueryString) -> list[str]:
    """The plan of one statement as the app ran it (same parameters): EXPLAIN ANALYZE with
    buffers on PostgreSQL (it runs the query), EXPLAIN QUERY PLAN on SQLite."""
    if engine.engine_type == "postgres":
        rows = await engine.run_querystring(QueryString("EXPLAIN (ANALYZE, BUFFERS) {}", statement))
        return [row["QUERY PLAN"] for row in rows]
    rows = await engine.run_querystring(QueryString("EXPLAIN QUERY PLAN {}", statement))
    depth: dict[int, int] = {0: -1}
    lines = []
    for row in rows:  # a tree: each row names its parent, which comes before it
        depth[row["id"]] = depth.get(row["parent"], -1) + 1
        lines.append("  " * depth[row["id"]] + row["detail"])
    return lines


@asynccontextmanager
async def served(settings: Settings, log_path: str) -> AsyncIterator[str]:
    """The app as `portal serve` runs it (uvicorn, one process) on `settings`' database, in a
    child process on a free port; yields its base URL. The server's output goes to log_path."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PORTAL_ENV": settings.env,
        "PORTAL_DATABASE_URL": settings.database_url,
        "PORTAL_DATABASE_POOL_SIZE": str(settings.database_pool_size),
        "PORTAL_VAR_DIR": str(settings.var_path),
        "PORTAL_SECRET_KEY": settings.secret_key,
        "PORTAL_DATA_KEY": settings.data_key,
        "PORTAL_HOST": "127.0.0.1",
        "PORTAL_PORT": str(port),
        "PORTAL_LOG_LEVEL": "WARNING",
    }
    base_url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:  # noqa: ASYNC230 (opened once, before the server runs)
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "portal.cli",
            "serve",
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            async with httpx.AsyncClient(base_url=base_url) as http:
                for _ in range(150):
                    try:
                        if (await http.get("/login")).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    assert server.returncode is None, f"the server stopped; see {log_path}"
                    await asyncio.sleep(0.2)
                else:
                    raise AssertionError(f"the server did not answer in 30 s; see {log_path}")
            yield base_url
        finally:
            server.terminate()
            try:
                await asyncio.wait_for(server.wait(), 15)
            except TimeoutError:
                server.kill()
                await server.wait()
