"""Routes of the taal package, mounted by portal/app.py.

The school (role taalaanbieder): lessons of the day and the lesson register, groups and
rooster, learners (aanmelding, intake, placement, personal code, hours, reports), and the
attendance import. The gemeente (regievoerder): the taal panel on the case page (send the
aanmelding, hours, reports, verzuim signals and their follow-up).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from partners.taal import attendance_import, enrolments, registers, rooster, verzuim, voortgang
from portal.auth import device_lock
from portal.auth.guards import allow
from portal.auth.throttle import LoginThrottle, TooManyAttempts
from portal.casefile.inburgeraars import parse_date
from portal.casefile.pip_rules import LEERROUTE_LABELS
from portal.core import clock
from portal.core.pagination import PageRequest
from portal.core.validation import ValidationFailed
from portal.web.flash import flash
from portal.web.request_values import actor_scope, form_text
from portal.web.templating import aantal, page
from tenants.roles import Role

SCHOOL = [allow(Role.TAALAANBIEDER)]
REGIE = [allow(Role.REGIEVOERDER)]
CASE_ROLES = [allow(Role.REGIEVOERDER, Role.TAALAANBIEDER)]


def _levels(form: FormMultiDict, prefix: str = "level_") -> dict[str, str]:
    return {skill: form_text(form, f"{prefix}{skill}") for skill in enrolments.SKILLS}


COMMON = {
    "levels": enrolments.LEVELS,
    "level_pairs": [(level, level) for level in enrolments.LEVELS],
    "skills": enrolments.SKILLS,
    "skill_words": enrolments.SKILL_WORDS,
    "hours_text": enrolments.hours_text,
    "statuses": registers.STATUSES,
    "enrolment_statuses": enrolments.STATUS_LABELS,
    "leerroute_labels": LEERROUTE_LABELS,
    "advice_labels": voortgang.ADVICE,
    "report_kinds": voortgang.KINDS,
    "exam_labels": voortgang.EXAM_RESULTS,
    "exam_options": [(k, v) for k, v in voortgang.EXAM_RESULTS.items() if k],
    "follow_ups": verzuim.FOLLOW_UPS,
    "weekdays": rooster.WEEKDAYS,
    "weekday_options": [(str(number), name) for number, name in enumerate(rooster.WEEKDAYS)],
    "afschalen_hours": voortgang.AFSCHALEN_HOURS,
}


def _confirm_path(slug: str, lesson_id: int) -> str:
    return f"/r/{slug}/lessen/{lesson_id}/bevestigen"


def _locked_for(request: Request, slug: str, lesson_id: int) -> bool:
    """Is this session locked on the confirmation screen of this very lesson?"""
    state = device_lock.current(request.scope.get("session"))
    return state is not None and state.home == _confirm_path(slug, lesson_id)


def _page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    return page(request, template, status_code=status_code, **COMMON, **context)


class LessonController(Controller):
    """Lessons of the day and the lesson register."""

    path = "/r/{slug:str}/lessen"
    guards = SCHOOL

    @get("/", name="taal_lessons")
    async def today_page(
        self,
        request: Request,
        slug: FromPath[str],
        datum: FromQuery[str] = "",
        alle: FromQuery[str] = "",
    ) -> Template:
        day = parse_date(datum) or clock.today()
        scope = actor_scope(request)
        return _page(
            request,
            "taal/lessons.html",
            day=day,
            is_today=day == clock.today(),
            show_all=bool(alle),
            lessons=await rooster.lessons_on(scope, day, own_only=not alle),
            open_registers=await rooster.open_registers(scope, clock.today()),
        )

    def _import_page(
        self,
        request: Request,
        plan: attendance_import.Plan | None = None,
        error: str | None = None,
        action: str = "",
        status_code: int = 200,
    ) -> Template:
        return _page(
            request,
            "taal/import.html",
            status_code=status_code,
            plan=plan,
            error=error,
            action=action,
            columns=attendance_import.COLUMNS,
            template_csv=attendance_import.TEMPLATE_CSV,
        )

    @get("/import", name="taal_import")
    async def import_form(self, request: Request, slug: FromPath[str]) -> Template:
        return self._import_page(request)

    @post(
        "/import",
        name="taal_import_upload",
        request_max_body_size=attendance_import.MAX_BYTES + 64 * 1024,
    )
    async def import_upload(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        action = "importeren" if form_text(form, "actie") == "importeren" else "controleren"
        upload = form.get("bestand")
        if not isinstance(upload, UploadFile):
            return self._import_page(
                request,
                error="Kies een CSV-bestand om in te lezen.",
                action=action,
                status_code=400,
            )
        try:
            raw = await upload.read(attendance_import.MAX_BYTES + 1)
            if len(raw) > attendance_import.MAX_BYTES:
                raise attendance_import.FileRefused("Het bestand is groter dan 2 MB. Splits het.")
            if action == "controleren":
                plan = await attendance_import.check(actor_scope(request), raw, clock.today())
                return self._import_page(request, plan=plan, action=action)
            plan = await attendance_import.run(actor_scope(request), raw, clock.today())
        except attendance_import.FileRefused as refused:
            return self._import_page(request, error=str(refused), action=action, status_code=400)
        finally:
            await upload.close()
        if not plan.ok:
            return self._import_page(request, plan=plan, action=action, status_code=400)
        flash(
            request,
            f"{aantal(len(plan.new_rows), 'regel', 'regels')} ingelezen, "
            f"{aantal(plan.skipped, 'regel stond', 'regels stonden')} er al en "
            f"{'is' if plan.skipped == 1 else 'zijn'} overgeslagen.",
        )
        return Redirect(path=f"/r/{slug}/lessen", status_code=303)

    @get("/{lesson_id:int}", name="taal_register")
    async def register(
        self, request: Request, slug: FromPath[str], lesson_id: FromPath[int]
    ) -> Template:
        return await self._register_page(request, lesson_id, {}, {})

    async def _register_page(
        self,
        request: Request,
        lesson_id: int,
        values: dict[str, str],
        errors: dict[str, str],
        status_code: int = 200,
        **extra: Any,
    ) -> Template:
        scope = actor_scope(request)
        lesson = await registers.load(scope, lesson_id)
        return _page(
            request,
            "taal/register.html",
            status_code=status_code,
            lesson=lesson,
            values=values,
            errors=errors,
            is_docent=lesson["docent"] == scope.person_id,
            locked=lesson["register_status"] in registers.LOCKED,
            today=clock.today(),
            **extra,
        )

    @post("/{lesson_id:int}", name="taal_register_save")
    async def save(
        self, request: Request, slug: FromPath[str], lesson_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        values = {key: str(value) for key, value in form.items()}
        everyone = form_text(form, "actie") == "iedereen"
        lines: dict[int, registers.LineInput] = {}
        for key in form:
            if key.startswith("learner_") and key[8:].isdigit():
                learner = int(key[8:])
                lines[learner] = registers.LineInput(
                    status="aanwezig" if everyone else form_text(form, f"status_{learner}"),
                    minutes_late="" if everyone else form_text(form, f"late_{learner}"),
                    reason="" if everyone else form_text(form, f"reason_{learner}"),
                )
        try:
            changed = await registers.save(
                actor_scope(request),
                lesson_id,
                lines,
                form_text(form, "correction_reason"),
                clock.today(),
            )
        except ValidationFailed as failed:
            return await self._register_page(
                request, lesson_id, values, failed.errors, status_code=400
            )
        flash(
            request,
            "Iedereen staat op aanwezig. Pas aan wie te laat of afwezig is."
            if everyone
            else f"De presentielijst is opgeslagen ({changed} regels gewijzigd).",
        )
        return Redirect(path=f"/r/{slug}/lessen/{lesson_id}", status_code=303)

    @post("/{lesson_id:int}/vergrendelen", name="taal_register_lock")
    async def lock(
        self, request: Request, slug: FromPath[str], lesson_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            await registers.start_confirmation(actor_scope(request), lesson_id, clock.today())
        except ValidationFailed as failed:
            return await self._register_page(request, lesson_id, {}, failed.errors, 400)
        locked = _confirm_path(slug, lesson_id)
        device_lock.lock(
            request.scope["session"],
            home=locked,
            allowed=[("POST", locked), ("POST", f"/r/{slug}/lessen/{lesson_id}/ontgrendelen")],
        )
        return Redirect(path=locked, status_code=303)

    async def _locked_page(
        self,
        request: Request,
        lesson_id: int,
        values: dict[str, str],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Template:
        state = device_lock.current(request.scope.get("session"))
        return page(
            request,
            "taal/confirm_locked.html",
            status_code=status_code,
            nav_items=[],
            lesson=await registers.confirmation_list(actor_scope(request), lesson_id),
            values=values,
            errors=errors,
            tries_left=device_lock.MAX_UNLOCK_FAILURES - (state.failures if state else 0),
        )

    @get("/{lesson_id:int}/bevestigen", name="taal_register_confirm_page")
    async def confirm_page(
        self, request: Request, slug: FromPath[str], lesson_id: FromPath[int]
    ) -> Template | Redirect:
        if not _locked_for(request, slug, lesson_id):
            await registers.require_lesson(actor_scope(request), lesson_id)
            return Redirect(path=f"/r/{slug}/lessen/{lesson_id}", status_code=303)
        return await self._locked_page(request, lesson_id, {}, {})

    @post("/{lesson_id:int}/bevestigen", name="taal_register_confirm")
    async def confirm(
        self, request: Request, slug: FromPath[str], lesson_id: FromPath[int]
    ) -> Template | Redirect:
        # Learners confirm only on the locked screen, never on the docent's open one.
        if not _locked_for(request, slug, lesson_id):
            await registers.require_lesson(actor_scope(request), lesson_id)
            flash(request, "Start eerst het bevestigen door de cursisten.", "warning")
            return Redirect(path=f"/r/{slug}/lessen/{lesson_id}", status_code=303)
        form = await request.form()
        try:
            name = await registers.confirm(
                actor_scope(request),
                lesson_id,
                form_text(form, "enrolment"),
                form_text(form, "code"),
            )
        except ValidationFailed as failed:
            return await self._locked_page(
                request,
                lesson_id,
                {"enrolment": form_text(form, "enrolment")},
                failed.errors,
                status_code=400,
            )
        flash(request, f"Dank u, {name}. Uw aanwezigheid is bevestigd.")
        return Redirect(path=_confirm_path(slug, lesson_id), status_code=303)

    @post("/{lesson_id:int}/ontgrendelen", name="taal_register_unlock")
    async def unlock(
        self, request: Request, slug: FromPath[str], lesson_id: FromPath[int]
    ) -> Template | Redirect:
        if not _locked_for(request, slug, lesson_id):
            await registers.require_lesson(actor_scope(request), lesson_id)
            return Redirect(path=f"/r/{slug}/lessen/{lesson_id}", status_code=303)
        form = await request.form()
        settings = request.app.state.settings
        try:
            outcome = await device_lock.unlock(
                request.scope["session"],
                actor_scope(request),
                str(form.get("password", "")),
                settings,
                LoginThrottle.from_settings(request.app.state.counters, settings),
            )
        except TooManyAttempts as wait:
            # Answered on the locked screen itself: an error page would show the menu.
            return await self._locked_page(
                request,
                lesson_id,
                {},
                {
                    "password": f"Te veel pogingen. Wacht {wait.retry_after} seconden en "
                    "probeer het dan opnieuw."
                },
                status_code=429,
            )
        if outcome is device_lock.Unlock.ENDED:
            flash(
                request,
                "Te vaak een verkeerd wachtwoord. U bent uitgelogd. Log opnieuw in.",
                "warning",
            )
            return Redirect(path="/login", status_code=303)
        if outcome is device_lock.Unlock.WRONG:
            return await self._locked_page(
                request,
                lesson_id,
                {},
                {"password": "Dit wachtwoord klopt niet."},
                status_code=400,
            )
        flash(request, "Het scherm is ontgrendeld.")
        return Redirect(path=f"/r/{slug}/lessen/{lesson_id}", status_code=303)

    @post("/{lesson_id:int}/ondertekenen", name="taal_register_sign")
    async def sign(
        self, request: Request, slug: FromPath[str], lesson_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            signals = await registers.sign(actor_scope(request), lesson_id, clock.today())
        except ValidationFailed as failed:
            return await self._register_page(request, lesson_id, {}, failed.errors, 400)
        message = "De presentielijst is ondertekend."
        if signals:
            message += f" Er {'is' if signals == 1 else 'zijn'} {signals} verzuimsignaal"
            message += "" if signals == 1 else "en"
            message += " naar de gemeente gestuurd."
        flash(request, message)
        return Redirect(path=f"/r/{slug}/lessen/{lesson_id}", status_code=303)

    @post("/{lesson_id:int}/annuleren", name="taal_lesson_cancel")
    async def cancel(
        self, request: Request, slug: FromPath[str], lesson_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await rooster.cancel_lesson(
                actor_scope(request), lesson_id, form_text(form, "cancel_reason")
            )
        except ValidationFailed as failed:
            return await self._register_page(request, lesson_id, {}, failed.errors, status_code=400)
        flash(request, "De les is geannuleerd.")
        return Redirect(path=f"/r/{slug}/lessen/{lesson_id}", status_code=303)


class GroupController(Controller):
    """Groups, their rooster, lessons and the school's holidays."""

    path = "/r/{slug:str}/groepen"
    guards = SCHOOL

    async def _index(
        self, request: Request, values: dict, errors: dict, status_code: int = 200
    ) -> Template:
        scope = actor_scope(request)
        return _page(
            request,
            "taal/groups.html",
            status_code=status_code,
            groups=await rooster.groups(scope),
            holidays=await rooster.holidays(scope),
            docent_options=await rooster.docent_options(scope),
            values=values,
            errors=errors,
        )

    @get("/", name="taal_groups")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._index(request, {"capacity": "16"}, {})

    @post("/", name="taal_group_create")
    async def create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        values = {key: str(value) for key, value in form.items()}
        try:
            group_id = await rooster.create_group(
                actor_scope(request),
                rooster.GroupInput(
                    name=form_text(form, "name"),
                    docent_id=form_text(form, "docent_id"),
                    location=form_text(form, "location"),
                    capacity=form_text(form, "capacity"),
                    start_date=form_text(form, "start_date"),
                    end_date=form_text(form, "end_date"),
                ),
            )
        except ValidationFailed as failed:
            return await self._index(request, values, failed.errors, status_code=400)
        flash(request, "De groep is aangemaakt. Voeg nu het rooster toe.")
        return Redirect(path=f"/r/{slug}/groepen/{group_id}", status_code=303)

    @post("/vrije-dagen", name="taal_holiday_create")
    async def holiday(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        values = {key: str(value) for key, value in form.items()}
        try:
            await rooster.add_holiday(
                actor_scope(request),
                form_text(form, "holiday_name"),
                form_text(form, "first_day"),
                form_text(form, "last_day"),
            )
        except ValidationFailed as failed:
            return await self._index(request, values, failed.errors, status_code=400)
        flash(request, "De vrije dagen zijn opgeslagen. Nieuwe lessen slaan ze over.")
        return Redirect(path=f"/r/{slug}/groepen", status_code=303)

    async def _detail(
        self, request: Request, group_id: int, values: dict, errors: dict, status_code: int = 200
    ) -> Template:
        scope = actor_scope(request)
        group = await rooster.get_group(scope, group_id)
        return _page(
            request,
            "taal/group.html",
            status_code=status_code,
            group=group,
            lessons=await rooster.lessons_of_group(scope, group_id, clock.today()),
            values=values,
            errors=errors,
        )

    @get("/{group_id:int}", name="taal_group")
    async def detail(
        self, request: Request, slug: FromPath[str], group_id: FromPath[int]
    ) -> Template:
        return await self._detail(request, group_id, {}, {})

    @post("/{group_id:int}/rooster", name="taal_group_slot")
    async def slot(
        self, request: Request, slug: FromPath[str], group_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        values = {key: str(value) for key, value in form.items()}
        try:
            await rooster.add_slot(
                actor_scope(request),
                group_id,
                rooster.SlotInput(
                    weekday=form_text(form, "weekday"),
                    starts=form_text(form, "starts"),
                    ends=form_text(form, "ends"),
                ),
            )
        except ValidationFailed as failed:
            return await self._detail(request, group_id, values, failed.errors, 400)
        flash(request, "Het lesmoment is aan het rooster toegevoegd.")
        return Redirect(path=f"/r/{slug}/groepen/{group_id}", status_code=303)

    @post("/{group_id:int}/lessen", name="taal_group_generate")
    async def generate(
        self, request: Request, slug: FromPath[str], group_id: FromPath[int]
    ) -> Template | Redirect:
        try:
            added = await rooster.generate_lessons(actor_scope(request), group_id, clock.today())
        except ValidationFailed as failed:
            return await self._detail(request, group_id, {}, failed.errors, 400)
        flash(request, f"{aantal(added, 'les', 'lessen')} aangemaakt volgens het rooster.")
        return Redirect(path=f"/r/{slug}/groepen/{group_id}", status_code=303)


class EnrolmentController(Controller):
    """The school's learners: aanmelding, intake, placement, code, status, hours, reports."""

    path = "/r/{slug:str}/cursisten"
    guards = SCHOOL

    @get("/", name="taal_enrolments")
    async def index(
        self, request: Request, slug: FromPath[str], status: FromQuery[str] = ""
    ) -> Template:
        return _page(
            request,
            "taal/enrolments.html",
            rows=await enrolments.school_enrolments(actor_scope(request), status),
            status=status,
        )

    async def _detail(
        self,
        request: Request,
        enrolment_id: int,
        values: dict,
        errors: dict,
        status_code: int = 200,
        new_code: str | None = None,
        pagina: str = "1",
    ) -> Template:
        scope = actor_scope(request)
        enrolment = await enrolments.get_enrolment(scope, enrolment_id)
        return _page(
            request,
            "taal/enrolment.html",
            status_code=status_code,
            enrolment=enrolment,
            hours=await voortgang.hours(scope, enrolment["inburgeraar"], enrolment["leerroute"]),
            history=await voortgang.history(scope, enrolment_id, PageRequest.parse(pagina, 20)),
            reports=await voortgang.reports_of_case(scope, enrolment["inburgeraar"]),
            group_options=await enrolments.group_options(scope),
            status_pairs=[
                (status, enrolments.STATUS_LABELS[status])
                for status in enrolments.STATUS_CHANGES.get(enrolment["status"], ())
            ],
            values=values,
            errors=errors,
            new_code=new_code,
            today=clock.today(),
        )

    @get("/{enrolment_id:int}", name="taal_enrolment")
    async def detail(
        self,
        request: Request,
        slug: FromPath[str],
        enrolment_id: FromPath[int],
        pagina: FromQuery[str] = "1",
    ) -> Template:
        return await self._detail(request, enrolment_id, {}, {}, pagina=pagina)

    @get("/{enrolment_id:int}/aanwezigheid.csv", name="taal_enrolment_export")
    async def export(
        self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]
    ) -> Response:
        return Response(
            await voortgang.history_csv(actor_scope(request), enrolment_id),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="aanwezigheid.csv"'},
        )

    async def _act(
        self, request: Request, slug: str, enrolment_id: int, action: Any, done: str, values: dict
    ) -> Template | Redirect:
        try:
            result = await action
        except ValidationFailed as failed:
            return await self._detail(request, enrolment_id, values, failed.errors, 400)
        if isinstance(result, str):
            # A new personal code is shown once, on this answer, never stored in clear.
            return await self._detail(request, enrolment_id, {}, {}, new_code=result)
        flash(request, done)
        return Redirect(path=f"/r/{slug}/cursisten/{enrolment_id}", status_code=303)

    @post("/{enrolment_id:int}/accepteren", name="taal_enrolment_accept")
    async def accept(
        self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]
    ) -> Template | Redirect:
        action = enrolments.accept(actor_scope(request), enrolment_id)
        return await self._act(
            request, slug, enrolment_id, action, "De aanmelding is geaccepteerd.", {}
        )

    @post("/{enrolment_id:int}/intake", name="taal_enrolment_intake")
    async def intake(
        self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        action = enrolments.record_intake(
            actor_scope(request),
            enrolment_id,
            enrolments.IntakeInput(
                intake_date=form_text(form, "intake_date"),
                levels=_levels(form),
                hours_per_week=form_text(form, "hours_per_week"),
                notes=str(form.get("intake_notes", "")),
            ),
            clock.today(),
        )
        values = {key: str(value) for key, value in form.items()}
        return await self._act(
            request, slug, enrolment_id, action, "De intake is vastgelegd.", values
        )

    @post("/{enrolment_id:int}/plaatsen", name="taal_enrolment_place")
    async def place(
        self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        action = enrolments.place(
            actor_scope(request),
            enrolment_id,
            enrolments.Placement(
                group_id=form_text(form, "group_id"),
                start_date=form_text(form, "start_date"),
                end_date=form_text(form, "end_date"),
            ),
            clock.today(),
        )
        values = {key: str(value) for key, value in form.items()}
        return await self._act(
            request, slug, enrolment_id, action, "De cursist is in de groep geplaatst.", values
        )

    @post("/{enrolment_id:int}/code", name="taal_enrolment_code")
    async def code(
        self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]
    ) -> Template | Redirect:
        action = enrolments.renew_code(actor_scope(request), enrolment_id)
        return await self._act(request, slug, enrolment_id, action, "", {})

    @post("/{enrolment_id:int}/status", name="taal_enrolment_status")
    async def status(
        self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        action = enrolments.change_status(
            actor_scope(request),
            enrolment_id,
            form_text(form, "status"),
            form_text(form, "reason"),
            clock.today(),
        )
        values = {key: str(value) for key, value in form.items()}
        return await self._act(
            request, slug, enrolment_id, action, "De status is gewijzigd.", values
        )

    @post("/{enrolment_id:int}/rapportages", name="taal_report_create")
    async def report(
        self, request: Request, slug: FromPath[str], enrolment_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        values = {key: str(value) for key, value in form.items()}
        try:
            report_id = await voortgang.file_report(
                actor_scope(request),
                enrolment_id,
                voortgang.ReportInput(
                    kind=form_text(form, "kind"),
                    period_end=form_text(form, "period_end"),
                    levels=_levels(form, "report_level_"),
                    advice=form_text(form, "advice"),
                    exams=_levels(form, "exam_"),
                    exam_results=str(form.get("exam_results", "")),
                    remarks=str(form.get("remarks", "")),
                ),
                clock.today(),
            )
        except ValidationFailed as failed:
            return await self._detail(request, enrolment_id, values, failed.errors, 400)
        flash(request, "De rapportage is ingediend. De gemeente kan hem nu lezen.")
        return Redirect(path=f"/r/{slug}/rapportages/{report_id}", status_code=303)


class CaseTaalController(Controller):
    """The taal panel of the case page, the aanmelding, reports and verzuim follow-up."""

    path = "/r/{slug:str}"

    @get("/inburgeraars/{inburgeraar_id:int}/taal", guards=CASE_ROLES, name="taal_case_panel")
    async def panel(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Template:
        scope = actor_scope(request)
        case = await enrolments.case_of(scope, inburgeraar_id)
        rows = await enrolments.enrolments_of_case(scope, inburgeraar_id)
        for row in rows:
            # The newest lines: the gemeente's evidence when it follows up verzuim.
            row["recent"] = await voortgang.history(scope, row["id"], PageRequest(1, 10))
        template = "taal/_case_panel.html" if request.headers.get("hx-request") else None
        return _page(
            request,
            template or "taal/case_panel.html",
            case=case,
            enrolments=rows,
            can_send=await enrolments.can_send(scope, inburgeraar_id),
            hours=await voortgang.hours(scope, inburgeraar_id, case["leerroute"]),
            reports=await voortgang.reports_of_case(scope, inburgeraar_id),
            signals=await verzuim.signals_of_case(scope, inburgeraar_id),
            errors={},
        )

    @post("/inburgeraars/{inburgeraar_id:int}/taal/aanmelden", guards=REGIE, name="taal_aanmelden")
    async def aanmelden(
        self, request: Request, slug: FromPath[str], inburgeraar_id: FromPath[int]
    ) -> Redirect:
        try:
            await enrolments.send_aanmelding(actor_scope(request), inburgeraar_id)
        except ValidationFailed as failed:
            for message in failed.errors.values():
                flash(request, message, "error")
        else:
            flash(request, "De aanmelding is naar de taalaanbieder gestuurd.")
        return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}#panel-taal", status_code=303)

    @get("/rapportages/{report_id:int}", guards=CASE_ROLES, name="taal_report")
    async def report(
        self, request: Request, slug: FromPath[str], report_id: FromPath[int]
    ) -> Template:
        return _page(
            request,
            "taal/report.html",
            report=await voortgang.get_report(actor_scope(request), report_id),
        )

    @post("/verzuim/{signal_id:int}", guards=REGIE, name="taal_verzuim_follow_up")
    async def follow_up(
        self, request: Request, slug: FromPath[str], signal_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        try:
            inburgeraar_id = await verzuim.record_follow_up(
                actor_scope(request),
                signal_id,
                form_text(form, "follow_up"),
                form_text(form, "follow_up_reason"),
            )
        except ValidationFailed as failed:
            for message in failed.errors.values():
                flash(request, message, "error")
            inburgeraar_id = await verzuim.case_of_signal(actor_scope(request), signal_id)
        else:
            flash(request, "De opvolging van het verzuimsignaal is vastgelegd.")
        return Redirect(path=f"/r/{slug}/inburgeraars/{inburgeraar_id}#panel-taal", status_code=303)


class VerzuimRulesController(Controller):
    """The regio's verzuim rules, for its beheerder."""

    path = "/r/{slug:str}/instellingen/verzuim"
    guards = [allow(Role.BEHEERDER)]

    async def _form(
        self, request: Request, values: dict, errors: dict, status_code: int = 200
    ) -> Template:
        return _page(
            request,
            "taal/verzuim_rules.html",
            status_code=status_code,
            values=values,
            errors=errors,
        )

    @get("/", name="taal_verzuim_rules")
    async def form(self, request: Request, slug: FromPath[str]) -> Template:
        rules = {rule.kind: rule for rule in await verzuim.rules(actor_scope(request))}
        values = {
            "lessons": str(rules["reeks"].lessons) if "reeks" in rules else "0",
            "hours": str(rules["uren"].hours) if "uren" in rules else "0",
            "weeks": str(rules["uren"].weeks) if "uren" in rules else "0",
        }
        return await self._form(request, values, {})

    @post("/", name="taal_verzuim_rules_save")
    async def save(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        values = {key: str(value) for key, value in form.items()}
        try:
            await verzuim.save_rules(
                actor_scope(request),
                form_text(form, "lessons"),
                form_text(form, "hours"),
                form_text(form, "weeks"),
            )
        except ValidationFailed as failed:
            return await self._form(request, values, failed.errors, status_code=400)
        flash(request, "De verzuimregels van de regio zijn opgeslagen.")
        return Redirect(path=f"/r/{slug}/instellingen/verzuim", status_code=303)


# Controllers and route handlers of this package, in the order portal/app.py mounts them.
ROUTE_HANDLERS: list[Any] = [
    LessonController,
    GroupController,
    EnrolmentController,
    CaseTaalController,
    VerzuimRulesController,
]
