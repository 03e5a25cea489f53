"""Routes of the warme overdracht: COA's koppelingen, the gemeente's inbox, the coordinator's
counts, and the overdracht's section on the case page. Thin: the rules are in the services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_413_REQUEST_ENTITY_TOO_LARGE

from partners.coa import acceptance, documents, handover, profile, regio_counts
from portal.auth.guards import allow
from portal.core.clock import today
from portal.core.pagination import PageRequest
from portal.core.validation import ValidationFailed
from portal.web.errors import error_page
from portal.web.flash import flash
from portal.web.request_values import actor_scope, data_key, form_text
from portal.web.templating import page
from tenants.roles import Role
from tenants.scoped import NotFound

COA = [allow(Role.COA)]
REGIE = [allow(Role.REGIEVOERDER)]
BOTH = [allow(Role.COA, Role.REGIEVOERDER)]
MULTIPART_SLACK = 64 * 1024


def _documents_root(request: Request):
    return request.app.state.settings.documents_path


def _koppeling(form: Any) -> handover.KoppelingInput:
    return handover.KoppelingInput(
        gemeente=form_text(form, "gemeente"),
        azc_location=form_text(form, "azc_location"),
        koppeling_date=form_text(form, "koppeling_date"),
        housing_date=form_text(form, "housing_date"),
    )


def _member(form: Any) -> handover.MemberInput:
    return handover.MemberInput(
        household_role=form_text(form, "household_role"),
        given_names=form_text(form, "given_names"),
        family_name=form_text(form, "family_name"),
        birth_date=form_text(form, "birth_date"),
        v_nummer=form_text(form, "v_nummer"),
        bsn=form_text(form, "bsn"),
        nationality=form_text(form, "nationality"),
        languages=form_text(form, "languages"),
        interpreter_needed=bool(form.get("interpreter_needed")),
        literacy=form_text(form, "literacy"),
        education=form_text(form, "education"),
        work_experience=form_text(form, "work_experience"),
        voorinburgering=form_text(form, "voorinburgering"),
        voorinburgering_consent=bool(form.get("voorinburgering_consent")),
        physical_limitations=form_text(form, "physical_limitations"),
        phone=form_text(form, "phone"),
    )


def _choices() -> dict[str, Any]:
    return {
        "status_labels": profile.STATUS_LABELS,
        "status_variants": profile.STATUS_VARIANTS,
        "household_roles": list(profile.HOUSEHOLD_ROLES.items()),
        "household_labels": profile.HOUSEHOLD_ROLES,
        "literacy_options": list(profile.LITERACY.items()),
        "literacy_labels": profile.LITERACY,
        "scenarios": profile.SCENARIOS,
        "talk_modes": list(profile.TALK_MODES.items()),
        "talk_mode_labels": profile.TALK_MODES,
        "attendee_options": profile.ATTENDEES,
        "max_file_mb": documents.MAX_FILE_MB,
        "max_total_mb": documents.MAX_TOTAL_MB,
    }


def _too_large(request: Request, exc: RequestEntityTooLarge) -> Response:
    """The body passed the limit while the form was parsed: nothing was stored."""
    return error_page(request, HTTP_413_REQUEST_ENTITY_TOO_LARGE, documents.TOO_LARGE)


class OverdrachtController(Controller):
    path = "/r/{slug:str}/overdrachten"

    @get("/", guards=BOTH, name="overdrachten")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        status: FromQuery[str] = "",
        pagina: FromQuery[str] = "1",
    ) -> Template:
        scope = actor_scope(request)
        filters = handover.OverdrachtFilter(status=status)
        result = await handover.list_overdrachten(
            scope, filters, PageRequest.parse(pagina), datetime.now(UTC)
        )
        links = result.with_links(f"/r/{slug}/overdrachten", {"status": status})
        return page(
            request,
            "coa/overdrachten.html",
            result=result,
            links=links,
            filters=filters,
            **_choices(),
        )

    @get("/nieuw", guards=COA)
    async def new_form(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._new_page(request, {}, {"household_role": "hoofdpersoon"})

    async def _new_page(
        self, request: Request, errors: dict[str, str], values: dict[str, Any], status: int = 200
    ) -> Template:
        return page(
            request,
            "coa/overdracht_new.html",
            status_code=status,
            errors=errors,
            values=values,
            gemeenten=await handover.gemeente_options(actor_scope(request)),
            **_choices(),
        )

    @post("/nieuw", guards=COA)
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            overdracht_id = await handover.create(
                actor_scope(request), _koppeling(form), _member(form), data_key(request), today()
            )
        except ValidationFailed as failed:
            return await self._new_page(request, failed.errors, dict(form), HTTP_400_BAD_REQUEST)
        flash(request, "De koppeling is vastgelegd. Vul nu het huishouden en het profiel aan.")
        return Redirect(path=f"/r/{slug}/overdrachten/{overdracht_id}", status_code=303)

    async def _detail(
        self,
        request: Request,
        overdracht_id: int,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        scope = actor_scope(request)
        view = await handover.get(scope, overdracht_id, today())
        return page(
            request,
            "coa/overdracht.html",
            status_code=status,
            errors=errors or {},
            values=values or {},
            documents=await documents.listing(scope, overdracht_id),
            gemeenten=await handover.gemeente_options(scope) if scope.role is Role.COA else [],
            **view,
            **_choices(),
        )

    @get("/{overdracht_id:int}", guards=BOTH, name="overdracht")
    async def detail(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template:
        return await self._detail(request, overdracht_id)

    async def _change(
        self, request: Request, slug: str, overdracht_id: int, action: Any, done: str, anchor: str
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await action(form)
        except ValidationFailed as failed:
            values = dict(form)
            values["attendees"] = [a for a in form.getall("attendees", []) if isinstance(a, str)]
            return await self._detail(
                request, overdracht_id, failed.errors, values, HTTP_400_BAD_REQUEST
            )
        flash(request, done)
        return Redirect(path=f"/r/{slug}/overdrachten/{overdracht_id}#{anchor}", status_code=303)

    @post("/{overdracht_id:int}/koppeling", guards=COA)
    async def koppeling(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await handover.update_koppeling(
                actor_scope(request), overdracht_id, _koppeling(form), today()
            )

        return await self._change(
            request, slug, overdracht_id, action, "De koppeling is bijgewerkt.", "koppeling"
        )

    @post("/{overdracht_id:int}/personen", guards=COA)
    async def add_member(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await handover.add_member(
                actor_scope(request), overdracht_id, _member(form), data_key(request), today()
            )

        return await self._change(
            request, slug, overdracht_id, action, "Het gezinslid is toegevoegd.", "huishouden"
        )

    @get("/{overdracht_id:int}/personen/{member_id:int}", guards=COA)
    async def member_form(
        self,
        request: Request,
        slug: FromPath[str],
        overdracht_id: FromPath[int],
        member_id: FromPath[int],
    ) -> Template:
        return await self._member_page(request, overdracht_id, member_id, {}, None)

    async def _member_page(
        self,
        request: Request,
        overdracht_id: int,
        member_id: int,
        errors: dict[str, str],
        values: dict[str, Any] | None,
        status: int = 200,
    ) -> Template:
        view = await handover.get(actor_scope(request), overdracht_id, today())
        member = next((m for m in view["members"] if m["id"] == member_id), None)
        if member is None or not view["overdracht"]["writable"]:
            raise NotFound("member")
        if values is None:
            values = {k: ("" if v is None else v) for k, v in member.items()}
            values["birth_date"] = member["birth_date"].isoformat()
        return page(
            request,
            "coa/member_form.html",
            status_code=status,
            overdracht=view["overdracht"],
            member=member,
            errors=errors,
            values=values,
            **_choices(),
        )

    @post("/{overdracht_id:int}/personen/{member_id:int}", guards=COA)
    async def update_member(
        self,
        request: Request,
        slug: FromPath[str],
        overdracht_id: FromPath[int],
        member_id: FromPath[int],
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await handover.update_member(
                actor_scope(request),
                overdracht_id,
                member_id,
                _member(form),
                data_key(request),
                today(),
            )
        except ValidationFailed as failed:
            return await self._member_page(
                request, overdracht_id, member_id, failed.errors, dict(form), HTTP_400_BAD_REQUEST
            )
        flash(request, "De gegevens zijn bijgewerkt.")
        return Redirect(path=f"/r/{slug}/overdrachten/{overdracht_id}#huishouden", status_code=303)

    @post("/{overdracht_id:int}/personen/{member_id:int}/verwijderen", guards=COA)
    async def remove_member(
        self,
        request: Request,
        slug: FromPath[str],
        overdracht_id: FromPath[int],
        member_id: FromPath[int],
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await handover.remove_member(actor_scope(request), overdracht_id, member_id)

        return await self._change(
            request, slug, overdracht_id, action, "Het gezinslid is verwijderd.", "huishouden"
        )

    @post("/{overdracht_id:int}/profiel", guards=COA)
    async def save_profile(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await handover.save_profile(
                actor_scope(request),
                overdracht_id,
                handover.ProfileInput(
                    country_of_origin=form_text(form, "country_of_origin"),
                    nareizigers_expected=form_text(form, "nareizigers_expected"),
                    childcare_needed=bool(form.get("childcare_needed")),
                    medical_info_via_ggd=bool(form.get("medical_info_via_ggd")),
                    practical_needs=form_text(form, "practical_needs"),
                    notes=form_text(form, "notes"),
                ),
            )

        return await self._change(
            request, slug, overdracht_id, action, "Het informatieprofiel is opgeslagen.", "profiel"
        )

    @post("/{overdracht_id:int}/gesprek", guards=BOTH)
    async def save_talk(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await handover.save_talk(
                actor_scope(request),
                overdracht_id,
                handover.TalkInput(
                    scenario=form_text(form, "scenario"),
                    talk_date=form_text(form, "talk_date"),
                    talk_time=form_text(form, "talk_time"),
                    talk_mode=form_text(form, "talk_mode"),
                    talk_place=form_text(form, "talk_place"),
                    attendees=tuple(a for a in form.getall("attendees", []) if isinstance(a, str)),
                    talk_held=bool(form.get("talk_held")),
                    talk_outcome=form_text(form, "talk_outcome"),
                ),
            )

        return await self._change(
            request, slug, overdracht_id, action, "De warme overdracht is opgeslagen.", "gesprek"
        )

    @post("/{overdracht_id:int}/indienen", guards=COA)
    async def submit(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await handover.submit(actor_scope(request), overdracht_id, today())

        return await self._change(
            request,
            slug,
            overdracht_id,
            action,
            "De overdracht is ingediend bij de gemeente.",
            "indienen",
        )

    @post("/{overdracht_id:int}/vraag", guards=REGIE)
    async def ask(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await handover.ask(actor_scope(request), overdracht_id, form_text(form, "question"))

        return await self._change(
            request,
            slug,
            overdracht_id,
            action,
            "Uw vraag is naar COA gestuurd. De overdracht staat op 'Vragen van de gemeente'.",
            "berichten",
        )

    @post("/{overdracht_id:int}/antwoord", guards=COA)
    async def answer(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await handover.answer(actor_scope(request), overdracht_id, form_text(form, "answer"))

        return await self._change(
            request,
            slug,
            overdracht_id,
            action,
            "Uw antwoord is verstuurd en de overdracht is opnieuw ingediend.",
            "berichten",
        )

    @post("/{overdracht_id:int}/accepteren", guards=REGIE)
    async def accept(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        given = {
            int(key.removeprefix("bsn_")): value
            for key, value in form.items()
            if key.startswith("bsn_") and key[4:].isdigit() and isinstance(value, str)
        }
        try:
            accepted = await acceptance.accept(
                actor_scope(request), overdracht_id, given, data_key(request), today()
            )
        except ValidationFailed as failed:
            return await self._detail(
                request, overdracht_id, failed.errors, dict(form), HTTP_400_BAD_REQUEST
            )
        count = len(accepted.case_ids)
        flash(
            request,
            f"De overdracht is geaccepteerd: {count} "
            f"{'dossier' if count == 1 else 'dossiers'}, met de brede intake vooraf ingevuld.",
        )
        if count == 1:
            return Redirect(path=f"/r/{slug}/inburgeraars/{accepted.case_ids[0]}", status_code=303)
        return Redirect(path=f"/r/{slug}/overdrachten/{overdracht_id}#dossiers", status_code=303)

    @post(
        "/{overdracht_id:int}/documenten",
        guards=COA,
        request_max_body_size=documents.MAX_FILE_BYTES + MULTIPART_SLACK,
        exception_handlers={RequestEntityTooLarge: _too_large},
    )
    async def upload(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            upload = form.get("document")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise ValidationFailed({"document": "Kies een bestand om toe te voegen."})
            try:
                content = await upload.read()
            finally:
                await upload.close()
            await documents.attach(
                actor_scope(request),
                overdracht_id,
                upload.filename,
                content,
                _documents_root(request),
            )

        return await self._change(
            request, slug, overdracht_id, action, "Het document is toegevoegd.", "documenten"
        )

    @get("/{overdracht_id:int}/documenten/{document_id:int}", guards=BOTH)
    async def download(
        self,
        request: Request,
        slug: FromPath[str],
        overdracht_id: FromPath[int],
        document_id: FromPath[int],
    ) -> Response:
        stored = await documents.download(
            actor_scope(request), overdracht_id, document_id, _documents_root(request)
        )
        return Response(
            content=stored.content,
            media_type=stored.content_type,
            headers={"Content-Disposition": f'attachment; filename="{stored.filename}"'},
        )

    @post("/{overdracht_id:int}/documenten/{document_id:int}/verwijderen", guards=COA)
    async def remove_document(
        self,
        request: Request,
        slug: FromPath[str],
        overdracht_id: FromPath[int],
        document_id: FromPath[int],
    ) -> Template | Redirect:
        async def action(form: Any) -> None:
            await documents.remove(
                actor_scope(request), overdracht_id, document_id, _documents_root(request)
            )

        return await self._change(
            request, slug, overdracht_id, action, "Het document is verwijderd.", "documenten"
        )


class KoppelingenController(Controller):
    path = "/r/{slug:str}/koppelingen"
    guards = [allow(Role.REGIOCOORDINATOR)]

    @get("/", name="koppelingen")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        rows = await regio_counts.counts(actor_scope(request))
        return page(
            request,
            "coa/koppelingen.html",
            rows=rows,
            half_year_label=regio_counts.half_year_label,
        )


@get("/r/{slug:str}/inburgeraars/{inburgeraar_id:int}/overdracht", guards=BOTH)
async def case_panel(
    request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
) -> Template:
    """The overdracht a case came from (a section of the case page)."""
    found = await handover.for_case(actor_scope(request), inburgeraar_id)
    return page(
        request,
        "coa/_case_panel.html",
        found=found,
        inburgeraar_id=inburgeraar_id,
        scenarios=profile.SCENARIOS,
        status_labels=profile.STATUS_LABELS,
    )


ROUTE_HANDLERS: list[Any] = [OverdrachtController, KoppelingenController, case_panel]
