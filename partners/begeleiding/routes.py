"""Routes of the begeleiding package, mounted by portal/app.py: "Mijn begeleidingen", naming a
begeleider, the begeleiding page (checklist, contact moments, closing report), the PVT page,
and the begeleiding section of the case page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from partners.begeleiding import assignment, begeleidingen, progress, pvt
from partners.begeleiding.checklist import (
    ATTENDANCE_LABELS,
    CONTACT_KINDS,
    FINISHED,
    STATUS_LABELS,
)
from portal.auth.guards import allow
from portal.core.clock import today
from portal.core.validation import ValidationFailed
from portal.web.flash import flash
from portal.web.request_values import actor_scope, form_text
from portal.web.templating import page
from tenants.roles import Role

BEGELEIDER = [allow(Role.BEGELEIDER)]


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def _typed(entry: begeleidingen.ItemInput) -> dict[str, Any]:
    """A refused checklist change as typed, under the item's own label."""
    state = next(i for i in begeleidingen.checklist_states([]) if i["key"] == entry.item)
    return {**state, "status": entry.status, "notes": entry.notes, "done_on_raw": entry.done_on}


async def _other_begeleiders(request: Request) -> list[tuple[str, str]]:
    """The colleagues a begeleider can hand their work to (themselves left out)."""
    scope = actor_scope(request)
    own = str(scope.person_id)
    return [(value, name) for value, name in await assignment.colleagues(scope) if value != own]


def _labels() -> dict[str, Any]:
    return {
        "item_status_options": list(STATUS_LABELS.items()),
        "contact_kinds": CONTACT_KINDS,
        "contact_kind_options": list(CONTACT_KINDS.items()),
        "attendance_options": list(ATTENDANCE_LABELS.items()),
        "kind_labels": assignment.KIND_LABELS,
    }


class BegeleidingController(Controller):
    path = "/r/{slug:str}/begeleiding"
    guards = BEGELEIDER

    @get("/", name="begeleidingen")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._overview(request, {})

    async def _overview(
        self, request: Request, errors: dict[str, str], status_code: int = 200
    ) -> Template:
        return page(
            request,
            "begeleiding/overview.html",
            status_code=status_code,
            overview=await assignment.overview(actor_scope(request)),
            errors=errors,
            **_labels(),
        )

    @post("/taken/{task_id:int}/begeleider")
    async def name(
        self, request: Request, slug: FromPath[str], task_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        scope = actor_scope(request)
        try:
            person = await assignment.name_begeleider(scope, task_id, form_text(form, "person"))
        except ValidationFailed as failed:
            return await self._overview(request, failed.errors, status_code=400)
        if form_text(form, "person") == str(scope.person_id):
            flash(request, "U bent nu de begeleider. De inburgeraar staat bij uw begeleidingen.")
        else:
            flash(request, f"{person} is nu de begeleider.")
        return Redirect(path=f"/r/{slug}/begeleiding", status_code=303)

    @get("/{begeleiding_task_id:int}", name="begeleiding")
    async def detail(
        self, request: Request, slug: FromPath[str], begeleiding_task_id: FromPath[int]
    ) -> Template:
        return await self._page(request, begeleiding_task_id, {}, {})

    async def _page(
        self,
        request: Request,
        task_id: int,
        errors: dict[str, str],
        values: dict[str, str],
        status_code: int = 200,
    ) -> Template:
        view = await begeleidingen.load(actor_scope(request), task_id)
        return page(
            request,
            "begeleiding/begeleiding.html",
            colleagues=await _other_begeleiders(request),
            status_code=status_code,
            errors=errors,
            values=values,
            today=today(),
            **view,
            **_labels(),
        )

    @post("/{begeleiding_task_id:int}/checklist")
    async def save_item(
        self, request: Request, slug: FromPath[str], begeleiding_task_id: FromPath[int]
    ) -> Template | Redirect | ClientRedirect:
        form = await request.form()
        entry = begeleidingen.ItemInput(
            item=form_text(form, "item"),
            status=form_text(form, "status"),
            done_on=form_text(form, "done_on"),
            notes=str(form.get("notes", "")),
        )
        try:
            item = await begeleidingen.save_item(
                actor_scope(request), begeleiding_task_id, entry, today()
            )
        except ValidationFailed as failed:
            if _is_htmx(request) and "begeleiding" in failed.errors:
                # Closed meanwhile (in another tab): the whole page has to show that.
                flash(request, failed.errors["begeleiding"], "error")
                return ClientRedirect(redirect_to=f"/r/{slug}/begeleiding/{begeleiding_task_id}")
            if _is_htmx(request):
                # htmx swaps only 2xx answers: the item comes back with its messages.
                return self._item(request, begeleiding_task_id, _typed(entry), failed.errors)
            return await self._page(
                request, begeleiding_task_id, failed.errors, entry.__dict__, status_code=400
            )
        if _is_htmx(request):
            progress = await begeleidingen.checklist_progress(
                actor_scope(request), begeleiding_task_id
            )
            return self._item(request, begeleiding_task_id, item, {}, saved=True, progress=progress)
        flash(request, f"‘{item['label']}’ is opgeslagen.")
        return Redirect(
            path=f"/r/{slug}/begeleiding/{begeleiding_task_id}#punt-{item['key']}",
            status_code=303,
        )

    def _item(
        self,
        request: Request,
        task_id: int,
        item: dict[str, Any],
        errors: dict[str, str],
        saved: bool = False,
        progress: tuple[int, int] | None = None,
    ) -> Template:
        return page(
            request,
            "begeleiding/_checklist_item.html",
            task={"id": task_id},
            item=item,
            errors=errors,
            saved=saved,
            progress=progress,
            closed=False,
            **_labels(),
        )

    @post("/{begeleiding_task_id:int}/contactmomenten")
    async def add_contact(
        self, request: Request, slug: FromPath[str], begeleiding_task_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        entry = begeleidingen.ContactInput(
            held_on=form_text(form, "held_on"),
            kind=form_text(form, "kind"),
            note=str(form.get("note", "")),
        )
        try:
            await begeleidingen.add_contact(
                actor_scope(request), begeleiding_task_id, entry, today()
            )
        except ValidationFailed as failed:
            return await self._page(
                request, begeleiding_task_id, failed.errors, entry.__dict__, status_code=400
            )
        flash(request, "Het contactmoment is vastgelegd.")
        return Redirect(
            path=f"/r/{slug}/begeleiding/{begeleiding_task_id}#contactmomenten", status_code=303
        )

    async def _closing_summary(
        self, request: Request, slug: str, task_id: int, report: str
    ) -> Template | Redirect:
        view = await begeleidingen.load(actor_scope(request), task_id)
        if view["closed"]:
            flash(request, begeleidingen.CLOSED_MESSAGE, "error")
            return Redirect(path=f"/r/{slug}/begeleiding/{task_id}", status_code=303)
        return page(
            request,
            "begeleiding/close_confirm.html",
            report=report.strip(),
            open_items=[i for i in view["items"] if i["status"] not in FINISHED],
            **view,
            **_labels(),
        )

    @post("/{begeleiding_task_id:int}/afsluiten")
    async def close(
        self, request: Request, slug: FromPath[str], begeleiding_task_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        report = str(form.get("report", ""))
        step = form_text(form, "stap")
        if step == "wijzigen":
            return await self._page(request, begeleiding_task_id, {}, {"report": report})
        try:
            if step != "bevestigd":
                # First a summary and "Weet u het zeker?": closing cannot be undone.
                begeleidingen.closing_report(report)
                return await self._closing_summary(request, slug, begeleiding_task_id, report)
            await begeleidingen.close(actor_scope(request), begeleiding_task_id, report)
        except ValidationFailed as failed:
            return await self._page(
                request, begeleiding_task_id, failed.errors, {"report": report}, status_code=400
            )
        flash(request, "De begeleiding is afgesloten. De regievoerder ziet uw eindverslag.")
        return Redirect(path=f"/r/{slug}/begeleiding/{begeleiding_task_id}", status_code=303)


class PvtController(Controller):
    path = "/r/{slug:str}/begeleiding/pvt"
    guards = BEGELEIDER

    @get("/{pvt_task_id:int}", name="pvt")
    async def detail(
        self, request: Request, slug: FromPath[str], pvt_task_id: FromPath[int]
    ) -> Template:
        return await self._page(request, pvt_task_id, {}, {})

    async def _page(
        self,
        request: Request,
        task_id: int,
        errors: dict[str, str],
        values: dict[str, str],
        status_code: int = 200,
    ) -> Template:
        view = await pvt.load(actor_scope(request), task_id)
        return page(
            request,
            "begeleiding/pvt.html",
            colleagues=await _other_begeleiders(request),
            status_code=status_code,
            errors=errors,
            values=values,
            today=today(),
            **view,
            **_labels(),
        )

    async def _after(
        self, request: Request, slug: str, task_id: int, action: Any, done: str, values: dict
    ) -> Template | Redirect:
        try:
            await action
        except ValidationFailed as failed:
            return await self._page(request, task_id, failed.errors, values, status_code=400)
        flash(request, done)
        return Redirect(path=f"/r/{slug}/begeleiding/pvt/{task_id}", status_code=303)

    @post("/{pvt_task_id:int}/workshops")
    async def add_workshop(
        self, request: Request, slug: FromPath[str], pvt_task_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        entry = pvt.WorkshopInput(
            title=form_text(form, "title"), planned_on=form_text(form, "planned_on")
        )
        action = pvt.add_workshop(actor_scope(request), pvt_task_id, entry)
        return await self._after(
            request, slug, pvt_task_id, action, "De workshop is gepland.", entry.__dict__
        )

    @post("/{pvt_task_id:int}/aanwezigheid")
    async def attendance(
        self, request: Request, slug: FromPath[str], pvt_task_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        action = pvt.set_attendance(
            actor_scope(request),
            pvt_task_id,
            form_text(form, "workshop"),
            form_text(form, "attendance"),
            today(),
        )
        return await self._after(
            request, slug, pvt_task_id, action, "De aanwezigheid is opgeslagen.", {}
        )

    @post("/{pvt_task_id:int}/verklaring")
    async def verklaring(
        self, request: Request, slug: FromPath[str], pvt_task_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        signed_on = form_text(form, "verklaring_on")
        confirmed = form_text(form, "planned_confirmed") == "ja"
        action = pvt.complete(
            actor_scope(request), pvt_task_id, signed_on, today(), planned_confirmed=confirmed
        )
        return await self._after(
            request,
            slug,
            pvt_task_id,
            action,
            "De ondertekening is vastgelegd. De PVT-taak is afgerond.",
            {"verklaring_on": signed_on},
        )


@get(
    "/r/{slug:str}/inburgeraars/{inburgeraar_id:int}/begeleiding",
    guards=[allow(Role.REGIEVOERDER, Role.BEGELEIDER)],
    name="case_begeleiding",
)
async def case_panel(
    request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
) -> Template:
    """The begeleiding section of the case page: the fragment for htmx, a page without JS."""
    tasks = await progress.case_summary(actor_scope(request), inburgeraar_id)
    template = "_case_panel.html" if _is_htmx(request) else "case_panel.html"
    return page(
        request,
        f"begeleiding/{template}",
        tasks=tasks,
        inburgeraar_id=inburgeraar_id,
        **_labels(),
    )


# Controllers and route handlers of this package, in the order portal/app.py mounts them.
ROUTE_HANDLERS: list[Any] = [BegeleidingController, PvtController, case_panel]
