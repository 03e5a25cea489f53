"""Routes of the platform superadmin: the regio's and their first beheerder."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from portal.auth.guards import allow
from portal.core.validation import ValidationFailed
from portal.web.flash import flash
from portal.web.templating import page
from tenants import regios
from tenants.roles import Role


class PlatformController(Controller):
    path = "/platform/regios"
    guards = [allow(Role.SUPERADMIN)]

    @get("/", name="platform_regios")
    async def index(self, request: Request) -> Template:
        return page(
            request,
            "tenants/platform_regios.html",
            regios=await regios.list_regios(request.scope["auth"]),
        )

    @get("/nieuw", name="platform_regio_new")
    async def new_form(self, request: Request) -> Template:
        return page(request, "tenants/platform_regio_new.html", values={}, errors={})

    @post("/nieuw")
    async def create(self, request: Request) -> Template | Redirect:
        form = await request.form()
        new = regios.NewRegio(
            slug=str(form.get("slug", "")),
            name=str(form.get("name", "")),
            office_name=str(form.get("office_name", "")),
            admin_email=str(form.get("admin_email", "")),
            admin_name=str(form.get("admin_name", "")),
            admin_password=str(form.get("admin_password", "")),
        )
        try:
            await regios.create_regio(request.scope["auth"], new)
        except ValidationFailed as failed:
            values = {**new.__dict__, "admin_password": ""}
            return page(
                request,
                "tenants/platform_regio_new.html",
                status_code=400,
                values=values,
                errors=failed.errors,
            )
        flash(request, f"Regio ‘{new.name}’ is aangemaakt. De beheerder kan nu inloggen.")
        return Redirect(path="/platform/regios", status_code=303)
