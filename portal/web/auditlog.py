"""The privacy officer's view of the audit log: search per inburgeraar or per staff member."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portal.auth.guards import allow
from portal.core import audit
from portal.core.pagination import Page, PageRequest
from portal.web.templating import page
from tenants import staff_lookup
from tenants.roles import Role


@get("/r/{slug:str}/auditlog", guards=[allow(Role.PRIVACY)], name="auditlog")
async def auditlog(
    request: Request,
    slug: FromPath[str],
    medewerker: FromQuery[str] = "",
    dossier: FromQuery[str] = "",
    pagina: FromQuery[str] = "1",
) -> Template:
    scope = request.scope["auth"]
    page_request = PageRequest.parse(pagina, size=50)
    dossier = dossier.strip()
    actors = await staff_lookup.matching_people(scope, medewerker) if medewerker.strip() else None
    rows, total = await audit.search(
        scope.tenant_id,
        subject_ref=f"inburgeraar:{int(dossier)}" if dossier.isdigit() else None,
        actor_person_ids=actors,
        limit=page_request.size,
        offset=page_request.offset,
    )
    who = await staff_lookup.names(
        scope, {r["actor_person_id"] for r in rows if r["actor_person_id"]}
    )
    result = Page(rows=rows, total=total, number=page_request.number, size=page_request.size)
    return page(
        request,
        "portal/auditlog.html",
        result=result,
        links=result.with_links(request.url.path, {"medewerker": medewerker, "dossier": dossier}),
        medewerker=medewerker,
        dossier=dossier,
        who=who,
    )


ROUTES = [auditlog]
