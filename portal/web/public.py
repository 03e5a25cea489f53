"""Pages and endpoints outside any regio: start, health, accessibility and privacy texts."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from portal.web.health import check_health
from portal.web.templating import page

PUBLIC = {"public": True}


@get("/", opt=PUBLIC, name="start")
async def start(request: Request) -> Redirect:
    actor = request.scope.get("user")
    return Redirect(path=actor.home if actor else "/login", status_code=303)


@get("/health", opt=PUBLIC, name="health")
async def health(request: Request) -> Response:
    """Database and broker state, for load balancers and monitoring (503 when one is down)."""
    report = await check_health(request.app.state.settings)
    return Response(
        report.as_dict(),
        status_code=HTTP_200_OK if report.ok else HTTP_503_SERVICE_UNAVAILABLE,
    )


@get("/toegankelijkheid", opt=PUBLIC, name="accessibility")
async def accessibility(request: Request) -> Template:
    return page(request, "public/toegankelijkheid.html")


@get("/privacy", opt=PUBLIC, name="privacy")
async def privacy(request: Request) -> Template:
    return page(request, "public/privacy.html")


ROUTES = [start, health, accessibility, privacy]
