"""The lesson register: one screen per lesson with every learner of the group.

- Each line: aanwezig, te laat (minutes), afwezig geoorloofd (reason) or afwezig
  ongeoorloofd. Saving the whole register is one transaction (one INSERT for new lines).
- Each present learner confirms their own line with their personal code (norm 2.9.3); the
  docent of the lesson signs the register with their own log-in.
- Before signing, the docent may change lines freely (a changed line loses its learner
  confirmation). After signing (or after an import) a change is a correction: it needs a
  reason, adds a new version of the line and keeps the earlier one visible.
- Signing and correcting evaluate the verzuim rules in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from partners.taal import learner_codes, verzuim
from partners.taal.tables import Attendance, Enrolment, Lesson
from portal.casefile.inburgeraars import subject
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

STATUSES = {
    "aanwezig": "Aanwezig",
    "te_laat": "Te laat",
    "geoorloofd": "Afwezig, geoorloofd",
    "ongeoorloofd": "Afwezig, ongeoorloofd",
}
PRESENT = ("aanwezig", "te_laat")
LOCKED = ("ondertekend", "geimporteerd")

LINE_COLUMNS = (
    Attendance.id,
    Attendance.enrolment,
    Attendance.status,
    Attendance.minutes_late,
    Attendance.reason,
    Attendance.version,
    Attendance.current,
    Attendance.correction_reason,
    Attendance.source,
    Attendance.recorded_at,
    Attendance.confirmed_at,
    Attendance.recorded_by.full_name.as_alias("recorded_by_name"),
)


@dataclass(frozen=True)
class LineInput:
    status: str
    minutes_late: str = ""
    reason: str = ""


@dataclass(frozen=True)
class LineValues:
    status: str
    minutes_late: int
    reason: str

    def minutes_attended(self, lesson_minutes: int) -> int:
        if self.status == "aanwezig":
            return lesson_minutes
        if self.status == "te_laat":
            return max(lesson_minutes - self.minutes_late, 0)
        return 0


def _require_school(scope: Scope) -> None:
    if scope.role is not Role.TAALAANBIEDER:
        raise NotFound("lesson")


async def require_lesson(scope: Scope, lesson_id: int) -> None:
    """NotFound unless the lesson is one of the docent's school's: a page that only
    redirects answers a foreign or missing lesson like the lesson page itself (404)."""
    _require_school(scope)
    await TenantData(scope).get(Lesson, lesson_id, Lesson.id)


async def _lesson(data: TenantData, lesson_id: int) -> dict[str, Any]:
    return await data.get(
        Lesson,
        lesson_id,
        *Lesson.all_columns(),
        Lesson.groep.name.as_alias("group_name"),
        Lesson.groep.location.as_alias("location"),
        Lesson.docent.full_name.as_alias("docent_name"),
        Lesson.signed_by.full_name.as_alias("signed_by_name"),
    )


async def _learners(data: TenantData, lesson: dict[str, Any], with_lines: set[int]) -> list[dict]:
    """Who belongs on the register: the group's active learners on the lesson's day, and
    anyone who already has a line (e.g. left the group since)."""
    day = lesson["lesson_date"]
    in_group = (
        (Enrolment.groep == lesson["groep"])
        & (Enrolment.status == "actief")
        & (Enrolment.start_date.is_null() | (Enrolment.start_date <= day))
        & (Enrolment.end_date.is_null() | (Enrolment.end_date >= day))
    )
    condition = in_group | Enrolment.id.is_in(sorted(with_lines)) if with_lines else in_group
    return await (
        data.select(
            Enrolment,
            Enrolment.id,
            Enrolment.inburgeraar,
            Enrolment.inburgeraar.given_names.as_alias("given_names"),
            Enrolment.inburgeraar.family_name.as_alias("family_name"),
        )
        .where(condition)
        .order_by(Enrolment.inburgeraar.family_name)
        .order_by(Enrolment.inburgeraar.given_names)
    )


async def load(scope: Scope, lesson_id: int) -> dict[str, Any]:
    """The lesson with one row per learner: the current line and its earlier versions."""
    _require_school(scope)
    data = TenantData(scope)
    lesson = await _lesson(data, lesson_id)
    lines = await (
        data.select(Attendance, *LINE_COLUMNS)
        .where(Attendance.lesson == lesson_id)
        .order_by(Attendance.version, ascending=False)
    )
    learners = await _learners(data, lesson, {line["enrolment"] for line in lines})
    for learner in learners:
        own = [line for line in lines if line["enrolment"] == learner["id"]]
        learner["line"] = next((line for line in own if line["current"]), None)
        learner["history"] = [line for line in own if not line["current"]]
    lesson["learners"] = learners
    present = [x["line"] for x in learners if x["line"] and x["line"]["status"] in PRESENT]
    # Only who was there confirms: an absent learner is neither counted nor waited for.
    lesson["present"] = len(present)
    lesson["confirmed"] = sum(1 for line in present if line["confirmed_at"])
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("read", "taal_register", lesson_id))
    return lesson


def _validated(
    lines: dict[int, LineInput], learners: list[dict], lesson_minutes: int, check: Checker
) -> dict[int, LineValues]:
    values = {}
    for learner in learners:
        key = learner["id"]
        given = lines.get(key)
        name = f"{learner['given_names']} {learner['family_name']}"
        if given is None or given.status not in STATUSES:
            check.fail(f"status_{key}", f"Kies aanwezig, te laat of afwezig voor {name}.")
            continue
        late = 0
        if given.status == "te_laat":
            raw = given.minutes_late.strip()
            if not raw.isdigit() or not 1 <= int(raw) <= lesson_minutes:
                check.fail(
                    f"late_{key}",
                    f"Vul voor {name} in hoeveel minuten te laat (1 tot {lesson_minutes}).",
                )
                continue
            late = int(raw)
        reason = clean_text(given.reason, 300) if given.status == "geoorloofd" else ""
        if given.status == "geoorloofd" and not reason:
            check.fail(f"reason_{key}", f"Vul de reden van de afwezigheid van {name} in.")
            continue
        if len(reason) > 300:
            check.fail(f"reason_{key}", "De reden mag maximaal 300 tekens zijn.")
            continue
        values[key] = LineValues(given.status, late, reason)
    return values


async def save(
    scope: Scope,
    lesson_id: int,
    lines: dict[int, LineInput],
    correction_reason: str,
    today: date,
) -> int:
    """Save the whole register in one transaction; returns how many lines changed."""
    _require_school(scope)
    data = TenantData(scope)
    check = Checker()
    now = datetime.now(UTC)
    async with write_transaction():
        # Touch the lesson first: on PostgreSQL this locks its row, so two people saving the
        # same register take turns and the second reads the first's lines (a failed save
        # rolls the touch back).
        await data.update(Lesson, lesson_id, saved_at=now)
        lesson = await data.get_writable(
            Lesson,
            lesson_id,
            Lesson.id,
            Lesson.groep,
            Lesson.lesson_date,
            Lesson.minutes,
            Lesson.status,
            Lesson.register_status,
        )
        if lesson["status"] == "geannuleerd":
            raise ValidationFailed({"register": "Deze les is geannuleerd."})
        if lesson["lesson_date"] > today:
            raise ValidationFailed({"register": "Een les in de toekomst kunt u nog niet invullen."})
        current = {
            row["enrolment"]: row
            for row in await data.select(
                Attendance,
                Attendance.id,
                Attendance.enrolment,
                Attendance.status,
                Attendance.minutes_late,
                Attendance.reason,
                Attendance.version,
            )
            .where(Attendance.lesson == lesson_id)
            .where(Attendance.current.eq(True))
        }
        learners = await _learners(data, lesson, set(current))
        values = _validated(lines, learners, lesson["minutes"], check)
        check.done()
        changed = {
            key: value
            for key, value in values.items()
            if key not in current
            or (current[key]["status"], current[key]["minutes_late"], current[key]["reason"])
            != (value.status, value.minutes_late, value.reason)
        }
        locked = lesson["register_status"] in LOCKED
        reason = clean_text(correction_reason, 500)
        corrections = [key for key in changed if key in current]
        if locked and corrections and not reason:
            raise ValidationFailed(
                {"correction_reason": "Geef de reden van de correctie van deze ondertekende lijst."}
            )
        inburgeraar_of = {learner["id"]: learner["inburgeraar"] for learner in learners}
        new_rows = []
        for key, value in changed.items():
            fields = {
                "status": value.status,
                "minutes_late": value.minutes_late,
                "reason": value.reason,
                "minutes_offered": lesson["minutes"],
                "minutes_attended": value.minutes_attended(lesson["minutes"]),
                "recorded_by": scope.person_id,
                "recorded_at": now,
            }
            old = current.get(key)
            if old is not None and not locked:
                # A draft: the line changes in place and needs the learner's confirmation anew.
                await data.update(Attendance, old["id"], confirmed_at=None, **fields)
                continue
            if old is not None:
                await data.update(Attendance, old["id"], current=False)
            new_rows.append(
                {
                    **fields,
                    "organisation": scope.organisation_id,
                    "lesson": lesson_id,
                    "enrolment": key,
                    "inburgeraar": inburgeraar_of[key],
                    "lesson_date": lesson["lesson_date"],
                    "version": old["version"] + 1 if old else 1,
                    "correction_reason": reason if old else "",
                }
            )
        await data.insert_many(Attendance, new_rows)
        if lesson["register_status"] == "leeg":
            await data.update(Lesson, lesson_id, register_status="opgeslagen")
        for key in changed:
            await audit.record(
                scope,
                audit.AuditEvent(
                    "correct" if key in corrections and locked else "register",
                    "taal_attendance",
                    lesson_id,
                    subject_ref=subject(inburgeraar_of[key]),
                ),
            )
        if locked and changed:
            await verzuim.evaluate(scope, list(changed), today)
    return len(changed)


async def confirmation_list(scope: Scope, lesson_id: int) -> dict[str, Any]:
    """What the locked confirmation screen may show: the lesson, how many present learners
    confirmed, and the names of those still to confirm (nothing else of anyone)."""
    _require_school(scope)
    data = TenantData(scope)
    lesson = await data.get(
        Lesson,
        lesson_id,
        Lesson.id,
        Lesson.lesson_date,
        Lesson.starts,
        Lesson.ends,
        Lesson.status,
        Lesson.register_status,
        Lesson.groep.name.as_alias("group_name"),
    )
    lines = await (
        data.select(
            Attendance,
            Attendance.enrolment,
            Attendance.confirmed_at,
            Attendance.inburgeraar.given_names.as_alias("given_names"),
            Attendance.inburgeraar.family_name.as_alias("family_name"),
        )
        .where(Attendance.lesson == lesson_id)
        .where(Attendance.current.eq(True))
        .where(Attendance.status.is_in(list(PRESENT)))
        .order_by(Attendance.inburgeraar.family_name)
        .order_by(Attendance.inburgeraar.given_names)
    )
    lesson["present"] = len(lines)
    lesson["confirmed"] = sum(1 for line in lines if line["confirmed_at"])
    lesson["open"] = [
        (str(line["enrolment"]), f"{line['given_names']} {line['family_name']}")
        for line in lines
        if line["confirmed_at"] is None
    ]
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("read", "taal_confirmation", lesson_id))
    return lesson


async def start_confirmation(scope: Scope, lesson_id: int, today: date) -> None:
    """The docent hands the screen round for the learners' confirmation (the caller locks the
    session): refused (Dutch) for a lesson without a saved register, audited otherwise."""
    _require_school(scope)
    lesson = await TenantData(scope).get(
        Lesson, lesson_id, Lesson.status, Lesson.lesson_date, Lesson.register_status
    )
    if lesson["status"] == "geannuleerd":
        raise ValidationFailed({"register": "Deze les is geannuleerd."})
    if lesson["lesson_date"] > today or lesson["register_status"] == "leeg":
        raise ValidationFailed({"register": "Sla eerst de presentielijst op."})
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("lock", "taal_confirmation", lesson_id))


async def confirm(scope: Scope, lesson_id: int, enrolment_raw: str, code: str) -> str:
    """A learner confirms their own presence with their personal code, on the docent's
    device. Returns the learner's name; wrong codes count towards the lock."""
    _require_school(scope)
    data = TenantData(scope)
    enrolment_id = int(enrolment_raw) if enrolment_raw.isdigit() else None
    if enrolment_id is None:
        raise ValidationFailed({"enrolment": "Kies uw naam."})
    failure: str | None = None
    async with write_transaction():
        await data.get(Lesson, lesson_id, Lesson.id)
        line = await (
            data.select(Attendance, Attendance.id, Attendance.status, Attendance.confirmed_at)
            .where(Attendance.lesson == lesson_id)
            .where(Attendance.enrolment == enrolment_id)
            .where(Attendance.current.eq(True))
            .first()
        )
        if line is None:
            raise ValidationFailed({"enrolment": "Kies uw naam."})
        if line["status"] not in PRESENT:
            raise ValidationFailed(
                {"enrolment": "Alleen wie aanwezig of te laat is, bevestigt de presentie."}
            )
        enrolment = await data.get_writable(
            Enrolment,
            enrolment_id,
            Enrolment.inburgeraar,
            Enrolment.code_hash,
            Enrolment.code_failures,
            Enrolment.code_locked_until,
            Enrolment.inburgeraar.given_names.as_alias("given_names"),
            Enrolment.inburgeraar.family_name.as_alias("family_name"),
        )
        result = learner_codes.check(enrolment, code)
        if result.changes:
            await data.update(Enrolment, enrolment_id, **result.changes)
        if result.ok:
            if line["confirmed_at"] is None:
                await data.update(Attendance, line["id"], confirmed_at=datetime.now(UTC))
        else:
            failure = result.message
        await audit.record(
            scope,
            audit.AuditEvent(
                "confirm",
                "taal_attendance",
                lesson_id,
                subject_ref=subject(enrolment["inburgeraar"]),
                result="ok" if result.ok else "refused",
            ),
        )
    # Raised after the commit: the counted failure must be stored, not rolled back.
    if failure:
        raise ValidationFailed({"code": failure})
    return f"{enrolment['given_names']} {enrolment['family_name']}"


async def sign(scope: Scope, lesson_id: int, today: date) -> int:
    """The lesson's docent signs the saved register with their own log-in; the verzuim
    rules run on its lines. Returns the number of verzuim signals raised."""
    _require_school(scope)
    data = TenantData(scope)
    async with write_transaction():
        lesson = await data.get_writable(Lesson, lesson_id, Lesson.docent, Lesson.register_status)
        if lesson["docent"] != scope.person_id:
            raise ValidationFailed({"sign": "Alleen de docent van deze les kan de lijst tekenen."})
        if lesson["register_status"] == "leeg":
            raise ValidationFailed({"sign": "Sla eerst de presentielijst op."})
        if lesson["register_status"] in LOCKED:
            raise ValidationFailed({"sign": "Deze lijst is al ondertekend."})
        await data.update(
            Lesson,
            lesson_id,
            register_status="ondertekend",
            signed_by=scope.person_id,
            signed_at=datetime.now(UTC),
        )
        enrolments = [
            row["enrolment"]
            for row in await data.select(Attendance, Attendance.enrolment)
            .where(Attendance.lesson == lesson_id)
            .where(Attendance.current.eq(True))
        ]
        await audit.record(scope, audit.AuditEvent("sign", "taal_register", lesson_id))
        return await verzuim.evaluate(scope, enrolments, today)
