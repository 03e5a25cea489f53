"""Import of attendance from the school's own administration (CSV, docs/taal-aanwezigheid-csv.md).

One code path serves both steps: `check` (the dry run) says per row what an import would do
("wordt ingelezen", "staat er al (wordt overgeslagen)", or the Dutch errors), and `run`
stores every new row in one transaction, or nothing at all when any row has an error.

- A row names the learner by the portal's inschrijvingsnummer and the lesson by date and
  start time; the lesson must exist in the learner's group (generated from the rooster).
- The same line already in the portal is skipped: re-importing a file changes nothing. A
  different line for the same learner and lesson is an error: that is a correction, made in
  the register with a reason.
- Imported lines are the school's registration, not the learner's confirmation: the
  register shows them as imported, and they count for hours and verzuim (the rules run in
  the same transaction).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from partners.taal import verzuim
from partners.taal.registers import STATUSES, LineValues
from partners.taal.tables import Attendance, Enrolment, Lesson
from portal.casefile.duo_import import FileRefused, decode
from portal.casefile.inburgeraars import parse_date, subject
from portal.core import audit
from portal.core.database import write_transaction
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
TEMPLATE_CSV = "/static/templates/aanwezigheid-voorbeeld.csv"


@dataclass(frozen=True)
class Column:
    name: str
    required: str
    description: str


COLUMNS = (
    Column(
        "inschrijving",
        "ja",
        "Het inschrijvingsnummer in het portaal (op de pagina van de cursist).",
    ),
    Column("datum", "ja", "De datum van de les: dd-mm-jjjj of jjjj-mm-dd."),
    Column("begintijd", "ja", "De begintijd van de les volgens het rooster, als uu:mm."),
    Column("status", "ja", "aanwezig, te_laat, geoorloofd of ongeoorloofd."),
    Column("minuten_te_laat", "bij te_laat", "Hoeveel minuten te laat."),
    Column("reden", "bij geoorloofd", "De reden van de afwezigheid."),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = tuple(c.name for c in COLUMNS if c.required == "ja")


@dataclass
class Row:
    number: int
    enrolment: str
    lesson_label: str
    errors: list[str] = field(default_factory=list)
    skip: bool = False
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    rows: list[Row]

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def new_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.errors and not row.skip]

    @property
    def skipped(self) -> int:
        return sum(1 for row in self.rows if row.skip and not row.errors)

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)


def parse(raw: bytes) -> list[tuple[int, dict[str, str]]]:
    """Data rows as (row number, values per known column); `,` or `;`, with or without BOM."""
    text = decode(raw)
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = [
        (n, cells) for n, cells in enumerate(reader, start=1) if any(c.strip() for c in cells)
    ]
    if not records:
        raise FileRefused("Het bestand is leeg.")
    header = ["_".join(cell.strip().lower().split()) for cell in records[0][1]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise FileRefused(
            f"De kolom(men) {', '.join(missing)} ontbreken. De eerste regel moet de "
            "kolomnamen bevatten, zoals in het voorbeeldbestand."
        )
    if len(records) - 1 > MAX_ROWS:
        raise FileRefused("Het bestand heeft meer dan 10.000 regels. Splits het in delen.")
    return [
        (
            number,
            {
                name: cells[i].strip() if i < len(cells) else ""
                for i, name in enumerate(header)
                if name in COLUMN_NAMES
            },
        )
        for number, cells in records[1:]
    ]


def _line(values: dict[str, str], minutes: int) -> tuple[LineValues | None, list[str]]:
    status = values.get("status", "").lower()
    if status not in STATUSES:
        return None, ["Kies als status aanwezig, te_laat, geoorloofd of ongeoorloofd."]
    late = 0
    if status == "te_laat":
        raw = values.get("minuten_te_laat", "")
        if not raw.isdigit() or not 1 <= int(raw) <= minutes:
            return None, [f"Vul bij te_laat de minuten te laat in (1 tot {minutes})."]
        late = int(raw)
    reason = " ".join(values.get("reden", "").split()) if status == "geoorloofd" else ""
    if status == "geoorloofd" and not reason:
        return None, ["Vul bij geoorloofd de reden in."]
    if len(reason) > 300:
        return None, ["De reden mag maximaal 300 tekens zijn."]
    return LineValues(status, late, reason), []


async def check(scope: Scope, raw: bytes, today: date) -> Plan:
    """The dry run: what an import of this file would do, row by row. Nothing is stored."""
    if scope.role is not Role.TAALAANBIEDER:
        raise NotFound("import")
    data = TenantData(scope)
    records = parse(raw)
    ids = {int(v["inschrijving"]) for _, v in records if v.get("inschrijving", "").isdigit()}
    enrolments = {
        row["id"]: row
        for row in await data.select(
            Enrolment, Enrolment.id, Enrolment.groep, Enrolment.inburgeraar
        ).where(Enrolment.id.is_in(sorted(ids) or [0]))
    }
    days = [d for _, v in records if (d := parse_date(v.get("datum", ""))) is not None]
    groups = {e["groep"] for e in enrolments.values() if e["groep"]}
    lessons: dict[tuple[int, date, str], dict[str, Any]] = {}
    if days and groups:
        for lesson in await (
            data.select(
                Lesson,
                Lesson.id,
                Lesson.groep,
                Lesson.lesson_date,
                Lesson.starts,
                Lesson.minutes,
                Lesson.status,
            )
            .where(Lesson.groep.is_in(sorted(groups)))
            .where((Lesson.lesson_date >= min(days)) & (Lesson.lesson_date <= max(days)))
        ):
            lessons[(lesson["groep"], lesson["lesson_date"], lesson["starts"])] = lesson
    existing: dict[tuple[int, int], dict[str, Any]] = {}
    if lessons and enrolments:
        for line in await (
            data.select(
                Attendance,
                Attendance.lesson,
                Attendance.enrolment,
                Attendance.status,
                Attendance.minutes_late,
                Attendance.reason,
            )
            .where(Attendance.lesson.is_in(sorted(x["id"] for x in lessons.values())))
            .where(Attendance.enrolment.is_in(sorted(enrolments)))
            .where(Attendance.current.eq(True))
        ):
            existing[(line["lesson"], line["enrolment"])] = line
    seen: set[tuple[int, int]] = set()
    rows = []
    for number, values in records:
        row = Row(
            number,
            values.get("inschrijving", ""),
            f"{values.get('datum', '')} {values.get('begintijd', '')}",
        )
        rows.append(row)
        raw_id = values.get("inschrijving", "")
        enrolment = enrolments.get(int(raw_id)) if raw_id.isdigit() else None
        if enrolment is None:
            row.errors.append("Onbekend inschrijvingsnummer bij uw organisatie.")
            continue
        day = parse_date(values.get("datum", ""))
        if day is None:
            row.errors.append("Vul de datum in als dd-mm-jjjj.")
            continue
        if day > today:
            row.errors.append("Een les in de toekomst kan nog niet worden ingelezen.")
            continue
        lesson = lessons.get((enrolment["groep"], day, values.get("begintijd", "")))
        if lesson is None:
            row.errors.append("Er is geen les van de groep van deze cursist op deze datum en tijd.")
            continue
        if lesson["status"] == "geannuleerd":
            row.errors.append("Deze les is geannuleerd.")
            continue
        key = (lesson["id"], enrolment["id"])
        if key in seen:
            row.errors.append("Deze cursist en les staan twee keer in het bestand.")
            continue
        seen.add(key)
        line, errors = _line(values, lesson["minutes"])
        if line is None:
            row.errors.extend(errors)
            continue
        old = existing.get(key)
        if old is not None:
            if (old["status"], old["minutes_late"], old["reason"]) == (
                line.status,
                line.minutes_late,
                line.reason,
            ):
                row.skip = True
                continue
            row.errors.append(
                "Voor deze les staat al een andere registratie. Corrigeer die in de "
                "presentielijst, met een reden."
            )
            continue
        row.values = {
            "organisation": scope.organisation_id,
            "lesson": lesson["id"],
            "enrolment": enrolment["id"],
            "inburgeraar": enrolment["inburgeraar"],
            "lesson_date": day,
            "status": line.status,
            "minutes_late": line.minutes_late,
            "reason": line.reason,
            "minutes_offered": lesson["minutes"],
            "minutes_attended": line.minutes_attended(lesson["minutes"]),
            "source": "import",
            "recorded_by": scope.person_id,
        }
    return Plan(rows)


async def run(scope: Scope, raw: bytes, today: date) -> Plan:
    """Import every new row in one transaction, or nothing when a row has an error."""
    data = TenantData(scope)
    async with write_transaction():
        plan = await check(scope, raw, today)
        if not plan.ok:
            return plan
        new = [row.values for row in plan.new_rows]
        await data.insert_many(Attendance, new)
        lessons = sorted({values["lesson"] for values in new})
        for lesson_id in lessons:
            lesson = await data.get(Lesson, lesson_id, Lesson.register_status)
            if lesson["register_status"] == "leeg":
                await data.update(Lesson, lesson_id, register_status="geimporteerd")
        for inburgeraar_id in sorted({values["inburgeraar"] for values in new}):
            await audit.record(
                scope,
                audit.AuditEvent("import", "taal_attendance", subject_ref=subject(inburgeraar_id)),
            )
        await verzuim.evaluate(scope, sorted({values["enrolment"] for values in new}), today)
    return plan
