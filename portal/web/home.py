"""The start page of a regio: what needs attention today for the actor's role."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from portal.casefile import inburgeraars, pip_tasks
from portal.core.clock import today
from portal.web.start_tiles import tiles_for
from portal.web.templating import page
from tenants import organisations
from tenants.roles import Role

CASE_ROLES = (Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.COA, Role.BEGELEIDER)


@get("/r/{slug:str}/", name="regio_home")
async def regio_home(request: Request, slug: FromPath[str]) -> Template:
    scope = request.scope["auth"]
    context: dict[str, object] = {
        "summary": await organisations.directory_summary(scope),
        "partner_tiles": await tiles_for(scope),
    }
    if scope.role in CASE_ROLES:
        context["tasks"] = await pip_tasks.inbox_counts(scope, today())
        context["soon_days"] = pip_tasks.SOON_DAYS
    if scope.role is Role.REGIEVOERDER:
        context["deadlines"] = await inburgeraars.deadline_counts(
            scope, request.app.state.settings.data_key, today()
        )
    return page(request, "portal/home.html", Role=Role, **context)


ROUTES = [regio_home]
