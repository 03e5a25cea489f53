"""Routes of the convenants: the coordinator's list, concept form, sending and changes; the
party's page with accept and return; threads per term; version differences; declarations.
Thin: the rules are in the services; ids in forms are checked there like ids in URLs."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_413_REQUEST_ENTITY_TOO_LARGE

from partners.convenants import declarations, drafting, signing, terms, views
from partners.convenants.score_routes import ROUTE_HANDLERS as SCORE_ROUTES
from partners.convenants.tables import PARTY_ROLES
from portal.auth.guards import allow
from portal.core import uploads
from portal.core.clock import today
from portal.core.validation import ValidationFailed
from portal.kpi.periods import PeriodKind
from portal.web.errors import error_page
from portal.web.flash import flash
from portal.web.request_values import actor_scope, form_text
from portal.web.templating import page
from tenants.roles import Role

COORDINATOR = [allow(Role.REGIOCOORDINATOR)]
PARTIES = [allow(*PARTY_ROLES)]
EVERYONE = [allow(Role.REGIOCOORDINATOR, *PARTY_ROLES)]
MULTIPART_SLACK = 64 * 1024
TERM_FIELD = re.compile(r"^term-(\d{1,2})-code$")
# Empty term rows on a new concept: most convenants agree on a few terms at once.
NEW_FORM_ROWS = 3
ADD_ROW = "afspraak-toevoegen"


def _term_rows(form: Any, *, keep_empty: bool = False) -> list[terms.TermInput]:
    """The term rows as typed. A row left wholly empty is no term (the new form offers a few
    rows at once, so a convenant's usual terms need no round trip each), but it keeps its
    place while rows are added or removed (`keep_empty`), as the buttons count it."""
    numbers = sorted(int(m.group(1)) for key in form if (m := TERM_FIELD.match(key)))
    rows = [
        terms.TermInput(
            code=form_text(form, f"term-{n}-code"),
            comparison=form_text(form, f"term-{n}-comparison"),
            target=form_text(form, f"term-{n}-target"),
            tolerance=form_text(form, f"term-{n}-tolerance"),
            period_kind=form_text(form, f"term-{n}-period"),
            window=form_text(form, f"term-{n}-window"),
        )
        for n in numbers
    ]
    if keep_empty:
        return rows
    return [
        row
        for row in rows
        if row.code or row.target.strip() or row.tolerance.strip() or row.window.strip()
    ]


def _convenant_input(form: Any) -> drafting.ConvenantInput:
    return drafting.ConvenantInput(
        title=form_text(form, "title"),
        period_start=form_text(form, "period_start"),
        period_end=form_text(form, "period_end"),
        parties=tuple(p for p in form.getall("parties", []) if isinstance(p, str)),
        terms=tuple(_term_rows(form)),
    )


def _rows_from_view(view: views.ConvenantView) -> list[dict[str, str]]:
    return [
        {
            "code": t["code"],
            "comparison": t["comparison"],
            "target": t["target"],
            "tolerance": t["tolerance"],
            "period": t["period_kind"],
            "window": "" if t["window_workdays"] is None else str(t["window_workdays"]),
        }
        for t in view.terms
    ]


def _rows_from_form(form: Any, *, keep_empty: bool = False) -> list[dict[str, str]]:
    return [
        {
            "code": row.code,
            "comparison": row.comparison,
            "target": row.target,
            "tolerance": row.tolerance,
            "period": row.period_kind,
            "window": row.window,
        }
        for row in _term_rows(form, keep_empty=keep_empty)
    ]


def _choices() -> dict[str, Any]:
    return {
        "status_labels": views.STATUS_LABELS,
        "status_variants": views.STATUS_VARIANTS,
        "decision_labels": views.DECISION_LABELS,
        "code_options": terms.code_options(),
        "comparison_options": list(terms.COMPARISON_LABELS.items()),
        "period_options": [(kind.value, kind.label) for kind in PeriodKind],
        "windowed": terms.windowed_kpis(),
        "max_file_mb": uploads.MAX_FILE_MB,
    }


def _too_large(request: Request, exc: RequestEntityTooLarge) -> Response:
    """The body passed the limit while the form was parsed: nothing was stored."""
    return error_page(request, HTTP_413_REQUEST_ENTITY_TOO_LARGE, uploads.TOO_LARGE)


def _row_action(action: str, rows: list[dict[str, str]]) -> list[dict[str, str]] | None:
    """Adding or removing a term row re-shows the form (no JavaScript needed); None when the
    button was another."""
    blank = {
        "code": "",
        "comparison": "ge",
        "target": "",
        "tolerance": "",
        "period": "maand",
        "window": "",
    }
    if action == ADD_ROW:
        return [*rows, blank]
    prefix = "afspraak-verwijderen-"
    if action.startswith(prefix) and action[len(prefix) :].isdigit():
        index = int(action[len(prefix) :]) - 1
        return [row for i, row in enumerate(rows) if i != index]
    return None


class ConvenantController(Controller):
    path = "/r/{slug:str}/convenanten"

    @get("/", guards=EVERYONE, name="convenanten")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        rows = await views.list_convenants(actor_scope(request), today())
        return page(request, "convenants/list.html", rows=rows, **_choices())

    async def _form(
        self,
        request: Request,
        *,
        convenant_id: int | None,
        values: dict[str, Any],
        rows: list[dict[str, str]],
        errors: dict[str, str] | None = None,
        status: int = 200,
        added: bool = False,
    ) -> Template:
        scope = actor_scope(request)
        return page(
            request,
            "convenants/form.html",
            status_code=status,
            convenant_id=convenant_id,
            added=added,
            values=values,
            chosen_parties={str(p) for p in values.get("parties", [])},
            rows=rows,
            errors=errors or {},
            party_options=await drafting.party_options(scope),
            **_choices(),
        )

    @get("/nieuw", guards=COORDINATOR)
    async def new_form(self, request: Request, slug: FromPath[str]) -> Template:
        await drafting.require_regio_office(actor_scope(request))
        blank: list[dict[str, str]] = []
        for _ in range(NEW_FORM_ROWS):
            blank = _row_action(ADD_ROW, blank) or []
        return await self._form(request, convenant_id=None, values={}, rows=blank)

    @post("/nieuw", guards=COORDINATOR)
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        values = _typed(form)
        action = form_text(form, "actie")
        rows = _row_action(action, _rows_from_form(form, keep_empty=True))
        if rows is not None:
            await drafting.require_regio_office(actor_scope(request))
            return await self._form(
                request, convenant_id=None, values=values, rows=rows, added=action == ADD_ROW
            )
        try:
            convenant_id = await drafting.create(actor_scope(request), _convenant_input(form))
        except ValidationFailed as failed:
            return await self._form(
                request,
                convenant_id=None,
                values=values,
                rows=_rows_from_form(form),
                errors=failed.errors,
                status=HTTP_400_BAD_REQUEST,
            )
        flash(request, "Het concept is opgeslagen.")
        return Redirect(path=f"/r/{slug}/convenanten/{convenant_id}", status_code=303)

    @get("/{convenant_id:int}", guards=EVERYONE, name="convenant")
    async def detail(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template:
        return await self._detail(request, convenant_id)

    async def _detail(
        self,
        request: Request,
        convenant_id: int,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        view = await views.detail(actor_scope(request), convenant_id, today())
        return page(
            request,
            "convenants/convenant.html",
            status_code=status,
            view=view,
            errors=errors or {},
            values=values or {},
            **_choices(),
        )

    @get("/{convenant_id:int}/bewerken", guards=COORDINATOR)
    async def edit_form(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template:
        scope = actor_scope(request)
        await drafting.require_regio_office(scope)
        view = await views.detail(scope, convenant_id, today())
        convenant = view.convenant
        values = {
            "title": convenant["title"],
            "period_start": convenant["period_start"].isoformat(),
            "period_end": convenant["period_end"].isoformat(),
            "parties": [p["organisation"] for p in view.parties],
        }
        errors = {} if view.convenant["status"] == "concept" else {"status": drafting.FROZEN}
        return await self._form(
            request,
            convenant_id=convenant_id,
            values=values,
            rows=_rows_from_view(view),
            errors=errors,
        )

    @post("/{convenant_id:int}/bewerken", guards=COORDINATOR)
    async def save(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template | Redirect:
        scope = actor_scope(request)
        form = await request.form()
        values = _typed(form)
        action = form_text(form, "actie")
        rows = _row_action(action, _rows_from_form(form, keep_empty=True))
        if rows is not None:
            await drafting.require_regio_office(scope)
            await views.detail(scope, convenant_id, today())
            return await self._form(
                request,
                convenant_id=convenant_id,
                values=values,
                rows=rows,
                added=action == ADD_ROW,
            )
        try:
            await drafting.save_concept(scope, convenant_id, _convenant_input(form))
        except ValidationFailed as failed:
            return await self._form(
                request,
                convenant_id=convenant_id,
                values=values,
                rows=_rows_from_form(form),
                errors=failed.errors,
                status=HTTP_400_BAD_REQUEST,
            )
        flash(request, "Het concept is opgeslagen.")
        return Redirect(path=f"/r/{slug}/convenanten/{convenant_id}", status_code=303)

    @post("/{convenant_id:int}/versturen", guards=COORDINATOR)
    async def send(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await drafting.send(actor_scope(request), convenant_id)
        except ValidationFailed as failed:
            return await self._detail(request, convenant_id, failed.errors, None, 400)
        flash(request, "Het convenant is verstuurd. De partijen kunnen het nu ondertekenen.")
        return Redirect(path=f"/r/{slug}/convenanten/{convenant_id}", status_code=303)

    @post("/{convenant_id:int}/wijzigen", guards=COORDINATOR)
    async def change(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await drafting.start_change(actor_scope(request), convenant_id)
        except ValidationFailed as failed:
            return await self._detail(request, convenant_id, failed.errors, None, 400)
        flash(request, "Er is een nieuwe versie gemaakt. Pas de afspraken aan en verstuur opnieuw.")
        return Redirect(path=f"/r/{slug}/convenanten/{convenant_id}/bewerken", status_code=303)

    @get("/{convenant_id:int}/versies", guards=EVERYONE)
    async def versions(
        self,
        request: Request,
        slug: FromPath[str],
        convenant_id: FromPath[int],
        van: FromQuery[str] = "",
        naar: FromQuery[str] = "",
    ) -> Template:
        diff = await views.version_diff(
            actor_scope(request), convenant_id, _number(van), _number(naar)
        )
        view = await views.detail(actor_scope(request), convenant_id, today())
        return page(request, "convenants/versions.html", diff=diff, view=view, **_choices())

    @post("/{convenant_id:int}/akkoord", guards=PARTIES)
    async def accept(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            answered = await signing.accept(actor_scope(request), convenant_id)
        except ValidationFailed as failed:
            return await self._detail(request, convenant_id, failed.errors, None, 400)
        message = "U heeft akkoord gegeven."
        if answered.status == "actief":
            message += " Alle partijen zijn akkoord: het convenant is actief."
        flash(request, message)
        return Redirect(path=f"/r/{slug}/convenanten/{convenant_id}", status_code=303)

    @post("/{convenant_id:int}/terugsturen", guards=PARTIES)
    async def return_(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        comments = {
            int(key.removeprefix("comment-")): value
            for key, value in form.items()
            if key.startswith("comment-")
            and key.removeprefix("comment-").isdigit()
            and len(key) < 20
            and isinstance(value, str)
        }
        try:
            await signing.return_with_comments(actor_scope(request), convenant_id, comments)
        except ValidationFailed as failed:
            return await self._detail(request, convenant_id, failed.errors, _typed(form), 400)
        flash(request, "U heeft het convenant teruggestuurd met uw opmerkingen.")
        return Redirect(path=f"/r/{slug}/convenanten/{convenant_id}", status_code=303)

    @post("/{convenant_id:int}/reacties", guards=EVERYONE)
    async def reply(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        term_id = _number(form_text(form, "term"))
        if term_id is None:
            return await self._detail(
                request, convenant_id, {"reply": "Kies de afspraak."}, _typed(form), 400
            )
        try:
            await signing.comment(
                actor_scope(request), convenant_id, term_id, form_text(form, "reply")
            )
        except ValidationFailed as failed:
            return await self._detail(request, convenant_id, failed.errors, _typed(form), 400)
        flash(request, "Uw reactie is geplaatst.")
        return Redirect(
            path=f"/r/{slug}/convenanten/{convenant_id}#afspraak-{term_id}", status_code=303
        )

    async def _declarations(
        self,
        request: Request,
        convenant_id: int,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        scope = actor_scope(request)
        view = await views.detail(scope, convenant_id, today())
        return page(
            request,
            "convenants/declarations.html",
            status_code=status,
            view=view,
            declared=await declarations.declared_terms(scope, convenant_id, today()),
            rows=await declarations.listing(scope, convenant_id),
            errors=errors or {},
            values=values or {},
            **_choices(),
        )

    @get("/{convenant_id:int}/verklaringen", guards=EVERYONE)
    async def declarations_page(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template:
        return await self._declarations(request, convenant_id)

    @post(
        "/{convenant_id:int}/verklaringen",
        guards=PARTIES,
        request_max_body_size=uploads.MAX_FILE_BYTES + MULTIPART_SLACK,
        exception_handlers={RequestEntityTooLarge: _too_large},
    )
    async def declare(
        self, request: Request, slug: FromPath[str], convenant_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        upload = form.get("evidence")
        filename, content = "", b""
        if isinstance(upload, UploadFile) and upload.filename:
            try:
                filename, content = upload.filename, await upload.read()
            finally:
                await upload.close()
        entry = declarations.DeclarationInput(
            line=form_text(form, "line"),
            period_key=form_text(form, "period"),
            value=form_text(form, "value"),
            note=form_text(form, "note"),
        )
        try:
            await declarations.submit(
                actor_scope(request),
                convenant_id,
                entry,
                filename,
                content,
                request.app.state.settings.documents_path,
                today(),
            )
        except ValidationFailed as failed:
            return await self._declarations(
                request, convenant_id, failed.errors, _typed(form), HTTP_400_BAD_REQUEST
            )
        flash(request, "Uw verklaring is opgeslagen. De regio controleert het bewijsstuk.")
        return Redirect(path=f"/r/{slug}/convenanten/{convenant_id}/verklaringen", status_code=303)


class DeclarationController(Controller):
    path = "/r/{slug:str}/verklaringen"

    @get("/{declaration_id:int}/bewijs", guards=EVERYONE)
    async def evidence(
        self, request: Request, slug: FromPath[str], declaration_id: FromPath[int]
    ) -> Response:
        stored = await declarations.download(
            actor_scope(request), declaration_id, request.app.state.settings.documents_path
        )
        return Response(
            content=stored.content,
            media_type=stored.content_type,
            headers={"Content-Disposition": uploads.content_disposition(stored.filename)},
        )

    @post("/{declaration_id:int}/gecontroleerd", guards=COORDINATOR)
    async def checked(
        self, request: Request, slug: FromPath[str], declaration_id: FromPath[int]
    ) -> Redirect:
        convenant_id = await declarations.mark_checked(actor_scope(request), declaration_id)
        flash(request, "De verklaring is gemarkeerd als gecontroleerd.")
        return Redirect(path=f"/r/{slug}/convenanten/{convenant_id}/verklaringen", status_code=303)


def _number(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _typed(form: Any) -> dict[str, Any]:
    """What was typed, to show again beside the errors (files cannot be shown again)."""
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["parties"] = [p for p in form.getall("parties", []) if isinstance(p, str)]
    return values


ROUTE_HANDLERS: list[Any] = [ConvenantController, DeclarationController, *SCORE_ROUTES]
