"""The coordinator's monitor of the convenant terms at a large regio's scale, on both engines.

Data: tests/bench/monitor_data.py (40 taalaanbieders, 8 gemeenten, PORTAL_BENCH_ATTENDANCE_ROWS
attendance lines, default 300,000; the issue's figure is 1,500,000; a fifth as many tasks; an
active convenant with the taal terms and all 40 schools as parties; the closed periods stored
by the real `close_periods` job). Measured as of the last day of the previous month, so the
open period is a whole month of lines (the clock is pinned to that day for the page).

Timed, 3 warm-ups then RUNS sequential runs each:
- `scores.monitor`, the service behind the page: every term, every partner, twelve periods
  (eleven stored, the open one measured on demand), with the regio average;
- the same service as of today (early in a month the open period is nearly empty);
- GET /r/alkmaar/monitor/afspraken/ as the logged-in coordinator (session, layout, template);
- baselines, the raw SQL in the same run: the attendance rate per school for the open month
  (the same aggregate the attendance term measures on demand), and per school × month over
  the whole year (what the page would cost without stored values).
The report (stdout and test-artifacts/bench/monitor-speed-<engine>.txt) gives median and p95,
the ratio to the open-month baseline, the statements per page and the plan of the page's
slowest statement. PostgreSQL runs with a connection pool, as the app does. Only generous
bounds are asserted (p95 < 2 s for the service and the page), and that the page's values
equal the raw SQL's.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import statistics
import time
from collections.abc import Awaitable, Callable

import pytest
from litestar.testing import AsyncTestClient
from piccolo.querystring import QueryString

from partners.convenants import score_routes, scores
from partners.convenants.demo import COORDINATOR
from portal.app import create_app
from portal.core import clock, database
from portal.demo_cases import demo_scope
from portal.kpi.periods import Period, PeriodKind
from tenants.roles import Role
from tests.bench.conftest import QueryLog, explain
from tests.bench.monitor_data import TITLE, MonitorRegio, monitor_regio
from tests.conftest import ARTIFACTS, login

__all__ = ["monitor_regio"]

WARM_UPS = 3
RUNS = 30
POOL_SIZE = 10
P95_BOUND_MS = 2000.0
TARGET_P95_MS = {"postgres": 150.0, "sqlite": 500.0}
PAGE = "/r/alkmaar/monitor/afspraken/"
ATTENDANCE = "taal.aanwezigheid"
CURRENT_MONTH = (
    "SELECT organisation, SUM(minutes_attended) AS attended, SUM(minutes_offered) AS offered "
    "FROM taal_attendance WHERE tenant = {} AND current = {} AND lesson_date >= {} "
    "AND lesson_date <= {} GROUP BY organisation"
)
MONTH_OF = {
    "sqlite": "strftime('%Y-%m', lesson_date)",
    "postgres": "to_char(lesson_date, 'YYYY-MM')",
}
PER_MONTH = (
    "SELECT organisation, {month} AS month, SUM(minutes_attended) AS attended, "
    "SUM(minutes_offered) AS offered FROM taal_attendance WHERE tenant = {{}} AND current = {{}} "
    "AND lesson_date >= {{}} AND lesson_date <= {{}} GROUP BY organisation, {month}"
)
SELECT_LIST = re.compile(r"^SELECT (?:(?! FROM ).){60,}? FROM")


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


async def _time(call: Callable[[], Awaitable[object]]) -> list[float]:
    for _ in range(WARM_UPS):
        await call()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _short(sql: str, width: int = 240) -> str:
    text = " ".join(sql.replace('"', "").split()).replace("SELECT ALL ", "SELECT ", 1)
    text = SELECT_LIST.sub("SELECT … FROM", text)
    return text if len(text) <= width else text[: width - 1] + "…"


@pytest.mark.timeout(3600)
async def test_monitor_speed(monitor_regio: MonitorRegio, monkeypatch: pytest.MonkeyPatch) -> None:
    bench = monitor_regio
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("portal.access").setLevel(logging.WARNING)  # a line per request
    results: dict[str, list[float]] = {}
    engine = database.current_engine()
    if engine.engine_type == "postgres":
        await engine.start_connection_pool(min_size=1, max_size=4)
    try:
        profile = await _measure_service(bench, results)
    finally:
        if engine.engine_type == "postgres":
            await engine.close_connection_pool()
    # The page as of the same day as the service: the clock pinned for the request path.
    monkeypatch.setattr(clock, "today", lambda: bench.as_of)
    monkeypatch.setattr(score_routes, "today", lambda: bench.as_of)
    page_info = await _measure_page(bench, results)
    _report(bench, results, profile, *page_info)


async def _measure_service(
    bench: MonitorRegio, results: dict[str, list[float]]
) -> list[tuple[float, QueryString | str]]:
    """Times the raw SQL and the service; the statements of one profiled service call."""
    coordinator = await demo_scope(COORDINATOR, Role.REGIOCOORDINATOR)
    engine = database.current_engine()
    month = Period.containing(bench.as_of, PeriodKind.MAAND)
    year_start = month.last_n(12)[0].first
    args = (bench.tenant_id, True, month.first, month.last)

    async def current_month() -> list[dict]:
        return await engine.run_querystring(QueryString(CURRENT_MONTH, *args))

    per_month = PER_MONTH.format(month=MONTH_OF[engine.engine_type])
    year_args = (bench.tenant_id, True, year_start, month.last)
    results["raw SQL: attendance per school, open month"] = await _time(current_month)
    results["raw SQL: attendance per school x month, 12 months"] = await _time(
        lambda: engine.run_querystring(QueryString(per_month, *year_args))
    )
    results["scores.monitor (service), as of month end"] = await _time(
        lambda: scores.monitor(coordinator, bench.as_of)
    )
    results["scores.monitor (service), as of today"] = await _time(
        lambda: scores.monitor(coordinator, clock.today())
    )

    # One profiled call: which statements the service's time goes to.
    log = QueryLog()
    log.install(engine)
    log.reset(timed=True)
    started = time.perf_counter()
    found = await scores.monitor(coordinator, bench.as_of)
    total = (time.perf_counter() - started) * 1000
    profile = [(total, f"the whole call, {len(log.statements)} statements")]
    profile += list(log.statements)
    log.reset()

    # The page's values are the raw aggregate's: the open month measured, per school.
    attendance = next(s for s in found if s.term.code == ATTENDANCE and s.title == TITLE)
    assert len(attendance.partners) == bench.schools
    assert len(attendance.periods) == 12
    raw = {row["organisation"]: row for row in await current_month()}
    for partner in attendance.partners:
        cell = partner.cells[-1]
        assert cell.open and not cell.stored, partner.name
        row = raw.get(partner.organisation_id)
        expected = (row["attended"], row["offered"]) if row else (0, 0)
        assert (cell.numerator or 0, cell.denominator or 0) == expected, partner.name
        assert all(c.stored for c in partner.cells[:-1]), partner.name
    return profile


async def _measure_page(
    bench: MonitorRegio, results: dict[str, list[float]]
) -> tuple[list[int], list[tuple[float, QueryString | str]], list[str]]:
    settings = dataclasses.replace(bench.settings, database_pool_size=POOL_SIZE)
    app = create_app(settings)
    log = QueryLog()
    log.install(database.current_engine())
    queries: list[int] = []
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as client:
        await login(client, COORDINATOR)

        async def get_page(timed: bool = False) -> str:
            log.reset(timed=timed)
            response = await client.get(PAGE, follow_redirects=False)
            assert response.status_code == 200, response.status_code
            queries.append(log.count)
            return response.text

        html = await get_page()
        assert TITLE in html
        assert html.count("Taalschool Bench") >= bench.schools - 3
        results["GET /r/alkmaar/monitor/afspraken/ (coordinator)"] = await _time(get_page)
        await get_page(timed=True)
        statements = list(log.statements)
        log.reset()
    engine = database.engine_from_url(settings.database_url)
    timed = [(ms, s) for ms, s in statements if isinstance(s, QueryString)]
    plan = await explain(engine, max(timed, key=lambda q: q[0])[1]) if timed else []
    # The first request (content checks) and the warm-ups are not counted.
    return queries[1 + WARM_UPS : 1 + WARM_UPS + RUNS], statements, plan


def _report(
    bench: MonitorRegio,
    results: dict[str, list[float]],
    profile: list[tuple[float, QueryString | str]],
    queries: list[int],
    statements: list[tuple[float, QueryString | str]],
    plan: list[str],
) -> None:
    name = bench.engine_name
    base = statistics.median(results["raw SQL: attendance per school, open month"])
    lines = [
        f"Monitor speed on {name}: {bench.rows:,} attendance rows, {bench.tasks:,} tasks, "
        f"{bench.schools} taalaanbieders, {bench.gemeenten} gemeenten; seeded in "
        f"{bench.seconds:.1f} s, of which close_periods {bench.snapshot_seconds:.1f} s "
        f"({bench.stored_values} values stored); as of {bench.as_of:%d-%m-%Y}.",
        f"{WARM_UPS} warm-ups then {RUNS} sequential runs per row, one client; times in ms.",
        "",
        f"{'what':<52} {'median':>8} {'p95':>8} {'x base':>7}",
    ]
    for label, samples in results.items():
        median = statistics.median(samples)
        lines.append(
            f"{label:<52} {median:8.1f} {_p95(samples):8.1f} {median / base if base else 0:7.1f}"
        )
    low, high = min(queries), max(queries)
    lines.append(f"statements per page: {low}" + (f"-{high}" if high != low else ""))
    target = TARGET_P95_MS[name]
    page = results["GET /r/alkmaar/monitor/afspraken/ (coordinator)"]
    service = results["scores.monitor (service), as of month end"]
    lines += [
        "",
        f"Target (TARGETS.md, regio dashboard): p95 <= {target:.0f} ms on {name}.",
        f"  {'met   ' if _p95(service) <= target else 'MISSED'} service p95 {_p95(service):.0f} ms",
        f"  {'met   ' if _p95(page) <= target else 'MISSED'} page p95 {_p95(page):.0f} ms",
        "",
        "Statements of one profiled service call (as of month end), in order (ms):",
    ]
    lines += [f"  {ms:7.1f}  {_short(str(sql))}" for ms, sql in profile]
    lines += ["", "Statements of one profiled page request, in order (ms):"]
    lines += [f"  {ms:7.1f}  {_short(str(sql))}" for ms, sql in statements]
    explained = "EXPLAIN (ANALYZE, BUFFERS)" if name == "postgres" else "EXPLAIN QUERY PLAN"
    lines += ["", f"{explained} of the page's slowest statement:"]
    lines += [f"  {line}" for line in plan]
    report = "\n".join(lines) + "\n"
    print("\n" + report)
    out = ARTIFACTS / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"monitor-speed-{name}.txt").write_text(report, encoding="utf-8")
    # The app's rows only: the raw baselines are what the app is compared with, and the
    # 12-month one is exactly the work the stored values spare the page.
    slow = [
        f"{label}: p95 {_p95(s):.0f} ms"
        for label, s in results.items()
        if not label.startswith("raw SQL") and _p95(s) >= P95_BOUND_MS
    ]
    assert not slow, f"p95 over {P95_BOUND_MS:.0f} ms: {slow}"
