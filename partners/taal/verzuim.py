"""Verzuim: a regio's rules, the signal to the regievoerder, and the follow-up.

Rules (per regio, `VerzuimRule`; the defaults below when a regio set none):
- `reeks`: K lessons in a row ongeoorloofd afwezig;
- `uren`: at least N hours ongeoorloofd in the last M weeks.

The rules are evaluated when a register is signed, when a signed register is corrected and
when attendance is imported, in the same transaction. Only signed or imported lines count,
and only lines after the last signal of the enrolment: so the same facts never raise a second
signal (and `unique_key`, which names the facts, makes that a database guarantee too). Two
rules met by the same absences give one signal naming both. A
signal is a PIP task for the inburgeraar's gemeente, due the same day, with the facts in its
thread; the regievoerder records the follow-up with a reason, which closes the task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from partners.taal.tables import Attendance, Enrolment, VerzuimRule, VerzuimSignal
from portal.casefile import pip_tasks, timeline
from portal.casefile.inburgeraars import subject
from portal.casefile.tables import TaskUpdate
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

TASK_KIND = "taal.verzuim"
# Registers whose lines count: what the docent signed or the school's administration sent.
FINAL_REGISTERS = ("ondertekend", "geimporteerd")
# How far back a streak is looked for (lines, newest first).
STREAK_WINDOW = 60

FOLLOW_UPS = {
    "gesprek": "Gesprek met de inburgeraar",
    "waarschuwing": "Schriftelijke waarschuwing",
    "maatregel": "Maatregel of boete-advies",
    "geen_actie": "Geen actie",
}


@dataclass(frozen=True)
class Rule:
    kind: str
    hours: int = 0
    weeks: int = 0
    lessons: int = 0

    def describe(self) -> str:
        if self.kind == "reeks":
            lessons = "les" if self.lessons == 1 else "lessen achter elkaar"
            return f"{self.lessons} {lessons} ongeoorloofd afwezig"
        weeks = "week" if self.weeks == 1 else "weken"
        return f"{self.hours} uur of meer ongeoorloofd afwezig in {self.weeks} {weeks}"


DEFAULT_RULES = (Rule("reeks", lessons=3), Rule("uren", hours=8, weeks=4))


async def rules(scope: Scope) -> list[Rule]:
    """The regio's active verzuim rules, or the defaults when it set none."""
    rows = await TenantData(scope).select(VerzuimRule, *VerzuimRule.all_columns())
    if not rows:
        return list(DEFAULT_RULES)
    return [
        Rule(r["kind"], hours=r["hours"], weeks=r["weeks"], lessons=r["lessons"])
        for r in rows
        if r["active"]
    ]


async def save_rules(scope: Scope, lessons: str, hours: str, weeks: str) -> None:
    """The beheerder sets the regio's two rules (0 switches a rule off)."""
    if scope.role is not Role.BEHEERDER:
        raise NotFound("verzuim rule")
    check = Checker()
    values = {}
    for field, raw, top in (("lessons", lessons, 20), ("hours", hours, 200), ("weeks", weeks, 52)):
        if not raw.strip().isdigit() or int(raw) > top:
            check.fail(field, f"Vul een heel getal van 0 tot {top} in.")
        else:
            values[field] = int(raw)
    if values.get("hours") and not values.get("weeks"):
        check.fail("weeks", "Vul het aantal weken in waarin de uren tellen.")
    check.done()
    data = TenantData(scope)
    async with write_transaction():
        existing = {
            r["kind"]: r["id"]
            for r in await data.select(VerzuimRule, VerzuimRule.id, VerzuimRule.kind)
        }
        wanted = {
            "reeks": {"lessons": values["lessons"], "active": values["lessons"] > 0},
            "uren": {
                "hours": values["hours"],
                "weeks": values["weeks"],
                "active": values["hours"] > 0,
            },
        }
        for kind, fields in wanted.items():
            if kind in existing:
                await data.update(VerzuimRule, existing[kind], **fields)
            else:
                await data.insert(VerzuimRule, kind=kind, **fields)
        await audit.record(scope, audit.AuditEvent("update", "taal_verzuim_rule"))


def streak(lines: list[dict[str, Any]], rule: Rule) -> list[dict[str, Any]] | None:
    """The run of ongeoorloofd lines ending at the newest line, if it is long enough.
    `lines` are newest first."""
    run = []
    for line in lines:
        if line["status"] != "ongeoorloofd":
            break
        run.append(line)
    return list(reversed(run)) if rule.lessons and len(run) >= rule.lessons else None


def hours_absent(
    lines: list[dict[str, Any]], rule: Rule, today: date
) -> list[dict[str, Any]] | None:
    """The ongeoorloofd lines of the last `weeks`, if they add up to `hours` or more."""
    if not rule.hours:
        return None
    since = today - timedelta(weeks=rule.weeks)
    absent = [x for x in lines if x["status"] == "ongeoorloofd" and x["lesson_date"] > since]
    minutes = sum(x["minutes_offered"] - x["minutes_attended"] for x in absent)
    return list(reversed(absent)) if minutes >= rule.hours * 60 else None


def describe_facts(facts: list[dict[str, Any]], school: str) -> str:
    minutes = sum(x["minutes_offered"] - x["minutes_attended"] for x in facts)
    days = ", ".join(f"{x['lesson_date']:%d-%m-%Y} ({x['starts']}–{x['ends']})" for x in facts)
    hours = f"{minutes / 60:.1f}".replace(".", ",").replace(",0", "")
    return f"Ongeoorloofd afwezig op {days}: samen {hours} uur. Gemeld door {school}."


async def evaluate(scope: Scope, enrolment_ids: list[int], today: date) -> int:
    """Apply the regio's rules to these enrolments and raise the signals that are due.
    Call inside the transaction of the change; returns the number of new signals."""
    if not enrolment_ids or scope.tenant_id is None:
        return 0
    # Raising a signal is the system's act on the facts, whoever's change triggered it: it
    # writes a task for the gemeente, which the school itself may not assign.
    data = await TenantData(scope).as_system("verzuim rules applied to new attendance")
    active = await rules(data.scope)
    created = 0
    enrolments = await data.select(
        Enrolment,
        Enrolment.id,
        Enrolment.inburgeraar,
        Enrolment.organisation,
        Enrolment.organisation.name.as_alias("school"),
        Enrolment.inburgeraar.gemeente.as_alias("gemeente"),
    ).where(Enrolment.id.is_in(sorted(set(enrolment_ids))))
    for enrolment in enrolments:
        # Facts up to the last signal of this enrolment are reported: only newer lines count.
        cutoff = (
            await data.select(VerzuimSignal, VerzuimSignal.last_lesson_date)
            .where(VerzuimSignal.enrolment == enrolment["id"])
            .order_by(VerzuimSignal.last_lesson_date, ascending=False)
            .first()
        )
        lines = await (
            data.select(
                Attendance,
                Attendance.lesson_date,
                Attendance.status,
                Attendance.minutes_offered,
                Attendance.minutes_attended,
                Attendance.lesson.starts.as_alias("starts"),
                Attendance.lesson.ends.as_alias("ends"),
            )
            .where(Attendance.enrolment == enrolment["id"])
            .where(Attendance.current.eq(True))
            .where(Attendance.lesson.register_status.is_in(list(FINAL_REGISTERS)))
            .order_by(Attendance.lesson_date, ascending=False)
            .order_by(Attendance.lesson.starts, ascending=False)
            .limit(STREAK_WINDOW)
        )
        if cutoff is not None:
            lines = [x for x in lines if x["lesson_date"] > cutoff["last_lesson_date"]]
        met: list[Rule] = []
        facts: dict[tuple, dict[str, Any]] = {}
        for rule in active:
            found = (
                streak(lines, rule) if rule.kind == "reeks" else hours_absent(lines, rule, today)
            )
            if found:
                met.append(rule)
                facts.update({(x["lesson_date"], x["starts"]): x for x in found})
        if met:
            # Two rules met by the same absences are one signal, not two.
            ordered = [facts[key] for key in sorted(facts)]
            created += await _raise(data, scope, enrolment, met, ordered, today)
    return created


async def _raise(
    data: TenantData,
    actor: Scope,
    enrolment: dict[str, Any],
    met: list[Rule],
    facts: list[dict[str, Any]],
    today: date,
) -> int:
    first, last = facts[0]["lesson_date"], facts[-1]["lesson_date"]
    key = f"{enrolment['id']}:{first.isoformat()}:{last.isoformat()}"
    if await data.exists(VerzuimSignal).where(VerzuimSignal.unique_key == key):
        return 0
    rules_met = "; ".join(rule.describe() for rule in met)
    text = f"Regel: {rules_met}. {describe_facts(facts, enrolment['school'])}"
    title = f"Verzuimsignaal: {met[0].describe()}"
    task_id = await pip_tasks.create_task(
        data, enrolment["inburgeraar"], enrolment["gemeente"], TASK_KIND, title, today
    )
    await data.insert(
        TaskUpdate, task=task_id, author_organisation=enrolment["organisation"], text=text
    )
    signal_id = await data.insert(
        VerzuimSignal,
        enrolment=enrolment["id"],
        inburgeraar=enrolment["inburgeraar"],
        organisation=enrolment["organisation"],
        gemeente=enrolment["gemeente"],
        task=task_id,
        rule_kind=",".join(rule.kind for rule in met),
        unique_key=key,
        facts=text,
        last_lesson_date=last,
    )
    await timeline.add_event(
        data,
        enrolment["inburgeraar"],
        "taal.verzuim",
        title,
        organisation_id=enrolment["organisation"],
    )
    await audit.record(
        actor,
        audit.AuditEvent(
            "signal",
            "taal_verzuim_signal",
            signal_id,
            subject_ref=subject(enrolment["inburgeraar"]),
        ),
    )
    return 1


SIGNAL_COLUMNS = (
    *VerzuimSignal.all_columns(exclude=[VerzuimSignal.unique_key]),
    VerzuimSignal.organisation.name.as_alias("school"),
    VerzuimSignal.follow_up_by.full_name.as_alias("follow_up_by_name"),
)


async def signals_of_case(scope: Scope, inburgeraar_id: int) -> list[dict[str, Any]]:
    """The verzuim signals of one inburgeraar this scope may see, newest first."""
    return await (
        TenantData(scope)
        .select(VerzuimSignal, *SIGNAL_COLUMNS)
        .where(VerzuimSignal.inburgeraar == inburgeraar_id)
        .order_by(VerzuimSignal.id, ascending=False)
    )


async def open_signals(scope: Scope) -> int:
    """How many signals about the scope's inburgeraars wait for a follow-up."""
    return await TenantData(scope).count(VerzuimSignal).where(VerzuimSignal.follow_up.is_null())


async def case_of_signal(scope: Scope, signal_id: int) -> int:
    """The inburgeraar a signal this scope may see is about."""
    row = await TenantData(scope).get(VerzuimSignal, signal_id, VerzuimSignal.inburgeraar)
    return row["inburgeraar"]


async def record_follow_up(scope: Scope, signal_id: int, kind: str, reason: str) -> int:
    """The regievoerder's follow-up of a signal, with a reason; closes the signal's task.
    Returns the inburgeraar's id."""
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("signal")
    data = TenantData(scope)
    check = Checker()
    text = clean_text(reason, 1000)
    if kind not in FOLLOW_UPS:
        check.fail("follow_up", "Kies wat u met het signaal doet.")
    check.require("follow_up_reason", text, "een reden", max_length=1000)
    async with write_transaction():
        signal = await data.get_writable(
            VerzuimSignal,
            signal_id,
            VerzuimSignal.inburgeraar,
            VerzuimSignal.task,
            VerzuimSignal.follow_up,
        )
        if signal["follow_up"]:
            raise ValidationFailed({"follow_up": "Dit signaal is al opgevolgd."})
        check.done()
        await data.update(
            VerzuimSignal,
            signal_id,
            follow_up=kind,
            follow_up_reason=text,
            follow_up_by=scope.person_id,
            follow_up_at=datetime.now(UTC),
        )
        if signal["task"]:
            await pip_tasks.report_progress(
                scope,
                signal["task"],
                pip_tasks.ProgressInput(
                    text=f"Opgevolgd: {FOLLOW_UPS[kind]}. {text}", status="afgerond", progress=""
                ),
                own_flow=True,
            )
        await timeline.add_event(
            data,
            signal["inburgeraar"],
            "taal.verzuim.opvolging",
            f"Verzuim opgevolgd: {FOLLOW_UPS[kind]}",
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "follow_up",
                "taal_verzuim_signal",
                signal_id,
                subject_ref=subject(signal["inburgeraar"]),
            ),
        )
    return signal["inburgeraar"]
