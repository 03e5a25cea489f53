"""Routes of the warme overdracht: COA's koppelingen, the gemeente's inbox, the coordinator's
counts, and the overdracht's section on the case page. Thin: the rules are in the services."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

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
T = TypeVar("T")


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


def _profile(form: Any) -> handover.ProfileInput:
    return handover.ProfileInput(
        country_of_origin=form_text(form, "country_of_origin"),
        nareizigers_expected=form_text(form, "nareizigers_expected"),
        childcare_needed=bool(form.get("childcare_needed")),
        medical_info_via_ggd=bool(form.get("medical_info_via_ggd")),
        practical_needs=form_text(form, "practical_needs"),
        notes=form_text(form, "notes"),
    )


def _talk(form: Any) -> handover.TalkInput:
    return handover.TalkInput(
        scenario=form_text(form, "scenario"),
        talk_date=form_text(form, "talk_date"),
        talk_time=form_text(form, "talk_time"),
        talk_mode=form_text(form, "talk_mode"),
        talk_place=form_text(form, "talk_place"),
        attendees=tuple(a for a in form.getall("attendees", []) if isinstance(a, str)),
        talk_held=bool(form.get("talk_held")),
        talk_outcome=form_text(form, "talk_outcome"),
    )


def _typed(form: Any) -> dict[str, Any]:
    """What was typed, to show again beside the errors (files cannot be shown again)."""
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["attendees"] = [a for a in form.getall("attendees", []) if isinstance(a, str)]
    return values


def _numbered(form: Any, prefix: str) -> dict[int, str]:
    """Fields named `<prefix><member id>` (a BSN or a dossier choice per adult)."""
    return {
        int(key.removeprefix(prefix)): value
        for key, value in form.items()
        if key.startswith(prefix) and key[len(prefix) :].isdigit() and isinstance(value, str)
    }


def _object_id(action: str, prefix: str) -> int | None:
    """The id in a button's value such as `lid-wijzigen-12`; the service checks it."""
    rest = action.removeprefix(prefix)
    return int(rest) if rest != action and rest.isdigit() and len(rest) < 19 else None


async def _saved_before(request: Request, step: Awaitable[T], saved: bool) -> T:
    """Run a button's own step after the page was saved; when the step is refused, the page
    says that what was typed is kept, beside the reason."""
    try:
        return await step
    except ValidationFailed:
        if saved:
            flash(
                request, "Uw wijzigingen zijn opgeslagen. De volgende stap lukte nog niet.", "info"
            )
        raise


def _accepted_message(accepted: acceptance.Accepted) -> str:
    new = len(accepted.case_ids) - len(accepted.linked)
    parts = []
    if new:
        parts.append(f"{new} {'nieuw dossier' if new == 1 else 'nieuwe dossiers'}")
    if accepted.linked:
        numbers = ", ".join(str(case_id) for case_id in accepted.linked)
        parts.append(
            f"gekoppeld aan {'dossier' if len(accepted.linked) == 1 else 'dossiers'} {numbers}"
        )
    return (
        f"De overdracht is geaccepteerd: {' en '.join(parts)}. De brede intake is aangevuld "
        "met wat COA schreef."
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
        matches = []
        if scope.role is Role.REGIEVOERDER:
            matches = await acceptance.review(
                scope, overdracht_id, _numbered(values or {}, "bsn_"), data_key(request), today()
            )
        return page(
            request,
            "coa/overdracht.html",
            status_code=status,
            errors=errors or {},
            values=values or {},
            documents=await documents.listing(scope, overdracht_id),
            gemeenten=await handover.gemeente_options(scope) if scope.role is Role.COA else [],
            matches=matches,
            known_elsewhere=acceptance.KNOWN_ELSEWHERE,
            **view,
            **_choices(),
        )

    @get("/{overdracht_id:int}", guards=BOTH, name="overdracht")
    async def detail(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template:
        return await self._detail(request, overdracht_id)

    @post(
        "/{overdracht_id:int}",
        guards=BOTH,
        request_max_body_size=documents.MAX_FILE_BYTES + MULTIPART_SLACK,
        exception_handlers={RequestEntityTooLarge: _too_large},
    )
    async def save(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        """The overdracht page is one form: every button first saves what was typed on the
        whole page, then does what it says (submit, answer, ask, accept, open or remove a
        member, remove a document). Nothing typed is lost to another button."""
        form = await request.form()
        scope = actor_scope(request)
        await handover.require_writable(scope, overdracht_id)
        action = form_text(form, "actie") or "opslaan"
        try:
            if scope.role is Role.COA:
                return await self._coa_action(request, slug, overdracht_id, form, action)
            return await self._gemeente_action(request, slug, overdracht_id, form, action)
        except ValidationFailed as failed:
            return await self._detail(
                request, overdracht_id, failed.errors, _typed(form), HTTP_400_BAD_REQUEST
            )

    async def _coa_action(
        self, request: Request, slug: str, overdracht_id: int, form: Any, action: str
    ) -> Redirect:
        scope = actor_scope(request)
        base = f"/r/{slug}/overdrachten/{overdracht_id}"
        root = _documents_root(request)
        done: list[str] = []
        if form_text(form, "formulier") == "overdracht":
            await handover.save_draft(
                scope, overdracht_id, _koppeling(form), _profile(form), _talk(form), today()
            )
            done.append("Uw wijzigingen zijn opgeslagen.")
        saved = bool(done)
        upload = form.get("document")
        if isinstance(upload, UploadFile) and upload.filename:
            try:
                content = await upload.read()
            finally:
                await upload.close()
            step = documents.attach(scope, overdracht_id, upload.filename, content, root)
            await _saved_before(request, step, saved)
            done.append("Het document is toegevoegd.")
        target = f"{base}#inhoud"
        member = _object_id(action, "lid-wijzigen-")
        removed_member = _object_id(action, "lid-verwijderen-")
        removed_document = _object_id(action, "document-verwijderen-")
        if action == "indienen":
            await _saved_before(request, handover.submit(scope, overdracht_id, today()), saved)
            done.append("De overdracht is ingediend bij de gemeente.")
        elif action == "antwoorden":
            reply = form_text(form, "answer")
            await _saved_before(request, handover.answer(scope, overdracht_id, reply), saved)
            done.append("Uw antwoord is verstuurd en de overdracht is opnieuw ingediend.")
        elif action == "lid-toevoegen":
            target = f"{base}/personen/nieuw"
        elif member is not None:
            target = f"{base}/personen/{member}"
        elif removed_member is not None:
            step = handover.remove_member(scope, overdracht_id, removed_member)
            await _saved_before(request, step, saved)
            done.append("Het gezinslid is verwijderd.")
        elif removed_document is not None:
            step = documents.remove(scope, overdracht_id, removed_document, root)
            await _saved_before(request, step, saved)
            done.append("Het document is verwijderd.")
        if done:
            flash(request, " ".join(done))
        return Redirect(path=target, status_code=303)

    async def _gemeente_action(
        self, request: Request, slug: str, overdracht_id: int, form: Any, action: str
    ) -> Redirect:
        scope = actor_scope(request)
        base = f"/r/{slug}/overdrachten/{overdracht_id}"
        saved = bool(form_text(form, "gesprek_op_pagina"))
        if saved:
            await handover.save_talk(scope, overdracht_id, _talk(form))
        if action == "vraag":
            question = form_text(form, "question")
            await _saved_before(request, handover.ask(scope, overdracht_id, question), saved)
            flash(
                request,
                "Uw vraag is naar COA gestuurd. De overdracht staat op 'Vragen van de gemeente'.",
            )
        elif action == "accepteren":
            step = acceptance.accept(
                scope,
                overdracht_id,
                _numbered(form, "bsn_"),
                data_key(request),
                today(),
                _numbered(form, "dossier_"),
            )
            accepted = await _saved_before(request, step, saved)
            flash(request, _accepted_message(accepted))
            if len(accepted.case_ids) == 1:
                return Redirect(
                    path=f"/r/{slug}/inburgeraars/{accepted.case_ids[0]}#inhoud", status_code=303
                )
        else:
            flash(request, "Het overdrachtsgesprek is opgeslagen.")
        return Redirect(path=f"{base}#inhoud", status_code=303)

    @get("/{overdracht_id:int}/personen/nieuw", guards=COA)
    async def new_member_form(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template:
        return await self._member_page(request, overdracht_id, None, {}, {})

    @post("/{overdracht_id:int}/personen", guards=COA)
    async def add_member(
        self, request: Request, slug: FromPath[str], overdracht_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await handover.add_member(
                actor_scope(request), overdracht_id, _member(form), data_key(request), today()
            )
        except ValidationFailed as failed:
            return await self._member_page(
                request, overdracht_id, None, failed.errors, dict(form), HTTP_400_BAD_REQUEST
            )
        flash(request, "Het gezinslid is toegevoegd.")
        return Redirect(path=f"/r/{slug}/overdrachten/{overdracht_id}#inhoud", status_code=303)

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
        member_id: int | None,
        errors: dict[str, str],
        values: dict[str, Any] | None,
        status: int = 200,
    ) -> Template:
        view = await handover.get(actor_scope(request), overdracht_id, today())
        member = next((m for m in view["members"] if m["id"] == member_id), None)
        if not view["overdracht"]["writable"] or (member_id is not None and member is None):
            raise NotFound("member")
        if values is None and member is not None:
            values = {k: ("" if v is None else v) for k, v in member.items()}
            values["birth_date"] = member["birth_date"].isoformat()
        return page(
            request,
            "coa/member_form.html",
            status_code=status,
            overdracht=view["overdracht"],
            member=member,
            errors=errors,
            values=values or {},
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
        return Redirect(path=f"/r/{slug}/overdrachten/{overdracht_id}#inhoud", status_code=303)

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
            headers={"Content-Disposition": documents.content_disposition(stored.filename)},
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
