"""The privacy officer's audit log: search in Dutch sentences, and export as CSV."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Stream, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from portal.auth.guards import allow
from portal.core.csv_export import Flavour
from portal.core.pagination import PageRequest
from portal.core.validation import ValidationFailed
from portal.web.audit_search import PAGE_SIZE, AuditSearch, export, search
from portal.web.request_values import actor_scope
from portal.web.search import Search, read_search
from portal.web.templating import page
from tenants.roles import Role

# Free text (a name, a number) travels as a search token, never in the URL (search.py).
TEXT_FIELDS = ("naam", "dossier", "medewerker")


def _form(request: Request, organisatie: str, van: str, tot: str) -> tuple[AuditSearch, Search]:
    found = read_search(request, *TEXT_FIELDS)
    form = AuditSearch(
        naam=found.text("naam"),
        dossier=found.text("dossier"),
        medewerker=found.text("medewerker"),
        organisatie=organisatie,
        van=van,
        tot=tot,
    )
    return form, found


@get("/r/{slug:str}/auditlog", guards=[allow(Role.PRIVACY)], name="auditlog")
async def auditlog(
    request: Request,
    slug: FromPath[str],
    organisatie: FromQuery[str] = "",
    van: FromQuery[str] = "",
    tot: FromQuery[str] = "",
    pagina: FromQuery[str] = "1",
) -> Template:
    return await _page(request, *_form(request, organisatie, van, tot), pagina)


async def _page(request: Request, form: AuditSearch, texts: Search, pagina: str) -> Template:
    found = await search(actor_scope(request), form, PageRequest.parse(pagina, size=PAGE_SIZE))
    params = texts.link_params(organisatie=form.organisatie, van=form.van, tot=form.tot)
    return page(
        request,
        "portal/auditlog.html",
        status_code=HTTP_400_BAD_REQUEST if found.errors else 200,
        result=found.page,
        links=found.page.with_links(request.url.path, params),
        form=form,
        errors=found.errors,
        organisations=found.organisations,
        too_many_names=found.too_many_names,
        export_params=params,
    )


@get("/r/{slug:str}/auditlog/export.csv", guards=[allow(Role.PRIVACY)], name="auditlog_export")
async def auditlog_export(
    request: Request,
    slug: FromPath[str],
    organisatie: FromQuery[str] = "",
    van: FromQuery[str] = "",
    tot: FromQuery[str] = "",
    formaat: FromQuery[str] = "excel",
) -> Stream | Template:
    form, texts = _form(request, organisatie, van, tot)
    flavour = Flavour.RFC4180 if formaat == Flavour.RFC4180 else Flavour.EXCEL
    try:
        body = await export(actor_scope(request), form, flavour)
    except ValidationFailed:
        # The page shows every message beside its field.
        return await _page(request, form, texts, "1")
    name = "auditlog.csv" if flavour is Flavour.EXCEL else "auditlog-rfc4180.csv"
    media = "text/csv; charset=utf-8" + ("" if flavour is Flavour.EXCEL else "; header=present")
    return Stream(
        body, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


ROUTES = [auditlog, auditlog_export]
