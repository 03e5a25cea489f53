"""The composition root: builds the Litestar app from a Settings object."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from litestar import Litestar
from litestar.datastructures import State
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from piccolo.engine.postgres import PostgresEngine

from partners.begeleiding import routes as begeleiding_routes
from partners.coa import routes as coa_routes
from partners.convenants import routes as convenant_routes
from partners.registry import register_all
from partners.taal import routes as taal_routes
from portal.auth.csrf import CsrfMiddleware
from portal.auth.device_lock import DeviceLockMiddleware
from portal.auth.guards import login_required, regio_matches
from portal.auth.routes import AuthController
from portal.auth.sessions import make_stores, session_config
from portal.auth.throttle import make_counters
from portal.casefile.import_routes import DuoImportController
from portal.casefile.monitor_routes import MonitorController
from portal.casefile.routes import InburgeraarController, TaskController, TaskTemplateController
from portal.core import database
from portal.core.broker import broker_options
from portal.core.settings import PROJECT_ROOT, Settings, load_settings
from portal.notifications import routes as notification_routes
from portal.web import auditlog, home, public, search_routes
from portal.web.access_log import BsnInUrlGuard, access_log
from portal.web.errors import EXCEPTION_HANDLERS
from portal.web.middleware import ActorMiddleware, security_headers
from portal.web.templating import configure_engine
from tenants.platform_routes import PlatformController
from tenants.routes import OrganisationController, PeopleController, RegioSettingsController

log = logging.getLogger("portal.app")


def create_app(settings: Settings | None = None) -> Litestar:
    """A fully configured app; tests pass their own settings."""
    settings = settings or load_settings()
    logging.getLogger("portal").setLevel(settings.log_level)
    engine = database.engine_from_url(settings.database_url)
    if settings.uses_sqlite:
        database.prepare_sqlite(settings.database_url)
    database.bind(engine)
    broker_options(settings)
    register_all(web=True)

    @asynccontextmanager
    async def pool(app: Litestar) -> AsyncIterator[None]:
        pooled = False
        if isinstance(engine, PostgresEngine) and settings.database_pool_size > 0:
            try:
                await engine.start_connection_pool(min_size=1, max_size=settings.database_pool_size)
                pooled = True
            except (OSError, asyncpg.PostgresError) as exc:
                # Start anyway: /health reports the database as down, and every query opens
                # its own connection until the app restarts with a pool.
                log.warning("PostgreSQL unreachable at start-up, running without a pool: %s", exc)
        try:
            yield
        finally:
            if pooled:
                await engine.close_connection_pool()

    sessions = session_config(settings)
    app = Litestar(
        route_handlers=[
            *public.ROUTES,
            AuthController,
            *home.ROUTES,
            DuoImportController,
            MonitorController,
            InburgeraarController,
            TaskController,
            TaskTemplateController,
            OrganisationController,
            PeopleController,
            RegioSettingsController,
            PlatformController,
            *auditlog.ROUTES,
            *notification_routes.ROUTES,
            *search_routes.ROUTES,
            *coa_routes.ROUTE_HANDLERS,
            *begeleiding_routes.ROUTE_HANDLERS,
            *taal_routes.ROUTE_HANDLERS,
            *convenant_routes.ROUTE_HANDLERS,
            create_static_files_router(
                path="/static",
                directories=[PROJECT_ROOT / "static"],
                name="static",
                opt={"public": True},
                cache_control=None,
            ),
        ],
        lifespan=[pool],
        # The CSRF check sits between the two: it binds tokens to the loaded session, before
        # the actor middleware may end that session.
        middleware=[
            sessions.middleware,
            CsrfMiddleware(settings, session_cookie=sessions.key),
            ActorMiddleware(settings),
            DeviceLockMiddleware(),
            BsnInUrlGuard(),
        ],
        guards=[login_required, regio_matches],
        before_send=[security_headers(settings), access_log()],
        template_config=TemplateConfig(
            directory=PROJECT_ROOT / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_engine,
        ),
        plugins=[HTMXPlugin()],
        stores=make_stores(settings),
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"settings": settings, "counters": make_counters(settings)}),
        openapi_config=None,
        debug=False,
    )
    return app
