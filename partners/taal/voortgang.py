"""Voortgang: hours offered and attended against the route's norm, a learner's attendance
history, and the voortgangsrapportage (and eindrapportage) per enrolment.

- Hours come from the current register lines: per month and in total, against the norm of
  the route (600 hours before afschalen B1 → A2 is possible, 1,600 for the Z-route).
- Advice "afschalen" is refused below 600 attended hours; the form shows the counter.
- Filing a voortgangsrapportage completes the earliest open "Voortgangsrapportage" task of
  the case (the PIP creates them, every quarter by default; a regio changes the interval in
  its task plan), and an eindrapportage the task "Eindrapportage" made when the route ended,
  so due reports are what "Mijn taken" shows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from partners.taal.enrolments import LEVELS, SKILL_WORDS, SKILLS
from partners.taal.registers import PRESENT
from partners.taal.registers import STATUSES as STATUS_LABELS
from partners.taal.tables import Attendance, Enrolment, ProgressReport
from portal.casefile import pip_tasks, task_settings, task_templates, timeline
from portal.casefile.inburgeraars import parse_date, subject
from portal.casefile.tables import PipTask
from portal.core import audit
from portal.core.clock import MONTHS
from portal.core.database import write_transaction
from portal.core.pagination import Page, PageRequest
from portal.core.validation import Checker
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

AFSCHALEN_HOURS = 600
Z_ROUTE_HOURS = 1600
ADVICE = {
    "op_schema": "Op schema",
    "afschalen": "Afschalen van B1 naar A2",
    "schakelen": "Schakelen naar een andere leerroute",
}
KINDS = {"voortgang": "Voortgangsrapportage", "eind": "Eindrapportage"}
# The next report after one is filed, for as long as the route runs (the PIP's own plan
# only covers the first reports).
NEXT_REPORT_KIND = "taal.voortgang.vervolg"
REPORTING_STATUSES = ("actief", "onderbroken")
EXAM_RESULTS = {"": "Niet gedaan", "gehaald": "Gehaald", "niet_gehaald": "Niet gehaald"}


@dataclass(frozen=True)
class Hours:
    """Hours of one inburgeraar: per month (newest first) and in total, against the norm."""

    months: list[dict[str, Any]]
    offered: float
    attended: float
    norm: int
    norm_label: str

    @property
    def percentage(self) -> int:
        return min(100, round(self.attended / self.norm * 100)) if self.norm else 0

    @property
    def afschalen_possible(self) -> bool:
        return self.attended >= AFSCHALEN_HOURS


@dataclass(frozen=True)
class ReportInput:
    kind: str
    period_end: str
    levels: dict[str, str]
    advice: str
    exams: dict[str, str]
    exam_results: str
    remarks: str


def norm_for(leerroute: str | None) -> tuple[int, str]:
    if leerroute == "Z":
        return Z_ROUTE_HOURS, "norm van de Z-route"
    return AFSCHALEN_HOURS, "uren nodig voor afschalen"


async def hours(scope: Scope, inburgeraar_id: int, leerroute: str | None) -> Hours:
    """Offered and attended hours of one inburgeraar from the lines this scope may see
    (the school: its own lessons; the gemeente: all)."""
    rows = await (
        TenantData(scope)
        .select(
            Attendance,
            Attendance.lesson_date,
            Attendance.minutes_offered,
            Attendance.minutes_attended,
        )
        .where(Attendance.inburgeraar == inburgeraar_id)
        .where(Attendance.current.eq(True))
    )
    per_month: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        key = (row["lesson_date"].year, row["lesson_date"].month)
        totals = per_month.setdefault(key, [0, 0])
        totals[0] += row["minutes_offered"]
        totals[1] += row["minutes_attended"]
    months = [
        {
            "label": f"{MONTHS[month - 1]} {year}",
            "offered": offered / 60,
            "attended": attended / 60,
        }
        for (year, month), (offered, attended) in sorted(per_month.items(), reverse=True)
    ]
    norm, label = norm_for(leerroute)
    return Hours(
        months=months,
        offered=sum(r["minutes_offered"] for r in rows) / 60,
        attended=sum(r["minutes_attended"] for r in rows) / 60,
        norm=norm,
        norm_label=label,
    )


async def history(scope: Scope, enrolment_id: int, page: PageRequest) -> Page:
    """A learner's attendance history at the school, newest lesson first, one page."""
    data = TenantData(scope)
    enrolment = await data.get(Enrolment, enrolment_id, Enrolment.inburgeraar)
    query = (
        data.select(
            Attendance,
            Attendance.lesson_date,
            Attendance.status,
            Attendance.minutes_late,
            Attendance.reason,
            Attendance.version,
            Attendance.confirmed_at,
            Attendance.lesson.starts.as_alias("starts"),
            Attendance.lesson.ends.as_alias("ends"),
        )
        .where(Attendance.enrolment == enrolment_id)
        .where(Attendance.current.eq(True))
    )
    count = (
        data.count(Attendance)
        .where(Attendance.enrolment == enrolment_id)
        .where(Attendance.current.eq(True))
    )
    rows = await (
        query.order_by(Attendance.lesson_date, ascending=False).limit(page.size).offset(page.offset)
    )
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "history",
                "taal_attendance",
                enrolment_id,
                subject_ref=subject(enrolment["inburgeraar"]),
            ),
        )
    return Page(rows=rows, total=await count, number=page.number, size=page.size)


async def history_csv(scope: Scope, enrolment_id: int) -> bytes:
    """The learner's whole attendance at the school as CSV for Excel (UTF-8 with BOM, `;`);
    cells that start with = + - @ are neutralised."""
    page = await history(scope, enrolment_id, PageRequest(1, 100_000))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "Datum",
            "Begin",
            "Einde",
            "Aanwezigheid",
            "Minuten te laat",
            "Reden",
            "Versie",
            "Bevestigd door cursist",
        ]
    )
    for row in page.rows:
        writer.writerow(
            [
                row["lesson_date"].strftime("%d-%m-%Y"),
                row["starts"],
                row["ends"],
                STATUS_LABELS[row["status"]],
                row["minutes_late"] or "",
                _safe(row["reason"]),
                row["version"],
                # Only who was there confirms; for an absence the question does not apply.
                ("ja" if row["confirmed_at"] else "nee") if row["status"] in PRESENT else "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


REPORT_COLUMNS = (
    *ProgressReport.all_columns(),
    ProgressReport.organisation.name.as_alias("school"),
    ProgressReport.author.full_name.as_alias("author_name"),
    ProgressReport.inburgeraar.given_names.as_alias("given_names"),
    ProgressReport.inburgeraar.family_name.as_alias("family_name"),
)


async def file_report(scope: Scope, enrolment_id: int, form: ReportInput, today: date) -> int:
    """The school files a voortgangsrapportage or the eindrapportage; returns its id."""
    if scope.role is not Role.TAALAANBIEDER:
        raise NotFound("report")
    data = TenantData(scope)
    enrolment = await data.get_writable(
        Enrolment, enrolment_id, Enrolment.inburgeraar, Enrolment.leerroute, Enrolment.status
    )
    check = Checker()
    if form.kind not in KINDS:
        check.fail("kind", "Kies voortgangsrapportage of eindrapportage.")
    period_end = parse_date(form.period_end)
    if period_end is None:
        check.fail("period_end", "Vul de einddatum van de periode in als dd-mm-jjjj.")
    elif period_end > today:
        check.fail("period_end", "De periode kan niet in de toekomst eindigen.")
    for skill in SKILLS:
        if form.levels.get(skill) not in LEVELS:
            check.fail(f"report_level_{skill}", f"Kies het niveau voor {SKILL_WORDS[skill]}.")
        if form.exams.get(skill, "") not in EXAM_RESULTS:
            check.fail(f"exam_{skill}", f"Kies de uitslag van het examen {SKILL_WORDS[skill]}.")
    summary = await hours(scope, enrolment["inburgeraar"], enrolment["leerroute"])
    if form.advice not in ADVICE:
        check.fail("advice", "Kies een advies.")
    elif form.advice == "afschalen" and enrolment["leerroute"] not in (None, "B"):
        check.fail("advice", "Afschalen kan alleen in de B1-route.")
    elif form.advice == "afschalen" and not summary.afschalen_possible:
        check.fail(
            "advice",
            f"Afschalen kan pas na {AFSCHALEN_HOURS} uur les; er zijn nu "
            f"{summary.attended:.0f} uur gevolgd.",
        )
    if enrolment["status"] in ("aangemeld", "intake"):
        check.fail("kind", "Plaats de cursist eerst in een groep.")
    check.done()
    async with write_transaction():
        report_id = await data.insert(
            ProgressReport,
            enrolment=enrolment_id,
            inburgeraar=enrolment["inburgeraar"],
            organisation=scope.organisation_id,
            kind=form.kind,
            period_end=period_end,
            minutes_offered=round(summary.offered * 60),
            minutes_attended=round(summary.attended * 60),
            advice=form.advice,
            exam_results=form.exam_results.strip()[:2000],
            remarks=form.remarks.strip()[:4000],
            author=scope.person_id,
            **{f"level_{skill}": form.levels[skill] for skill in SKILLS},
            **{f"exam_{skill}": form.exams.get(skill, "") for skill in SKILLS},
        )
        # The report answers the earliest open task of its kind (the PIP's quarterly
        # voortgang tasks, or the eindrapportage task made when the route ended).
        due = await (
            data.select(PipTask, PipTask.id)
            .where(PipTask.inburgeraar == enrolment["inburgeraar"])
            .where(
                PipTask.kind.like("taal.voortgang%" if form.kind == "voortgang" else "taal.eind")
            )
            .where(PipTask.status.not_in(list(pip_tasks.CLOSED)))
            .order_by(PipTask.due_date)
            .first()
        )
        # The next report is planned and the timeline written before the answered task is
        # closed: closing the school's last open task ends its access to the case.
        if form.kind == "voortgang" and enrolment["status"] in REPORTING_STATUSES:
            await _plan_next_report(
                data,
                enrolment["inburgeraar"],
                scope.organisation_id,
                today,
                answered=due["id"] if due else None,
            )
        await timeline.add_event(
            data,
            enrolment["inburgeraar"],
            f"taal.rapportage.{form.kind}",
            f"{KINDS[form.kind]} ingediend (advies: {ADVICE[form.advice].lower()})",
            organisation_id=scope.organisation_id,
        )
        if due is not None:
            await pip_tasks.report_progress(
                scope,
                due["id"],
                pip_tasks.ProgressInput(
                    text=f"{KINDS[form.kind]} ingediend in het portaal.",
                    status="afgerond",
                    progress="",
                ),
                own_flow=True,
            )
        await audit.record(
            scope,
            audit.AuditEvent(
                "create",
                "taal_progress_report",
                report_id,
                subject_ref=subject(enrolment["inburgeraar"]),
            ),
        )
    return report_id


async def report_interval_days(data: TenantData) -> int:
    """Days between voortgangsrapportages in this regio: the regio's task plan for
    "taal.voortgang" (its beheerder sets it), else the default of the plan."""
    override = (await task_settings.overrides_for(data)).get("taal.voortgang")
    if override and override.due_after_days:
        return override.due_after_days
    return next(t.due_after_days for t in task_templates.DEFAULTS if t.kind == "taal.voortgang")


async def _plan_next_report(
    data: TenantData,
    inburgeraar_id: int,
    organisation_id: int | None,
    today: date,
    answered: int | None = None,
) -> None:
    """Plan the next voortgangsrapportage when no other one is open (`answered` is the task
    the report being filed closes)."""
    others = (
        data.exists(PipTask)
        .where(PipTask.inburgeraar == inburgeraar_id)
        .where(PipTask.kind.like("taal.voortgang%"))
        .where(PipTask.status.not_in(list(pip_tasks.CLOSED)))
    )
    if answered is not None:
        others = others.where(PipTask.id != answered)
    still_open = await others
    if still_open or organisation_id is None:
        return
    await pip_tasks.create_task(
        data,
        inburgeraar_id,
        organisation_id,
        NEXT_REPORT_KIND,
        "Voortgangsrapportage",
        today + timedelta(days=await report_interval_days(data)),
    )


async def reports_of_case(scope: Scope, inburgeraar_id: int) -> list[dict[str, Any]]:
    """The reports on one inburgeraar this scope may see, newest first."""
    return await (
        TenantData(scope)
        .select(ProgressReport, *REPORT_COLUMNS)
        .where(ProgressReport.inburgeraar == inburgeraar_id)
        .order_by(ProgressReport.id, ascending=False)
    )


async def get_report(scope: Scope, report_id: int) -> dict[str, Any]:
    """One report (the school's own, or about the gemeente's own inburgeraar); audited."""
    row = await TenantData(scope).get(ProgressReport, report_id, *REPORT_COLUMNS)
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                "read", "taal_progress_report", report_id, subject_ref=subject(row["inburgeraar"])
            ),
        )
    return row
