"""Browser tests: the real app under uvicorn in a thread, driven by Debian's chromium.

- `live_server` serves `create_app(demo)` on 127.0.0.1 and a free port in a background thread,
  so the app reads the same migrated, seeded database as the `demo` fixture (per test: `demo`
  empties the database afterwards).
- The browser tests run on SQLite, the engine of `make run`'s demo: what they add is the
  page in a real browser (keyboard, axe, CSP, htmx), and every service and rule beneath
  them runs on both engines in the other tests. A second browser pass on PostgreSQL would
  cost minutes of the suite's budget and test nothing new.
- `browser` is one chromium for the session (Playwright's async API, in the session loop the
  project's pytest-asyncio settings use); `page` is a fresh context per test, so no cookies
  leak between tests. After the test the final page is saved as
  `test-artifacts/e2e/<test>-<engine>.png`.
- `audit` runs axe-core (WCAG 2.1 A/AA) on a page and saves a screenshot of that step; it also
  collects console errors (a Content-Security-Policy violation shows up there). The test calls
  `audit.assert_clean()` at its end; the findings are also written next to the screenshots.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright

from portal.app import create_app
from portal.core.settings import PROJECT_ROOT, Settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_INSTALLED = CHROMIUM.exists()
CHROMIUM_ARGS = [
    "--headless",
    # Date inputs take their format from the interface language: show what Dutch users see.
    "--lang=nl-NL",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "e2e"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000
EXPECTED_400 = "Failed to load resource: the server responded with a status of 400"


# --- the app under uvicorn ------------------------------------------------------------------


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings


def _wait_until_up(url: str, server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 20
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("uvicorn stopped during start-up (see the log above)")
        if server.started:
            try:
                httpx.get(f"{url}/login", timeout=2)
                return
            except httpx.HTTPError as exc:
                last_error = exc
        time.sleep(0.05)
    raise RuntimeError(f"the app did not answer on {url} within 20 s: {last_error}")


@pytest.fixture(scope="session", params=["sqlite"])
def engine_name(request: pytest.FixtureRequest) -> str:
    """Overrides the suite's two engines for the browser tests (see the module's text)."""
    return request.param


@pytest.fixture
def live_server(demo: Settings) -> Iterator[LiveServer]:
    # Throttle counters and sessions live in files that outlast one test: start clean.
    shutil.rmtree(demo.var_path / "store", ignore_errors=True)
    app = create_app(demo)
    # Bind first and hand the socket to uvicorn: no race for the free port.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True
    )
    thread.start()
    try:
        _wait_until_up(url, server, thread)
        yield LiveServer(url, demo)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        if thread.is_alive():  # pragma: no cover (only when shutdown hangs)
            server.force_exit = True
            thread.join(timeout=5)
            pytest.fail("uvicorn did not stop within 15 s")


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM_INSTALLED:
        message = f"{CHROMIUM} not installed (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


def artifact_name(request: pytest.FixtureRequest, engine_name: str) -> str:
    return f"{request.node.originalname}-{engine_name}"


@pytest.fixture
async def page(
    browser: Browser,
    live_server: LiveServer,
    engine_name: str,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Page]:
    context = await browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = await context.new_page()
    try:
        yield tab
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            await tab.screenshot(
                path=ARTIFACTS / f"{artifact_name(request, engine_name)}.png", full_page=True
            )
        finally:
            await context.close()


# --- accessibility and console checks -------------------------------------------------------


def format_violations(violations: list[dict]) -> str:
    """axe's violations as lines a person can act on: rule, impact, where, what to fix."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"  [{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {' '.join(node.get('html', '').split())[:200]}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                if summary_line.strip():
                    lines.append(f"       {summary_line.strip()}")
    return "\n".join(lines)


@dataclass
class Audit:
    page: Page
    name: str
    axe: Axe = field(default_factory=Axe)
    findings: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    async def check(self, step: str) -> None:
        """Run axe on the page as it is now and save a screenshot of this step."""
        step = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        self.steps.append(step)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(
            path=ARTIFACTS / f"{self.name}-{len(self.steps):02d}-{step}.png", full_page=True
        )
        results = await self.axe.run(
            self.page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        response = results.response
        violations = response["violations"]
        incomplete = sorted({item["id"] for item in response.get("incomplete", [])})
        self.summary.append(
            f"{len(self.steps):02d} {step} ({urlsplit(self.page.url).path}): "
            f"{len(response.get('passes', []))} rules passed, {len(violations)} violated"
            + (f", to review by hand: {', '.join(incomplete)}" if incomplete else "")
        )
        if violations:
            path = urlsplit(self.page.url).path
            self.findings.append(f"axe on step '{step}' ({path}):\n{format_violations(violations)}")

    def on_console(self, message: ConsoleMessage) -> None:
        # A form sent back with errors answers 400 on purpose; chromium logs that as an error.
        if message.type == "error" and not message.text.startswith(EXPECTED_400):
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def report(self) -> str:
        parts = list(self.findings)
        if self.console_errors:
            parts.append("console errors:\n" + "\n".join(f"- {e}" for e in self.console_errors))
        return "\n\n".join(parts)

    def assert_clean(self) -> None:
        assert self.steps, "no page was checked with axe"
        report = self.report()
        assert not report, f"accessibility or console problems in {self.name}:\n\n{report}"


@pytest.fixture
async def audit(
    page: Page, engine_name: str, request: pytest.FixtureRequest
) -> AsyncIterator[Audit]:
    # Async: adding a Playwright listener needs the running event loop.
    name = artifact_name(request, engine_name)
    for old in ARTIFACTS.glob(f"{name}-[0-9][0-9]-*.png"):
        old.unlink()
    checker = Audit(page, name)
    page.on("console", checker.on_console)
    page.on("pageerror", lambda error: checker.console_errors.append(f"page error: {error}"))
    yield checker
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}-axe.txt").write_text(
        f"axe-core on {', '.join(WCAG_TAGS)}, per step:\n"
        + "\n".join(checker.summary)
        + "\n\n"
        + (checker.report() or "no findings")
        + "\n"
    )
