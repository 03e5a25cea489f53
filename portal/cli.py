"""The `portal` command: migrate, seed the demo, serve, run the worker and beat, or all at once."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from portal.core.settings import PROJECT_ROOT, SettingsError, load_settings, settings_table


def _settings():
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def main() -> None:
    """Regioportaal inburgering."""
    # Every command runs with the partner packages' rules (closing flows), as the app does.
    from partners.registry import register_all

    register_all(web=False)


@main.command()
def migrate() -> None:
    """Run every migration of every app on the configured database."""
    settings = _settings()
    from piccolo.apps.migrations.commands.forwards import run_forwards

    from portal.core import database

    if settings.uses_sqlite:
        database.prepare_sqlite(settings.database_url)
    result = asyncio.run(run_forwards(app_name="all"))
    if not result.success:
        raise click.ClickException(f"Migrations failed: {result.message}")


@main.command("seed-demo")
def seed_demo() -> None:
    """Create the demo regio's and people (idempotent; refused in production)."""
    settings = _settings()
    if settings.is_production:
        raise click.ClickException("The demo data is not for production.")
    from partners.demo import seed_all
    from portal.core import database
    from portal.demo import LOGINS

    database.bind(database.engine_from_url(settings.database_url))
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    created = asyncio.run(seed_all(settings.data_key, today, settings.documents_path))
    click.echo(f"Demo: {len(created)} things created" if created else "Demo: already complete")
    click.echo("\nDemo log-ins (password: demo)")
    for email, organisation, role in LOGINS:
        click.echo(f"  {email:<32} {role.label:<20} {organisation}")


@main.command()
def remind() -> None:
    """Run the reminder job once for every active regio, then deliver the mails (as beat
    does at 07:00 and 13:00; used after seeding the demo)."""
    settings = _settings()
    from datetime import UTC

    from portal.core import clock, database
    from portal.notifications import delivery, runner
    from tenants import accounts
    from tenants.scope import Scope

    database.bind(database.engine_from_url(settings.database_url))

    async def run_all() -> None:
        for regio in await accounts.all_regios():
            if not regio["active"]:
                continue
            scope = Scope.system(regio["id"], regio["slug"], "cli-remind")
            report = await runner.run_reminders(scope, clock.today())
            sent = await delivery.deliver(scope, settings, datetime.now(UTC))
            click.echo(f"{regio['slug']}: {sum(report.new.values())} new, {sent.mails} mails")

    asyncio.run(run_all())


@main.command()
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
def serve(reload: bool) -> None:
    """Serve the web app with uvicorn."""
    import uvicorn

    settings = _settings()
    uvicorn.run(
        "portal.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        reload=reload,
        # X-Forwarded-For is read by the app itself, from PORTAL_TRUSTED_PROXIES only
        # (portal/web/middleware.py); uvicorn's own reading trusts any local client.
        proxy_headers=False,
        log_level="info",
        # Our own access log (portal/web/access_log.py) masks a BSN; uvicorn's would not.
        access_log=False,
        log_config=_log_config(),
    )


def _log_config() -> dict:
    """uvicorn's logging set-up, plus a handler for the portal's own loggers (the access
    log among them)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["portal"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


@main.command()
def worker() -> None:
    """Run a Celery worker (solo pool on the embedded broker)."""
    settings = _settings()
    pool = ["--pool=solo"] if settings.uses_filesystem_broker else ["--concurrency=2"]
    os.execvp(  # noqa: S606 (our own interpreter and fixed arguments)
        sys.executable,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tasks.celery_app",
            "worker",
            "--loglevel=INFO",
            *pool,
        ],
    )


@main.command()
def beat() -> None:
    """Run Celery beat, the scheduler of the periodic jobs."""
    _settings()
    os.execvp(  # noqa: S606 (our own interpreter and fixed arguments)
        sys.executable,
        [sys.executable, "-m", "celery", "-A", "tasks.celery_app", "beat", "--loglevel=INFO"],
    )


@main.command()
def run() -> None:
    """Web app, worker and beat together; Ctrl-C stops all three."""
    _settings()
    portal = [sys.executable, "-m", "portal.cli"]
    children = [
        subprocess.Popen([*portal, name], cwd=PROJECT_ROOT, start_new_session=True)  # noqa: S603
        for name in ("serve", "worker", "beat")
    ]

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        click.echo("A process of the portal stopped; stopping the others.", err=True)
    except KeyboardInterrupt:
        click.echo("\nStopping the portal ...")
    finally:
        stop()


@main.command("settings-doc")
@click.option("--write", is_flag=True, help="Write docs/settings.md instead of printing.")
def settings_doc(write: bool) -> None:
    """Print (or write) the table of PORTAL_* settings."""
    text = render_settings_doc()
    if write:
        Path(PROJECT_ROOT / "docs" / "settings.md").write_text(text)
    else:
        click.echo(text)


def render_settings_doc() -> str:
    return (
        "# Settings\n\n"
        "Generated by `portal settings-doc --write` from `portal/core/settings.py`; a test fails "
        "when this file and the code disagree.\n\n"
        "Every setting is an environment variable. The defaults are the embedded mode "
        "(`make run`): SQLite and the filesystem broker under `var/`, nothing to install.\n\n"
        + settings_table()
    )


@main.command("kpi-doc")
@click.option("--write", is_flag=True, help="Write docs/kpis.md instead of printing.")
def kpi_doc(write: bool) -> None:
    """Print (or write) the definitions of the KPI catalogue."""
    from portal.kpi.doc import render_kpi_doc

    text = render_kpi_doc()
    if write:
        Path(PROJECT_ROOT / "docs" / "kpis.md").write_text(text)
    else:
        click.echo(text)


if __name__ == "__main__":
    main()
