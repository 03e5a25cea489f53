"""List speed with a large caseload: "Mijn taken" and the caseload list, on both engines.

Per engine: 20,000 inburgeraars and 100,000 PIP tasks in regio Alkmaar (see conftest.py),
then, through the real app and a logged-in session, 3 warm-ups and 30 sequential requests
per endpoint: "Mijn taken" as a docent of Taalhuis Kennemerland and as the Alkmaar
regievoerder (page 1 and page 200), and the regievoerder's caseload (page 1, page 200, a name
search, a BSN search and `termijn_pip=te_laat`). The test client runs one request at a
time, so for the 10-client targets "Mijn taken" page 1 is also loaded by 10 concurrent HTTP
clients against the app served by uvicorn in a child process (requests per second and p95).

The report (stdout and test-artifacts/bench/list-speed-<engine>.txt) gives median, p95, the
ratio to a light page measured in the same run (same middleware, session and layout, no list
query), the SQL statements per request, every statement of one profiled request with its time,
and the plan of each row's slowest statement (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY
PLAN on SQLite). Only generous bounds are asserted (median < 1 s and p95 < 2 s per row;
page 200 ÷ page 1 < 4 for
"Mijn taken", fastest runs): the TARGETS.md figures are printed beside the numbers, not
enforced.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import re
import shutil
import statistics
import time
from dataclasses import dataclass

import httpx
import pytest
from litestar.testing import AsyncTestClient
from piccolo.querystring import QueryString

from portal.app import create_app
from portal.core import database
from tests.bench.conftest import LargeRegio, QueryLog, explain, served
from tests.conftest import ARTIFACTS, login

WARM_UPS = 3
RUNS = 30
CLIENTS = 10
LOAD_SECONDS = 5.0
PLAN_FROM_MS = 5.0
POOL_SIZE = 10  # the production default of PORTAL_DATABASE_POOL_SIZE
DOCENT = "docent@taal.alkmaar.demo"
REGIE = "regievoerder@alkmaar.demo"
TAKEN = "/r/alkmaar/taken"
CASELOAD = "/r/alkmaar/inburgeraars"
NAME = "Haddad"  # one family name in twelve (conftest.FAMILY): a search with many hits
# Against real regressions only (a query that grows with the data, an N+1), not against the
# targets: the slowest row today (SQLite, the regievoerder's "Mijn taken") takes about 300 ms
# on a quiet 2-core machine, and neighbours on a shared one easily double that.
MEDIAN_BOUND_MS = 1000.0
P95_BOUND_MS = 2000.0
# Twice the target, plus room for a shared machine: on PostgreSQL the deep page of "Mijn
# taken" costs 2-3 × page 1 today (it sorts the organisation's whole open inbox; see the
# plans in the report), which misses the target and is reported as such, not failed on.
PAGE_RATIO_BOUND = 4.0
# TARGETS.md for "Mijn taken", per engine: p95 ms (one client here) and requests per second.
TARGET_P95_MS = {"postgres": 30.0, "sqlite": 60.0}
TARGET_PER_SECOND = {"postgres": 600.0}
TARGET_PAGE_RATIO = 1.5
TARGET_QUERIES = 4
CAPTION = re.compile(r'utrecht-table__caption">([\d.]+) (taken|inburgeraars)<')
SELECT_LIST = re.compile(r"^SELECT (?:(?! FROM ).){60,}? FROM")
INSERT_VALUES = re.compile(r"^(INSERT INTO \S+) \(.*")
JOIN_ON = re.compile(r"LEFT JOIN (\S+) \S+ ON \([^()]*\)")
TARGETS = """\
Targets (../shared/TARGETS.md, "Mijn taken", 100k tasks in the tenant, 10 clients):
  PostgreSQL p95 <= 30 ms and >= 600 req/s; SQLite p95 <= 60 ms;
  scoped / unscoped p95 <= 1.3; page 200 / page 1 <= 1.5;
  at most 4 queries per request whatever the row count.
  The table above is ONE sequential client (through the test client, no HTTP); the
  10-client figures are over HTTP against one uvicorn process on this same machine.
Asserted here (generous, against real regressions only): every median < 1000 ms and
  p95 < 2000 ms (a row over one is measured once more and must pass the second time);
  page 200 / page 1 (fastest run of each) < 4 for /taken."""


@dataclass
class Result:
    label: str
    who: str
    url: str
    samples_ms: list[float]
    queries: list[int]
    total: str
    statements: list[tuple[float, QueryString | str]]
    first_p95: float | None = None  # set when a first run broke a bound
    plan: list[str] = dataclasses.field(default_factory=list)  # of the slowest statement

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return _p95(self.samples_ms)

    @property
    def fastest(self) -> float:
        return min(self.samples_ms)

    @property
    def queries_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


@dataclass
class Load:
    label: str
    who: str
    samples_ms: list[float]
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.samples_ms) / self.seconds

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return _p95(self.samples_ms)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


async def _get(client: httpx.AsyncClient, url: str) -> str:
    response = await client.get(url, follow_redirects=False)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.text


async def measure(client: AsyncTestClient, log: QueryLog, label: str, who: str, url: str) -> Result:
    for _ in range(WARM_UPS):
        await _get(client, url)
    samples: list[float] = []
    queries: list[int] = []
    for _ in range(RUNS):
        log.reset()
        started = time.perf_counter()
        await _get(client, url)
        samples.append((time.perf_counter() - started) * 1000)
        queries.append(log.count)
    # One more, profiled: which statements the time goes to (not part of the statistics).
    log.reset(timed=True)
    html = await _get(client, url)
    statements = list(log.statements)
    log.reset()
    match = CAPTION.search(html)
    total = match.group(1) if match else "–"
    if match:
        assert "Geen taken gevonden" not in html and "Geen inburgeraars" not in html, url
    return Result(label, who, url, samples, queries, total, statements)


async def measure_confirmed(
    client: AsyncTestClient, log: QueryLog, label: str, who: str, url: str
) -> Result:
    """A run over a bound is measured once more before it counts: one burst of load from a
    neighbour on a shared machine is not a regression, a slow endpoint is slow twice."""
    result = await measure(client, log, label, who, url)
    if not _too_slow(result):
        return result
    again = await measure(client, log, label, who, url)
    again.first_p95 = result.p95
    return again


async def measure_load(base_url: str, email: str, label: str, who: str, url: str) -> Load:
    """CLIENTS concurrent clients (one session, keep-alive) for LOAD_SECONDS against the
    served app, over real HTTP."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        await login(http, email)
        for _ in range(WARM_UPS):
            await _get(http, url)
        samples: list[float] = []
        deadline = time.perf_counter() + LOAD_SECONDS

        async def one_client() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                await _get(http, url)
                samples.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
        return Load(label, who, samples, time.perf_counter() - started)


async def add_plans(results: list[Result], database_url: str) -> None:
    """The plan of each row's slowest statement when it took PLAN_FROM_MS or more, run again
    with the same parameters (on an engine of this event loop: the app's pool lives in the
    test client's loop)."""
    engine = database.engine_from_url(database_url)
    for result in results:
        queries = [(ms, s) for ms, s in result.statements if isinstance(s, QueryString)]
        ms, slowest = max(queries, key=lambda q: q[0])
        if ms >= PLAN_FROM_MS:
            result.plan = await explain(engine, slowest)


def _too_slow(result: Result) -> bool:
    return result.median >= MEDIAN_BOUND_MS or result.p95 >= P95_BOUND_MS


def render(
    results: list[Result], baseline: Result, loads: list[Load], engine_name: str, seed_info: str
) -> str:
    lines = [
        f"List speed on {engine_name}: {seed_info}",
        f"{WARM_UPS} warm-ups then {RUNS} sequential requests per row, one client; times in ms.",
        "",
        f"{'endpoint':<48} {'as':<8} {'median':>7} {'p95':>7} {'p95/base':>8} "
        f"{'queries':>7} {'total':>7}",
    ]
    for r in [baseline, *results]:
        ratio = r.p95 / baseline.p95 if baseline.p95 else float("nan")
        lines.append(
            f"{r.label:<48} {r.who:<8} {r.median:>7.1f} {r.p95:>7.1f} {ratio:>8.2f} "
            f"{r.queries_text:>7} {r.total:>7}" + (" *" if r.first_p95 is not None else "")
        )
    retried = [r for r in results if r.first_p95 is not None]
    if retried:
        lines.append(
            "* over a bound at first (p95 "
            + ", ".join(f"{r.first_p95:.0f} ms" for r in retried)
            + "): measured once more, the second run is shown and asserted."
        )
    lines.append("")
    lines.append(
        f"{CLIENTS} concurrent clients for {LOAD_SECONDS:.0f} s over HTTP, the app served as "
        "`portal serve` runs it (uvicorn, one process; the clients share the machine):"
    )
    for load in loads:
        lines.append(
            f"  {load.label:<46} {load.who:<8} {load.per_second:6.0f} req/s, "
            f"median {load.median:.1f} ms, p95 {load.p95:.1f} ms"
        )
    lines.append("")
    lines.append("Page 200 ÷ page 1 (target <= 1.5 for /taken):")
    for a, b in _page_pairs(results):
        path = a.label.removeprefix("GET ").removesuffix(" page 200")
        lines.append(
            f"  {path:<28} {a.who:<8} median {a.median / b.median:.2f}, p95 {a.p95 / b.p95:.2f}, "
            f"fastest {a.fastest / b.fastest:.2f}"
        )
    lines += ["", TARGETS, "", 'Against the targets ("Mijn taken"):']
    lines += [f"  {line}" for line in _against_targets(results, loads, engine_name)]
    lines += ["", "Statements of one profiled request per row, in order (ms):"]
    for r in [baseline, *results]:
        lines.append(f"  {r.label} ({r.who}):")
        for ms, sql in r.statements:
            lines.append(f"    {ms:7.1f}  {_short(str(sql))}")
    plan = "EXPLAIN (ANALYZE, BUFFERS)" if engine_name == "postgres" else "EXPLAIN QUERY PLAN"
    lines += ["", f"{plan} of the slowest statement of each row (from {PLAN_FROM_MS:.0f} ms):"]
    for r in results:
        if r.plan:
            lines.append(f"  {r.label} ({r.who}):")
            lines += [f"    {line}" for line in r.plan]
    return "\n".join(lines) + "\n"


def _against_targets(results: list[Result], loads: list[Load], engine_name: str) -> list[str]:
    """One line per target and row of "Mijn taken": met, or MISSED with the figure."""

    def line(ok: bool, what: str) -> str:
        return f"{'met   ' if ok else 'MISSED'} {what}"

    lines = []
    p95_target = TARGET_P95_MS[engine_name]
    for r in results:
        if "/taken" not in r.label:
            continue
        who = f"{r.label.removeprefix('GET ')} ({r.who})"
        lines.append(line(r.p95 <= p95_target, f"{who}: p95 {r.p95:.0f} ms <= {p95_target:.0f}"))
        most = max(r.queries)
        lines.append(line(most <= TARGET_QUERIES, f"{who}: {most} queries <= {TARGET_QUERIES}"))
    for page_200, page_1 in _page_pairs(results):
        if "/taken" in page_200.label:
            ratio = page_200.median / page_1.median
            what = f"page 200 ÷ page 1 {ratio:.2f} <= {TARGET_PAGE_RATIO}"
            lines.append(line(ratio <= TARGET_PAGE_RATIO, f"/taken ({page_200.who}): {what}"))
    for load in loads:
        who = f"{load.label.removeprefix('GET ')} ({load.who}), {CLIENTS} clients"
        lines.append(
            line(load.p95 <= p95_target, f"{who}: p95 {load.p95:.0f} ms <= {p95_target:.0f}")
        )
        if engine_name in TARGET_PER_SECOND:
            target = TARGET_PER_SECOND[engine_name]
            lines.append(
                line(
                    load.per_second >= target, f"{who}: {load.per_second:.0f} req/s >= {target:.0f}"
                )
            )
    # Every role sees its tasks through the scope rules; the app has no unscoped list to
    # compare with, so that target needs a service-level benchmark.
    lines.append("n/a    scoped ÷ unscoped p95 <= 1.3: not measured here")
    return lines


def _short(sql: str, width: int = 360) -> str:
    """One line without quotes, with the select list, join conditions and inserted values
    elided, so FROM, WHERE and ORDER BY stay visible."""
    text = " ".join(sql.replace('"', "").split()).replace("SELECT ALL ", "SELECT ", 1)
    text = SELECT_LIST.sub("SELECT … FROM", text)
    text = INSERT_VALUES.sub(r"\1 (…) VALUES (…)", text)
    text = JOIN_ON.sub(r"LEFT JOIN \1", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _page_pairs(results: list[Result]) -> list[tuple[Result, Result]]:
    by_label = {(r.label, r.who): r for r in results}
    pairs = []
    for (label, who), result in by_label.items():
        if "page 200" in label:
            first = by_label.get((label.replace("page 200", "page 1"), who))
            if first:
                pairs.append((result, first))
    return pairs


@pytest.mark.timeout(1800)
async def test_list_speed(large_regio: LargeRegio) -> None:
    engine_name = large_regio.engine_name
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request
    # Production runs PostgreSQL with a pool; the suite's settings open a connection per query.
    settings = dataclasses.replace(large_regio.settings, database_pool_size=POOL_SIZE)
    shutil.rmtree(settings.var_path / "store", ignore_errors=True)
    app = create_app(settings)
    log = QueryLog()
    log.install(database.current_engine())
    results: list[Result] = []
    loads: list[Load] = []
    started = time.perf_counter()
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
        await login(client, DOCENT)
        who = "docent"
        baseline = await measure(
            client, log, "baseline GET /account/wachtwoord", who, "/account/wachtwoord"
        )
        for label, url in (
            ("GET /r/alkmaar/taken page 1", TAKEN),
            ("GET /r/alkmaar/taken page 200", f"{TAKEN}?pagina=200"),
        ):
            results.append(await measure_confirmed(client, log, label, who, url))
        client.cookies.clear()
        await login(client, REGIE)
        who = "regie"
        for label, url in (
            ("GET /r/alkmaar/inburgeraars page 1", CASELOAD),
            ("GET /r/alkmaar/inburgeraars page 200", f"{CASELOAD}?pagina=200"),
            ("GET /r/alkmaar/inburgeraars?zoek=<naam>", f"{CASELOAD}?zoek={NAME}"),
            ("GET /r/alkmaar/inburgeraars?zoek=<bsn>", f"{CASELOAD}?zoek={large_regio.sample_bsn}"),
            ("GET /r/alkmaar/inburgeraars?termijn_pip=te_laat", f"{CASELOAD}?termijn_pip=te_laat"),
            ("GET /r/alkmaar/taken page 1", TAKEN),
            ("GET /r/alkmaar/taken page 200", f"{TAKEN}?pagina=200"),
        ):
            results.append(await measure_confirmed(client, log, label, who, url))
    server_log = ARTIFACTS / "bench" / f"list-speed-server-{engine_name}.log"
    server_log.parent.mkdir(parents=True, exist_ok=True)
    async with served(settings, str(server_log)) as base_url:
        for email, who in ((DOCENT, "docent"), (REGIE, "regie")):
            label = "GET /r/alkmaar/taken page 1"
            loads.append(await measure_load(base_url, email, label, who, TAKEN))
    measured = time.perf_counter() - started
    await add_plans(results, settings.database_url)

    seed_info = (
        f"regio alkmaar with {large_regio.inburgeraars:,} inburgeraars "
        f"({large_regio.inburgeraars_in_alkmaar:,} in Gemeente Alkmaar) and "
        f"{large_regio.tasks:,} pip_task rows ({large_regio.tasks_of_taalhuis:,} for Taalhuis "
        f"Kennemerland); seeded in {large_regio.seconds:.1f} s, measured in {measured:.1f} s"
        + (f"; pool of {POOL_SIZE}" if engine_name == "postgres" else "")
    )
    report = render(results, baseline, loads, engine_name, seed_info)
    print("\n" + report)
    out = ARTIFACTS / "bench" / f"list-speed-{engine_name}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")

    slow = [
        f"{r.label} ({r.who}) median {r.median:.0f} ms, p95 {r.p95:.0f} ms"
        for r in results
        if _too_slow(r)
    ]
    assert not slow, f"median over {MEDIAN_BOUND_MS:.0f} ms or p95 over {P95_BOUND_MS:.0f}: {slow}"
    for page_200, page_1 in _page_pairs(results):
        if "/taken" not in page_200.label:
            continue  # the target is for "Mijn taken"; the caseload's ratio is reported only
        # The fastest runs: a neighbour's load only ever adds time, so their ratio is the
        # steadiest measure of what the deep page itself costs on a shared machine.
        ratio = page_200.fastest / page_1.fastest
        assert ratio < PAGE_RATIO_BOUND, (
            f"{page_200.label} ({page_200.who}) is {ratio:.1f}× page 1 (bound {PAGE_RATIO_BOUND})"
        )
