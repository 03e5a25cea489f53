"""Test set-up: one suite, run on SQLite and on PostgreSQL by switching the engine.

- `engine_name` is parametrised over "sqlite" and "postgres"; each engine gets a fresh
  database, migrated from empty by the real `portal migrate` command.
- When PostgreSQL or Redis do not answer, their tests skip locally and FAIL under CI=true.
- Tests through the HTTP client cannot roll back per test (the request runs in another task),
  so every table is emptied after each test instead (tests/database_reset.py).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Cheap password hashing for the whole run, child processes (migrate, worker) included: set
# before the app is imported, because the password module reads it once at import.
os.environ["PORTAL_FAST_PASSWORD_HASHING"] = "1"

from litestar import Litestar
from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.core import database
from portal.core.settings import PROJECT_ROOT, Settings, load_settings
from tests.database_reset import Snapshot, empty_all_tables, restore_snapshot, take_snapshot

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get(
    "PORTAL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=1):
            return True
    except OSError:
        return False


POSTGRES_UP = _reachable(PG_ADMIN_URL)
REDIS_UP = _reachable(REDIS_URL)


def pytest_sessionstart(session: pytest.Session) -> None:
    missing = [name for name, up in (("PostgreSQL", POSTGRES_UP), ("Redis", REDIS_UP)) if not up]
    if IN_CI and missing:
        pytest.exit(
            f"CI=true but {', '.join(missing)} not reachable: failing instead of skipping", 1
        )


def require_postgres() -> None:
    if not POSTGRES_UP:
        pytest.skip("PostgreSQL not reachable (CI fails instead)")


def require_redis() -> None:
    if not REDIS_UP:
        pytest.skip("Redis not reachable (CI fails instead)")


def migrate(database_url: str, var_dir: Path) -> None:
    """Run the real `portal migrate` in a child process (Piccolo's CLI reads the URL once)."""
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_VAR_DIR": str(var_dir),
        "PORTAL_ENV": "test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", "migrate"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _admin(*statements: str) -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def create_postgres_database(name: str) -> str:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_postgres_database(name: str) -> None:
    """Remove a test database, so runs leave nothing behind on the shared server."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Database:
    name: str
    url: str
    var_dir: Path


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Database:
    var_dir = tmp_path_factory.mktemp("sqlite-var")
    url = f"sqlite:///{var_dir / 'portal.sqlite3'}"
    migrate(url, var_dir)
    return Database("sqlite", url, var_dir)


@pytest.fixture(scope="session")
def postgres_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    require_postgres()
    var_dir = tmp_path_factory.mktemp("postgres-var")
    name = f"portal_test_{os.getpid()}"
    url = create_postgres_database(name)
    try:
        migrate(url, var_dir)
        yield Database("postgres", url, var_dir)
    finally:
        drop_postgres_database(name)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated(engine_name: str, request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue(f"{engine_name}_database")


def make_settings(db: Database, **overrides: object) -> Settings:
    return load_settings(
        environ={},
        env="test",
        database_url=db.url,
        var_dir=str(db.var_dir),
        secret_key="test-secret-key-that-is-long-enough-for-csrf",
        database_pool_size=4,
        **overrides,
    )


@pytest.fixture
def settings(migrated: Database) -> Settings:
    return make_settings(migrated)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Settings]:
    """A bound, empty, migrated database for one test. On PostgreSQL the test's own event
    loop gets a connection pool for the whole run (the app's loop starts its own at start-up:
    portal/core/database.py), so neither opens a connection per query."""
    engine = database.bind(database.engine_from_url(settings.database_url))
    if engine.engine_type == "postgres" and engine.pool is None:
        await engine.start_connection_pool(min_size=1, max_size=4)
    try:
        yield settings
    finally:
        # A test may have built an app on other settings, which rebinds the tables.
        database.bind(engine)
        await empty_all_tables(settings.database_url)


@pytest.fixture(scope="session")
def demo_snapshots() -> dict[str, Snapshot]:
    """The seeded demo per database, taken once and restored for every test after."""
    return {}


@pytest.fixture
async def demo(db: Settings, demo_snapshots: dict[str, Snapshot]) -> Settings:
    """The demo regio's, seeded by the real services once per database and restored from a
    snapshot for each later test (seeding costs seconds: password hashes, PIPs, acceptances)."""
    from partners.demo import seed_all
    from portal.casefile.routes import today

    snapshot = demo_snapshots.get(db.database_url)
    if snapshot is None:
        await seed_all(db.data_key, today(), db.documents_path)
        demo_snapshots[db.database_url] = await take_snapshot(db.database_url)
    else:
        await restore_snapshot(db.database_url, snapshot)
    return db


@pytest.fixture(scope="session")
def apps() -> dict[Settings, Litestar]:
    """One app per settings object for the whole run: building one costs a third of a
    second (Litestar reads every handler's signature), and the suite needs hundreds. An
    app keeps nothing between tests: sessions and counters live in the store folder, which
    is emptied, and every request reads the database afresh."""
    return {}


def _empty_folder(folder: Path) -> None:
    """Delete the files below `folder` but keep its folders: a file store made by the app
    creates its own folder once, not before every write."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.rglob("*"):
        if path.is_file():
            path.unlink()


BASE_URL = "http://127.0.0.1:8000"


def _app_for(settings: Settings, apps: dict[Settings, Litestar]) -> Litestar:
    """The run's app for these settings, with the sessions and counters of earlier tests
    gone, and the tables bound to its database again (another app may have rebound them)."""
    _empty_folder(settings.var_path / "store")
    if settings not in apps:
        apps[settings] = create_app(settings)
    database.bind(database.engine_from_url(settings.database_url))
    return apps[settings]


@pytest.fixture
async def client(demo: Settings, apps: dict[Settings, Litestar]) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=_app_for(demo, apps), base_url=BASE_URL) as test_client:
        yield test_client


CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def login(
    client: AsyncTestClient,
    email: str,
    password: str = "demo",  # noqa: S107
    choose: str | None = None,
):
    """Log in through the real form, as a person would; optionally pick a role by its label."""
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    if response.headers["location"].startswith("/kies-rol") and choose is not None:
        page = await client.get("/kies-rol")
        match = re.search(
            r'value="(\d+)"[^>]*>\s*<span class="portal-choice__title">' + re.escape(choose),
            page.text,
        )
        assert match, f"no role {choose!r} to choose"
        response = await client.post(
            "/kies-rol",
            data={"membership": match.group(1), "_csrf_token": csrf_from(page.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303
    return response


async def token(client: AsyncTestClient, path: str = "/account/wachtwoord") -> str:
    """A CSRF token from a page the logged-in person can open."""
    return csrf_from((await client.get(path)).text)
