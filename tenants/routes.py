"""Routes of a regio's organisations and people. Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from portal.auth.guards import allow
from portal.core.pagination import PageRequest
from portal.core.validation import ValidationFailed
from portal.notifications import reminder_settings
from portal.notifications.reminder_kinds import reminder_kinds
from portal.web.flash import flash
from portal.web.request_values import actor_scope, form_text
from portal.web.search import read_search
from portal.web.templating import page
from tenants import organisations, people, regio_settings
from tenants.roles import KIND_LABELS, MEMBERSHIP_ROLES, OrganisationKind, Role
from tenants.scope import Scope

ADMIN = [allow(Role.BEHEERDER)]
KIND_OPTIONS = [(kind.value, KIND_LABELS[kind]) for kind in OrganisationKind]
ROLE_OPTIONS = [(role.value, role.label) for role in MEMBERSHIP_ROLES]


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _organisation_input(form: FormMultiDict) -> organisations.OrganisationInput:
    # Only these fields are read from the form: anything else it carries (a tenant, an id) is
    # ignored, which is what stops mass assignment.
    return organisations.OrganisationInput(
        name=form_text(form, "name"),
        kind=form_text(form, "kind"),
        oin=form_text(form, "oin"),
        contact_email=form_text(form, "contact_email"),
        contact_phone=form_text(form, "contact_phone"),
    )


class OrganisationController(Controller):
    path = "/r/{slug:str}/organisaties"

    @get("/", name="organisations")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        soort: FromQuery[str] = "",
        pagina: FromQuery[str] = "1",
        inactief: FromQuery[str] = "",
    ) -> Template:
        scope = actor_scope(request)
        search = read_search(request, "zoek")
        filters = organisations.OrganisationFilter(
            search=search.text("zoek").strip()[:100],
            kind=soort,
            include_inactive=bool(inactief) and scope.role is Role.BEHEERDER,
        )
        result = await organisations.list_organisations(scope, filters, PageRequest.parse(pagina))
        return page(
            request,
            "tenants/organisations.html",
            result=result,
            links=result.with_links(
                request.url.path, search.link_params(soort=soort, inactief=inactief)
            ),
            filters=filters,
            kind_options=KIND_OPTIONS,
            can_manage=scope.role is Role.BEHEERDER,
        )

    @get("/nieuw", guards=ADMIN, name="organisation_new")
    async def new_form(self, request: Request, slug: FromPath[str]) -> Template:
        return page(
            request,
            "tenants/organisation_form.html",
            values={},
            errors={},
            kind_options=KIND_OPTIONS,
        )

    @post("/nieuw", guards=ADMIN)
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        data = _organisation_input(form)
        try:
            await organisations.create_organisation(actor_scope(request), data)
        except ValidationFailed as failed:
            return page(
                request,
                "tenants/organisation_form.html",
                status_code=400,
                values=data.__dict__,
                errors=failed.errors,
                kind_options=KIND_OPTIONS,
            )
        flash(request, f"Organisatie ‘{data.name}’ is toegevoegd.")
        return Redirect(path=f"/r/{slug}/organisaties", status_code=303)

    @get("/{organisation_id:int}/bewerken", guards=ADMIN, name="organisation_edit")
    async def edit_form(
        self, request: Request, slug: FromPath[str], organisation_id: FromPath[int]
    ) -> Template:
        row = await organisations.get_organisation(actor_scope(request), organisation_id)
        values = {key: value or "" for key, value in row.items()}
        return page(
            request,
            "tenants/organisation_form.html",
            organisation=row,
            values=values,
            errors={},
            kind_options=KIND_OPTIONS,
        )

    @post("/{organisation_id:int}/bewerken", guards=ADMIN)
    async def update(
        self, request: Request, slug: FromPath[str], organisation_id: FromPath[int]
    ) -> Template | Redirect:
        scope = actor_scope(request)
        row = await organisations.get_organisation(scope, organisation_id)
        form = await request.form()
        data = _organisation_input(form)
        try:
            await organisations.update_organisation(scope, organisation_id, data)
        except ValidationFailed as failed:
            return page(
                request,
                "tenants/organisation_form.html",
                status_code=400,
                organisation=row,
                values=data.__dict__,
                errors=failed.errors,
                kind_options=KIND_OPTIONS,
            )
        flash(request, f"Organisatie ‘{data.name}’ is opgeslagen.")
        return Redirect(path=f"/r/{slug}/organisaties", status_code=303)

    @post("/{organisation_id:int}/deactiveren", guards=ADMIN)
    async def deactivate(
        self, request: Request, slug: FromPath[str], organisation_id: FromPath[int]
    ) -> Redirect:
        await organisations.set_organisation_active(actor_scope(request), organisation_id, False)
        flash(
            request,
            "De organisatie is gedeactiveerd. Haar medewerkers kunnen niet meer voor haar werken.",
        )
        return Redirect(path=f"/r/{slug}/organisaties", status_code=303)

    @post("/{organisation_id:int}/activeren", guards=ADMIN)
    async def activate(
        self, request: Request, slug: FromPath[str], organisation_id: FromPath[int]
    ) -> Redirect:
        await organisations.set_organisation_active(actor_scope(request), organisation_id, True)
        flash(request, "De organisatie is weer actief.")
        return Redirect(path=f"/r/{slug}/organisaties?inactief=1", status_code=303)


class PeopleController(Controller):
    path = "/r/{slug:str}/personen"
    guards = ADMIN

    async def _form_context(self, scope: Scope) -> dict[str, Any]:
        options = await organisations.organisation_options(scope)
        return {
            "organisation_options": [(str(o["id"]), o["name"]) for o in options],
            "role_options": ROLE_OPTIONS,
        }

    @get("/", name="people")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        organisatie: FromQuery[str] = "",
        rol: FromQuery[str] = "",
        pagina: FromQuery[str] = "1",
        inactief: FromQuery[str] = "",
    ) -> Template:
        scope = actor_scope(request)
        search = read_search(request, "zoek")
        filters = people.PersonFilter(
            search=search.text("zoek").strip()[:100],
            organisation_id=_int(organisatie),
            role=rol,
            include_inactive=bool(inactief),
        )
        result = await people.list_people(scope, filters, PageRequest.parse(pagina))
        return page(
            request,
            "tenants/people.html",
            result=result,
            invitations=await people.list_invitations(scope),
            links=result.with_links(
                request.url.path,
                search.link_params(organisatie=organisatie, rol=rol, inactief=inactief),
            ),
            filters=filters,
            **await self._form_context(scope),
        )

    @get("/nieuw", name="person_new")
    async def new_form(self, request: Request, slug: FromPath[str]) -> Template:
        return page(
            request,
            "tenants/person_new.html",
            values={},
            errors={},
            **await self._form_context(actor_scope(request)),
        )

    @post("/nieuw")
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        scope = actor_scope(request)
        form = await request.form()
        new = people.NewPerson(
            email=form_text(form, "email"),
            full_name=form_text(form, "full_name"),
            organisation_id=_int(form.get("organisation_id")),
            role=form_text(form, "role"),
            password=str(form.get("password", "")),
        )
        try:
            given = await people.invite_person(scope, new)
        except ValidationFailed as failed:
            values = {**new.__dict__, "password": ""}
            return page(
                request,
                "tenants/person_new.html",
                status_code=400,
                values=values,
                errors=failed.errors,
                **await self._form_context(scope),
            )
        if given:
            flash(request, f"{new.email} heeft de rol erbij gekregen.")
        else:
            # One answer whether or not the address has an account anywhere on the platform.
            flash(
                request,
                f"Uitnodiging verstuurd aan {new.email}. Na het inloggen kan deze persoon de "
                "uitnodiging aannemen.",
            )
        return Redirect(path=f"/r/{slug}/personen", status_code=303)

    @get("/{person_id:int}", name="person")
    async def detail(
        self, request: Request, slug: FromPath[str], person_id: FromPath[int]
    ) -> Template:
        scope = actor_scope(request)
        person = await people.get_person(scope, person_id)
        return page(
            request,
            "tenants/person.html",
            person=person,
            values={},
            errors={},
            **await self._form_context(scope),
        )

    @get("/{person_id:int}/bewerken", name="person_edit")
    async def edit_form(
        self, request: Request, slug: FromPath[str], person_id: FromPath[int]
    ) -> Template:
        person = await people.get_person(actor_scope(request), person_id)
        return page(request, "tenants/person_edit.html", person=person, values=person, errors={})

    @post("/{person_id:int}/bewerken")
    async def update(
        self, request: Request, slug: FromPath[str], person_id: FromPath[int]
    ) -> Template | Redirect:
        scope = actor_scope(request)
        form = await request.form()
        change = people.PersonChange(
            email=form_text(form, "email"), full_name=form_text(form, "full_name")
        )
        try:
            await people.update_person(scope, person_id, change)
        except ValidationFailed as failed:
            person = await people.get_person(scope, person_id)
            return page(
                request,
                "tenants/person_edit.html",
                status_code=400,
                person=person,
                values=change.__dict__,
                errors=failed.errors,
            )
        flash(request, "De gegevens zijn opgeslagen.")
        return Redirect(path=f"/r/{slug}/personen/{person_id}", status_code=303)

    @post("/{person_id:int}/deactiveren")
    async def deactivate(
        self, request: Request, slug: FromPath[str], person_id: FromPath[int]
    ) -> Redirect:
        await people.deactivate_person(actor_scope(request), person_id)
        flash(
            request,
            "Deze persoon kan niet meer voor deze regio werken. Wie voor deze regio was "
            "ingelogd, is uitgelogd.",
        )
        return Redirect(path=f"/r/{slug}/personen/{person_id}", status_code=303)

    @post("/{person_id:int}/rollen")
    async def add_membership(
        self, request: Request, slug: FromPath[str], person_id: FromPath[int]
    ) -> Template | Redirect:
        scope = actor_scope(request)
        form = await request.form()
        new = people.NewMembership(
            organisation_id=_int(form.get("organisation_id")), role=form_text(form, "role")
        )
        try:
            await people.add_membership(scope, person_id, new)
        except ValidationFailed as failed:
            person = await people.get_person(scope, person_id)
            return page(
                request,
                "tenants/person.html",
                status_code=400,
                person=person,
                values=new.__dict__,
                errors=failed.errors,
                **await self._form_context(scope),
            )
        flash(request, "De rol is toegevoegd.")
        return Redirect(path=f"/r/{slug}/personen/{person_id}", status_code=303)

    @post("/rollen/{membership_id:int}/deactiveren")
    async def deactivate_membership(
        self, request: Request, slug: FromPath[str], membership_id: FromPath[int]
    ) -> Redirect:
        person_id = await people.set_membership_active(actor_scope(request), membership_id, False)
        flash(request, "De rol is gedeactiveerd. Wie in deze rol was ingelogd, is uitgelogd.")
        return Redirect(path=f"/r/{slug}/personen/{person_id}", status_code=303)

    @post("/rollen/{membership_id:int}/activeren")
    async def activate_membership(
        self, request: Request, slug: FromPath[str], membership_id: FromPath[int]
    ) -> Redirect:
        person_id = await people.set_membership_active(actor_scope(request), membership_id, True)
        flash(request, "De rol is weer actief.")
        return Redirect(path=f"/r/{slug}/personen/{person_id}", status_code=303)


class RegioSettingsController(Controller):
    path = "/r/{slug:str}/instellingen"
    guards = ADMIN

    async def _page(
        self,
        request: Request,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        reminder_errors: dict[str, str] | None = None,
        reminder_values: dict[str, str] | None = None,
    ) -> Template:
        """The settings page: the regio's own settings and its reminder numbers, each a form
        of its own (what one form kept as typed is shown again beside the other's values)."""
        scope = actor_scope(request)
        return page(
            request,
            "tenants/regio_settings.html",
            status_code=status_code,
            current=await regio_settings.get_regio_settings(scope, request.app.state.settings),
            reminders=await reminder_settings.settings_form(scope),
            errors=errors or {},
            values=values or {},
            reminder_errors=reminder_errors or {},
            reminder_values=reminder_values or {},
        )

    @get("/", name="regio_settings")
    async def form(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._page(request)

    @post("/")
    async def save(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        values = {
            "session_idle_minutes": form_text(form, "session_idle_minutes"),
            "partner_access_days": form_text(form, "partner_access_days"),
        }
        try:
            await regio_settings.save_regio_settings(
                actor_scope(request),
                request.app.state.settings,
                values["session_idle_minutes"],
                values["partner_access_days"],
            )
        except ValidationFailed as failed:
            return await self._page(request, 400, errors=failed.errors, values=values)
        flash(request, "De instellingen van de regio zijn opgeslagen.")
        return Redirect(path=f"/r/{slug}/instellingen", status_code=303)

    @post("/herinneringen")
    async def save_reminders(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        values = {
            f"herinnering_{kind.code}": form_text(form, f"herinnering_{kind.code}")
            for kind in reminder_kinds()
        }
        try:
            await reminder_settings.save_numbers(actor_scope(request), values)
        except ValidationFailed as failed:
            return await self._page(
                request, 400, reminder_errors=failed.errors, reminder_values=values
            )
        flash(request, "De herinneringen van de regio zijn opgeslagen.")
        return Redirect(path=f"/r/{slug}/instellingen#herinneringen", status_code=303)
