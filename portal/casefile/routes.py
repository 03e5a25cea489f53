"""Routes of the case file: caseload, registration, the case page, the PIP, and "Mijn taken"."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from portal.auth.guards import allow
from portal.casefile import (
    case_panels,
    households,
    inburgeraars,
    intake,
    pip_tasks,
    pips,
    task_settings,
    timeline,
)
from portal.casefile.inburgeraars import DOELGROEP_LABELS, STATUS_LABELS
from portal.casefile.intake_sections import HEALTH_BASES, SECTIONS
from portal.casefile.pip_rules import (
    ALFABETISERING,
    LEERROUTE_LABELS,
    DeadlineState,
    deadline_state,
    pip_deadline,
    termijn,
)
from portal.core.pagination import PageRequest
from portal.core.validation import ValidationFailed
from portal.web.flash import flash
from portal.web.request_values import actor_scope, data_key, form_text
from portal.web.search import read_search
from portal.web.templating import page
from tenants import organisations
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope

REGIE = [allow(Role.REGIEVOERDER)]
CASE_ROLES = [allow(Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.COA, Role.BEGELEIDER)]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DEADLINE_OPTIONS = [
    (s.value, s.label)
    for s in (DeadlineState.TE_LAAT, DeadlineState.BINNENKORT, DeadlineState.OP_SCHEMA)
]


def today() -> date:
    """Today in the Netherlands: deadlines are Dutch calendar days."""
    return datetime.now(AMSTERDAM).date()


def _flag(form: FormMultiDict, name: str) -> bool:
    return form.get(name) in ("1", "on", "true")


def _new_inburgeraar(form: FormMultiDict) -> inburgeraars.NewInburgeraar:
    return inburgeraars.NewInburgeraar(
        bsn=form_text(form, "bsn"),
        v_nummer=form_text(form, "v_nummer"),
        given_names=form_text(form, "given_names"),
        family_name=form_text(form, "family_name"),
        birth_date=form_text(form, "birth_date"),
        doelgroep=form_text(form, "doelgroep"),
        nareiziger=_flag(form, "nareiziger"),
        plicht_start=form_text(form, "plicht_start"),
        brp_date=form_text(form, "brp_date"),
        languages=form_text(form, "languages"),
        interpreter_needed=_flag(form, "interpreter_needed"),
        phone=form_text(form, "phone"),
        email=form_text(form, "email"),
    )


def _pip_input(form: FormMultiDict) -> pips.PipInput:
    return pips.PipInput(
        dagtekening=form_text(form, "dagtekening"),
        leerroute=form_text(form, "leerroute"),
        niveau=form_text(form, "niveau"),
        intensiteit_b1=form_text(form, "intensiteit_b1"),
        alfabetisering=form_text(form, "alfabetisering") or "NVT",
        mag_opleiding_afmaken=_flag(form, "mag_opleiding_afmaken"),
        reasoning=str(form.get("reasoning", "")),
        knm=_flag(form, "knm"),
        map=_flag(form, "map"),
        pvt=_flag(form, "pvt"),
        ontzorgen_months=form_text(form, "ontzorgen_months") or "0",
        begeleiding=_flag(form, "begeleiding"),
        extra_afspraken=str(form.get("extra_afspraken", "")),
        taalaanbieder=form_text(form, "taalaanbieder"),
        begeleider_organisation=form_text(form, "begeleider_organisation"),
        participatie_organisation=form_text(form, "participatie_organisation"),
        change_summary=str(form.get("change_summary", "")),
    )


async def _organisation_choices(scope: Scope) -> dict[str, list[tuple[str, str]]]:
    rows = await organisations.organisation_options(scope)

    def of(*kinds: OrganisationKind) -> list[tuple[str, str]]:
        wanted = {kind.value for kind in kinds}
        return [(str(r["id"]), r["name"]) for r in rows if r["kind"] in wanted]

    return {
        "taalaanbieders": of(OrganisationKind.TAALAANBIEDER),
        "begeleiders": of(OrganisationKind.BEGELEIDING),
        "participatie": of(OrganisationKind.PARTICIPATIE, OrganisationKind.BEGELEIDING),
    }


class InburgeraarController(Controller):
    path = "/r/{slug:str}/inburgeraars"

    @get("/", guards=REGIE, name="inburgeraars")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        leerroute: FromQuery[str] = "",
        status: FromQuery[str] = "",
        termijn_pip: FromQuery[str] = "",
        pagina: FromQuery[str] = "1",
    ) -> Template:
        search = read_search(request, "zoek")
        filters = inburgeraars.InburgeraarFilter(
            search=search.text("zoek"), leerroute=leerroute, status=status, deadline=termijn_pip
        )
        result = await inburgeraars.list_inburgeraars(
            actor_scope(request), filters, PageRequest.parse(pagina), data_key(request), today()
        )
        params = search.link_params(leerroute=leerroute, status=status, termijn_pip=termijn_pip)
        return page(
            request,
            "casefile/inburgeraars.html",
            result=result,
            links=result.with_links(request.url.path, params),
            filters=filters,
            export_query=urlencode(params),
            leerroute_options=list(LEERROUTE_LABELS.items()),
            status_options=list(STATUS_LABELS.items()),
            deadline_options=DEADLINE_OPTIONS,
        )

    @get("/export.csv", guards=REGIE, name="inburgeraars_export")
    async def export(
        self,
        request: Request,
        slug: FromPath[str],
        leerroute: FromQuery[str] = "",
        status: FromQuery[str] = "",
        termijn_pip: FromQuery[str] = "",
    ) -> Response:
        filters = inburgeraars.InburgeraarFilter(
            search=read_search(request, "zoek").text("zoek"),
            leerroute=leerroute,
            status=status,
            deadline=termijn_pip,
        )
        rows = await inburgeraars.export_rows(
            actor_scope(request), filters, data_key(request), today()
        )
        return Response(
            _csv_excel(rows),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="inburgeraars.csv"'},
        )

    @get("/nieuw", guards=REGIE, name="inburgeraar_new")
    async def new_form(self, request: Request, slug: FromPath[str]) -> Template:
        return page(
            request,
            "casefile/inburgeraar_new.html",
            values={},
            errors={},
            doelgroep_options=list(DOELGROEP_LABELS.items()),
        )

    @post("/nieuw", guards=REGIE)
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        new = _new_inburgeraar(form)
        try:
            inburgeraar_id = await inburgeraars.register(
                actor_scope(request), new, data_key(request), today()
            )
        except ValidationFailed as failed:
            return page(
                request,
                "casefile/inburgeraar_new.html",
                status_code=400,
                values=new.__dict__,
                errors=failed.errors,
                doelgroep_options=list(DOELGROEP_LABELS.items()),
            )
        flash(request, f"{new.given_names} {new.family_name} is ingeschreven.")
        return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}", status_code=303)

    @get("/{inburgeraar_id:int}", guards=CASE_ROLES, name="inburgeraar")
    async def detail(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Template:
        scope = actor_scope(request)
        case = await inburgeraars.get_case(scope, inburgeraar_id, data_key(request))
        events = await timeline.events(scope, inburgeraar_id)
        context: dict[str, Any] = {
            "case": case,
            "tasks": await pip_tasks.tasks_of_case(scope, inburgeraar_id),
            "events": events,
            "date_history": [e for e in events if e["kind"] == inburgeraars.DATE_EVENT],
            "leerroute_labels": LEERROUTE_LABELS,
            "task_status_labels": pip_tasks.STATUS_LABELS,
            "panels": case_panels.panels_for(scope.role),
            "errors": {},
            "values": {},
        }
        if case["full"]:
            versions = await pips.versions(scope, inburgeraar_id)
            current = next((p for p in versions if p["status"] == "vastgesteld"), None)
            context.update(
                versions=versions,
                current_pip=current,
                concept=next((p for p in versions if p["status"] == "concept"), None),
                deadline=pip_deadline(case["brp_date"]),
                days_left=(pip_deadline(case["brp_date"]) - today()).days
                if case["brp_date"]
                else None,
                deadline_state=deadline_state(case["brp_date"], case["pip_dagtekening"], today()),
                termijn=termijn(case["pip_dagtekening"]) if case["pip_dagtekening"] else None,
                doelgroep_labels=DOELGROEP_LABELS,
                afronding_options=list(pips.AFRONDING_REASONS.items()),
                household=await households.members(scope, inburgeraar_id, case["household"]),
                household_roles=list(households.HOUSEHOLD_ROLES.items()),
                household_labels=households.HOUSEHOLD_ROLES,
                colleagues=await inburgeraars.colleagues(scope),
                task_organisations=await pip_tasks.assignable_organisations(scope, "handmatig"),
            )
        return page(request, "casefile/case.html", **context)

    @get("/{inburgeraar_id:int}/pip", guards=REGIE, name="pip_form")
    async def pip_form(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Template:
        scope = actor_scope(request)
        case = await inburgeraars.get_case(scope, inburgeraar_id, data_key(request))
        versions = await pips.versions(scope, inburgeraar_id)
        concept = next((p for p in versions if p["status"] == "concept"), None)
        base = concept or next((p for p in versions if p["status"] == "vastgesteld"), None)
        if base:
            values = _pip_values(base)
        else:
            # A first PIP is drafted from the intake.
            values = {
                "knm": True,
                "map": True,
                "pvt": True,
                "begeleiding": True,
                "alfabetisering": "NVT",
                "ontzorgen_months": "6" if case["doelgroep"] == "asielstatushouder" else "0",
                **intake.pip_suggestions(await intake.load(scope, inburgeraar_id)),
            }
        if base and not concept:
            values["change_summary"] = ""
            values["dagtekening"] = ""
        return await self._pip_page(request, case, versions, values, {})

    async def _pip_page(
        self,
        request: Request,
        case: dict,
        versions: list,
        values: dict,
        errors: dict,
        status_code: int = 200,
    ) -> Template:
        return page(
            request,
            "casefile/pip_form.html",
            status_code=status_code,
            case=case,
            versions=versions,
            is_change=any(p["status"] in ("vastgesteld", "gewijzigd") for p in versions),
            values=values,
            errors=errors,
            leerroute_options=list(LEERROUTE_LABELS.items()),
            alfabetisering_options=list(ALFABETISERING.items()),
            doelgroep_labels=DOELGROEP_LABELS,
            **await _organisation_choices(actor_scope(request)),
        )

    @post("/{inburgeraar_id:int}/pip", guards=REGIE)
    async def pip_save(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Template | Redirect:
        scope = actor_scope(request)
        form = await request.form()
        data = _pip_input(form)
        action = form_text(form, "actie")
        try:
            await pips.save_concept(scope, inburgeraar_id, data)
            if action == "vaststellen":
                await pips.vaststellen(scope, inburgeraar_id, today())
        except ValidationFailed as failed:
            case = await inburgeraars.get_case(scope, inburgeraar_id, data_key(request))
            versions = await pips.versions(scope, inburgeraar_id)
            return await self._pip_page(
                request, case, versions, data.__dict__, failed.errors, status_code=400
            )
        if action == "vaststellen":
            flash(request, "De PIP is vastgesteld. De taken staan klaar bij de partners.")
        else:
            flash(request, "Het concept van de PIP is opgeslagen.")
        return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}", status_code=303)

    @get("/{inburgeraar_id:int}/samenvatting", guards=REGIE, name="pip_summary")
    async def summary(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Template:
        """The PIP in plain Dutch (B1) for the inburgeraar, printable on A4."""
        scope = actor_scope(request)
        case = await inburgeraars.get_case(scope, inburgeraar_id, data_key(request))
        versions = await pips.versions(scope, inburgeraar_id)
        current = next((p for p in versions if p["status"] == "vastgesteld"), None)
        tasks = await pip_tasks.plan_tasks(scope, inburgeraar_id)
        return page(
            request,
            "casefile/pip_summary.html",
            case=case,
            pip=current,
            termijn=termijn(case["pip_dagtekening"]) if case["pip_dagtekening"] else None,
            tasks=tasks,
            today=today(),
        )

    @get("/{inburgeraar_id:int}/intake", guards=REGIE, name="intake")
    async def intake_page(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Template:
        return await self._intake_page(request, inburgeraar_id, {}, None, {})

    async def _intake_page(
        self,
        request: Request,
        inburgeraar_id: int,
        errors: dict,
        failed_section: str | None,
        values: dict,
        status_code: int = 200,
    ) -> Template:
        scope = actor_scope(request)
        case = await inburgeraars.get_case(scope, inburgeraar_id, data_key(request))
        return page(
            request,
            "casefile/intake.html",
            status_code=status_code,
            case=case,
            intake=await intake.load(scope, inburgeraar_id),
            sections=SECTIONS,
            health_bases=list(HEALTH_BASES.items()),
            health_labels=HEALTH_BASES,
            errors=errors,
            failed_section=failed_section,
            values=values,
        )

    @post("/{inburgeraar_id:int}/intake", guards=REGIE)
    async def intake_save(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        section = form_text(form, "section")
        answers = {key: str(value) for key, value in form.items()}
        try:
            await intake.save_section(actor_scope(request), inburgeraar_id, section, answers)
        except ValidationFailed as failed:
            return await self._intake_page(
                request, inburgeraar_id, failed.errors, section, answers, status_code=400
            )
        flash(request, "Opgeslagen.")
        return Redirect(
            path=f"/r/{slug}/inburgeraars/{inburgeraar_id}/intake#sectie-{section}", status_code=303
        )

    @post("/{inburgeraar_id:int}/intake/grondslag", guards=REGIE)
    async def intake_basis(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await intake.record_health_basis(
                actor_scope(request), inburgeraar_id, form_text(form, "health_basis")
            )
        except ValidationFailed as failed:
            return await self._intake_page(
                request, inburgeraar_id, failed.errors, "gezondheid", {}, status_code=400
            )
        flash(request, "De grondslag is vastgelegd. U kunt nu gezondheidsgegevens invullen.")
        return Redirect(
            path=f"/r/{slug}/inburgeraars/{inburgeraar_id}/intake#sectie-gezondheid",
            status_code=303,
        )

    async def _case_action(
        self, request: Request, slug: str, inburgeraar_id: int, action: Any, done: str
    ) -> Redirect:
        """Run a small change on the case page; errors come back as flash messages there."""
        try:
            await action
        except ValidationFailed as failed:
            for message in failed.errors.values():
                flash(request, message, "error")
            return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}", status_code=303)
        flash(request, done)
        return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}", status_code=303)

    @post("/{inburgeraar_id:int}/huishouden", guards=REGIE)
    async def household_link(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        action = households.link(
            actor_scope(request),
            inburgeraar_id,
            form_text(form, "other"),
            form_text(form, "household_role"),
        )
        return await self._case_action(
            request, slug, inburgeraar_id, action, "Gekoppeld aan het huishouden."
        )

    @post("/{inburgeraar_id:int}/huishouden/loskoppelen", guards=REGIE)
    async def household_unlink(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Redirect:
        action = households.unlink(actor_scope(request), inburgeraar_id)
        return await self._case_action(
            request, slug, inburgeraar_id, action, "Losgekoppeld van het huishouden."
        )

    @post("/{inburgeraar_id:int}/regievoerder", guards=REGIE)
    async def assign(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        action = inburgeraars.assign_regievoerder(
            actor_scope(request), inburgeraar_id, form_text(form, "regievoerder")
        )
        return await self._case_action(
            request, slug, inburgeraar_id, action, "De regievoerder is gewijzigd."
        )

    @post("/{inburgeraar_id:int}/datums", guards=REGIE)
    async def dates(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        change = inburgeraars.DateChange(
            plicht_start=form_text(form, "plicht_start"),
            brp_date=form_text(form, "brp_date"),
            reason=form_text(form, "reason"),
        )
        back = f"/r/{slug}/inburgeraars/{inburgeraar_id}#datums"
        try:
            await inburgeraars.change_dates(actor_scope(request), inburgeraar_id, change, today())
        except ValidationFailed as failed:
            for message in failed.errors.values():
                flash(request, message, "error")
            return Redirect(path=back, status_code=303)
        flash(request, "De datums zijn opgeslagen.")
        return Redirect(path=back, status_code=303)

    @post("/{inburgeraar_id:int}/afronden", guards=REGIE)
    async def afronden(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        try:
            await pips.afronden(actor_scope(request), inburgeraar_id, form_text(form, "reason"))
        except ValidationFailed as failed:
            for message in failed.errors.values():
                flash(request, message, "error")
            return Redirect(
                path=f"/r/{slug}/inburgeraars/{inburgeraar_id}#afronden", status_code=303
            )
        flash(request, "De inburgering is afgerond. Open taken zijn vervallen.")
        return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}", status_code=303)

    @post("/{inburgeraar_id:int}/taken", guards=REGIE)
    async def add_task(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        new = pip_tasks.NewTask(
            title=form_text(form, "title"),
            organisation_id=form_text(form, "organisation_id"),
            due_date=form_text(form, "due_date"),
        )
        try:
            await pip_tasks.add_task(actor_scope(request), inburgeraar_id, new, today())
        except ValidationFailed as failed:
            for message in failed.errors.values():
                flash(request, message, "error")
            return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}#taken", status_code=303)
        flash(request, "De taak is toegevoegd.")
        return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}#taken", status_code=303)


def _pip_values(pip: dict[str, Any]) -> dict[str, Any]:
    values = {key: ("" if value is None else value) for key, value in pip.items()}
    if pip.get("dagtekening"):
        values["dagtekening"] = pip["dagtekening"].isoformat()
    for field in ("taalaanbieder", "begeleider_organisation", "participatie_organisation"):
        values[field] = str(pip[field]) if pip.get(field) else ""
    return values


def _csv_excel(rows: list[dict[str, Any]]) -> bytes:
    """CSV for Excel (UTF-8 with BOM, `;`), cells that start with = + - @ neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "Dossier",
            "Achternaam",
            "Voornamen",
            "Gemeente",
            "Doelgroep",
            "BRP-inschrijving",
            "PIP uiterlijk",
            "PIP-termijn",
            "Leerroute",
            "Status",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                _safe(v)
                for v in (
                    row["id"],
                    row["family_name"],
                    row["given_names"],
                    row["gemeente_name"],
                    DOELGROEP_LABELS.get(row["doelgroep"], row["doelgroep"]),
                    row["brp_date"].strftime("%d-%m-%Y") if row["brp_date"] else "",
                    row["deadline"].strftime("%d-%m-%Y") if row["deadline"] else "",
                    row["deadline_state"].label,
                    LEERROUTE_LABELS.get(row["leerroute"] or "", ""),
                    STATUS_LABELS.get(row["status"], row["status"]),
                )
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(value: object) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class TaskController(Controller):
    path = "/r/{slug:str}/taken"
    guards = CASE_ROLES

    @get("/", name="my_tasks")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        status: FromQuery[str] = "actief",
        te_laat: FromQuery[str] = "",
        binnenkort: FromQuery[str] = "",
        van: FromQuery[str] = "eigen",
        pagina: FromQuery[str] = "1",
    ) -> Template:
        search = read_search(request, "zoek")
        filters = pip_tasks.TaskFilter(
            status=status,
            overdue_only=bool(te_laat),
            due_within_days=pip_tasks.SOON_DAYS if binnenkort else None,
            search=search.text("zoek"),
            owner=van if van in pip_tasks.OWNER_LABELS else "eigen",
        )
        result, counts = await pip_tasks.my_tasks(
            actor_scope(request), filters, PageRequest.parse(pagina), today()
        )
        return page(
            request,
            "casefile/my_tasks.html",
            result=result,
            counts=counts,
            links=result.with_links(
                request.url.path,
                search.link_params(
                    status=status, te_laat=te_laat, binnenkort=binnenkort, van=filters.owner
                ),
            ),
            owner_labels=pip_tasks.OWNER_LABELS,
            soon_days=pip_tasks.SOON_DAYS,
            filters=filters,
            status_labels=pip_tasks.STATUS_LABELS,
            leerroute_labels=LEERROUTE_LABELS,
        )

    @get("/{task_id:int}", name="task")
    async def detail(
        self, request: Request, slug: FromPath[str], task_id: FromPath[int]
    ) -> Template:
        return await self._task_page(request, task_id, {}, {})

    async def _task_page(
        self, request: Request, task_id: int, values: dict, errors: dict, status_code: int = 200
    ) -> Template:
        scope = actor_scope(request)
        task = await pip_tasks.get_task(scope, task_id)
        allowed = (
            pip_tasks.STATUS_LABELS
            if scope.role is Role.REGIEVOERDER
            else {k: pip_tasks.STATUS_LABELS[k] for k in pip_tasks.PARTNER_STATUSES}
        )
        reassign_options = (
            await pip_tasks.assignable_organisations(scope, task["kind"])
            if scope.role is Role.REGIEVOERDER
            else []
        )
        return page(
            request,
            "casefile/task.html",
            status_code=status_code,
            task=task,
            values=values,
            errors=errors,
            status_options=list(allowed.items()),
            status_labels=pip_tasks.STATUS_LABELS,
            leerroute_labels=LEERROUTE_LABELS,
            can_reassign=scope.role is Role.REGIEVOERDER,
            # The organisation that has the task now is no choice to hand it to.
            reassign_options=[o for o in reassign_options if o[0] != str(task["organisation_id"])],
        )

    @post("/{task_id:int}/voortgang")
    async def progress(
        self, request: Request, slug: FromPath[str], task_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        update = pip_tasks.ProgressInput(
            text=str(form.get("text", "")),
            status=form_text(form, "status"),
            progress=form_text(form, "progress"),
            blocked_reason=form_text(form, "blocked_reason"),
        )
        try:
            await pip_tasks.report_progress(actor_scope(request), task_id, update)
        except ValidationFailed as failed:
            return await self._task_page(
                request, task_id, update.__dict__, failed.errors, status_code=400
            )
        flash(request, "Uw bericht is toegevoegd aan de taak.")
        return Redirect(path=f"/r/{slug}/taken/{task_id}", status_code=303)

    @post("/{task_id:int}/overdragen", guards=REGIE)
    async def reassign(
        self, request: Request, slug: FromPath[str], task_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await pip_tasks.reassign(
                actor_scope(request), task_id, form_text(form, "organisation_id")
            )
        except ValidationFailed as failed:
            return await self._task_page(request, task_id, {}, failed.errors, status_code=400)
        flash(request, "De taak is overgedragen.")
        return Redirect(path=f"/r/{slug}/taken/{task_id}", status_code=303)


class TaskTemplateController(Controller):
    """The regio's task plan, for its beheerder."""

    path = "/r/{slug:str}/instellingen/taken"
    guards = [allow(Role.BEHEERDER)]

    @get("/", name="task_templates")
    async def form(self, request: Request, slug: FromPath[str]) -> Template:
        rows = await task_settings.template_rows(actor_scope(request))
        return page(request, "casefile/task_templates.html", rows=rows, errors={}, values={})

    @post("/")
    async def save(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        values = {key: str(value) for key, value in form.items()}
        try:
            await task_settings.save_templates(actor_scope(request), values)
        except ValidationFailed as failed:
            rows = await task_settings.template_rows(actor_scope(request))
            return page(
                request,
                "casefile/task_templates.html",
                status_code=400,
                rows=rows,
                errors=failed.errors,
                values=values,
            )
        flash(
            request,
            "Het takenplan van de regio is opgeslagen. "
            "Het geldt voor PIP's die vanaf nu worden vastgesteld.",
        )
        return Redirect(path=f"/r/{slug}/instellingen/taken", status_code=303)
