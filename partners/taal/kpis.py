"""The taalaanbieder's quality terms: the KPIs measured from the taal data, and the terms a
school declares (docs/kpis.md is generated from the definitions here).

Every measure asks the database for aggregates grouped by organisation and, where a lead
time in (working) days is needed, by the pair of dates: the set of distinct pairs is small
whatever the number of rows, and Python weighs each pair by its count. Nothing loops over
attendance lines. The records functions list the rows behind one school's value, by name;
the caller pseudonymises them for the coordinator (portal/kpi/catalogue.py).

A learner who moves to another school counts at each school for that school's own rows
(lines, lessons, reports, tasks), because every one of them carries its organisation.
The measures expect a scope that reads the whole regio (a job's `Scope.system` or a
request's audited `TenantData.as_system`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw
from piccolo.query import Select
from piccolo.query.functions.aggregate import Count, Sum

from partners.taal.registers import PRESENT
from partners.taal.tables import Attendance, Enrolment, Lesson, ProgressReport, VerzuimSignal
from partners.taal.verzuim import FINAL_REGISTERS
from portal.casefile.tables import PipTask
from portal.core import clock
from portal.kpi import agreed
from portal.kpi.catalogue import (
    AnswerKind,
    Better,
    DeclarationKind,
    Definition,
    Kpi,
    Measurement,
    Record,
    Unit,
    complete,
    register_declaration,
    register_kpi,
)
from portal.kpi.expressions import (
    as_date,
    count_distinct,
    count_distinct_pairs,
    local_date,
    week_number,
    weeks_starting_in,
)
from portal.kpi.periods import Period, PeriodKind
from portal.kpi.workdays import add_workdays, workdays_between
from tenants.roles import OrganisationKind
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Organisation

SCHOOL = OrganisationKind.TAALAANBIEDER
# A verzuim signal is timely when raised at most this many working days after the last
# lesson of its facts (DOMAIN.md §4: "same day to ≤ 2 werkdagen").
SIGNAL_WORKDAYS = 2
SIGNAL_CODE = "taal.verzuimsignaal_tijdig"
# The eindrapportage is timely within this many working days after the route ended (about
# the two weeks of the task "Eindrapportage", enrolments.EIND_DUE_DAYS).
EIND_WORKDAYS = 10
EIND_CODE = "taal.eind_tijdig"
# The schakel- or afschaaladvies is due before this point of the inburgeringstermijn.
ADVICE_MONTHS = 18
EXAM_PARTS = {
    "lezen": "lezen",
    "luisteren": "luisteren",
    "spreken": "spreken",
    "schrijven": "schrijven",
    "knm": "KNM",
}

Ids = frozenset[int] | None
Grouped = dict[int, list[float]]


# ---------------------------------------------------------------- shared helpers


def _dutch(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _start_of(day: date) -> datetime:
    """Midnight at the start of a Dutch day, as an aware datetime (for timestamp columns)."""
    return datetime.combine(day, time(0), tzinfo=clock.AMSTERDAM)


def _timestamps_in(column: Column, period: Period) -> Any:
    """`column` (a timestamp) falls on a Dutch day of the period."""
    return (column >= _start_of(period.first)) & (
        column < _start_of(period.last + timedelta(days=1))
    )


def _dates_in(column: Column, first: date, last: date) -> Any:
    return (column >= first) & (column <= last)


def _local(value: datetime) -> date:
    return value.astimezone(clock.AMSTERDAM).date()


def _name(row: dict[str, Any]) -> str:
    return f"{row['given_names']} {row['family_name']}".strip()


async def _organisations(data: TenantData, ids: Ids) -> list[int]:
    """The organisations to measure: those asked for, else every taalaanbieder of the regio
    (so a school with nothing to measure still gets its row, with value None)."""
    if ids is not None:
        return sorted(ids)
    rows = await data.select(Organisation, Organisation.id).where(Organisation.kind == SCHOOL.value)
    return [row["id"] for row in rows]


def _of(query: Select, column: Column, ids: Ids) -> Select:
    return query if ids is None else query.where(column.is_in(sorted(ids)))


def _add(groups: Grouped, organisation: int, numerator: float, denominator: float) -> None:
    totals = groups.setdefault(organisation, [0.0, 0.0])
    totals[0] += numerator
    totals[1] += denominator


def _measurements(groups: Grouped, organisations: Iterable[int]) -> list[Measurement]:
    return complete({org: (n, d) for org, (n, d) in groups.items()}, organisations)


Measure = Callable[[TenantData, Period, Ids], Awaitable[Grouped]]


def _measure(aggregate: Measure) -> Callable[[Scope, Period, Ids], Awaitable[list[Measurement]]]:
    """A KPI's measure: the aggregate per organisation, completed with an empty measurement
    for each organisation that had nothing in the period."""

    async def measure(scope: Scope, period: Period, ids: Ids) -> list[Measurement]:
        if ids is not None and not ids:
            return []
        data = TenantData(scope)
        groups = await aggregate(data, period, ids)
        return _measurements(groups, await _organisations(data, ids))

    return measure


# "The first row of its kind": no earlier row of the same enrolment (or learner). The
# sub-select reads rows of the same enrolment, so of the same school, only; the learner's
# first enrolment and first exam result look at the learner's rows in the regio, which the
# measure's regio-wide scope may read.
_FIRST_LINE = WhereRaw(
    "NOT EXISTS (SELECT 1 FROM taal_attendance AS earlier WHERE earlier.tenant = "
    "taal_attendance.tenant AND earlier.enrolment = taal_attendance.enrolment AND "
    "earlier.current = {} AND earlier.lesson_date < taal_attendance.lesson_date)",
    True,
)
_FIRST_ENROLMENT = WhereRaw(
    "NOT EXISTS (SELECT 1 FROM taal_enrolment AS earlier WHERE earlier.tenant = "
    "taal_attendance.tenant AND earlier.inburgeraar = taal_attendance.inburgeraar AND "
    "earlier.id < taal_attendance.enrolment)"
)
_FIRST_ADVICE = WhereRaw(
    "NOT EXISTS (SELECT 1 FROM taal_progress_report AS earlier WHERE earlier.tenant = "
    "taal_progress_report.tenant AND earlier.enrolment = taal_progress_report.enrolment AND "
    "earlier.advice = taal_progress_report.advice AND earlier.id < taal_progress_report.id)"
)


def _first_exam(part: str) -> WhereRaw:
    # `part` is one of EXAM_PARTS' keys, never input.
    column = f"exam_{part}"
    return WhereRaw(
        f"NOT EXISTS (SELECT 1 FROM taal_progress_report AS earlier WHERE earlier.tenant = "  # noqa: S608
        f"taal_progress_report.tenant AND earlier.inburgeraar = "
        f"taal_progress_report.inburgeraar AND earlier.{column} <> '' AND earlier.id < "
        f"taal_progress_report.id)"
    )


# ---------------------------------------------------------------- intake lead time


async def _intake(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = data.select(
        Enrolment,
        Enrolment.organisation,
        local_date(Enrolment.created_at, "aanmelding"),
        Enrolment.intake_date,
        Count(),
    ).where(_dates_in(Enrolment.intake_date, period.first, period.last))
    rows = await _of(query, Enrolment.organisation, ids).group_by(
        Enrolment.organisation, local_date(Enrolment.created_at, ""), Enrolment.intake_date
    )
    groups: Grouped = {}
    for row in rows:
        days = workdays_between(as_date(row["aanmelding"]), as_date(row["intake_date"]))
        _add(groups, row["organisation"], days * row["count"], row["count"])
    return groups


async def _intake_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    rows = await (
        TenantData(scope)
        .select(
            Enrolment,
            Enrolment.id,
            Enrolment.inburgeraar,
            Enrolment.created_at,
            Enrolment.intake_date,
            Enrolment.inburgeraar.given_names.as_alias("given_names"),
            Enrolment.inburgeraar.family_name.as_alias("family_name"),
        )
        .where(Enrolment.organisation == organisation_id)
        .where(_dates_in(Enrolment.intake_date, period.first, period.last))
        .order_by(Enrolment.intake_date)
    )
    records = []
    for row in rows:
        sent = _local(row["created_at"])
        days = workdays_between(sent, row["intake_date"])
        records.append(
            Record(
                record_id=row["id"],
                case_id=row["inburgeraar"],
                pseudonym="",
                name=_name(row),
                day=_dutch(row["intake_date"]),
                detail=f"Aangemeld {_dutch(sent)}, intake {_dutch(row['intake_date'])}: "
                f"{days} {'werkdag' if days == 1 else 'werkdagen'}",
                counts=True,
            )
        )
    return records


# ---------------------------------------------------------------- start lead time


def _start_query(data: TenantData, *columns: Any) -> Select:
    return (
        data.select(Attendance, *columns)
        .where(Attendance.current.eq(True))
        .where(Attendance.inburgeraar.pip_dagtekening.is_not_null())
        .where(_FIRST_LINE)
        .where(_FIRST_ENROLMENT)
    )


async def _start(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = _start_query(
        data,
        Attendance.organisation,
        Attendance.inburgeraar.pip_dagtekening.as_alias("dagtekening"),
        Attendance.lesson_date,
        Count(distinct=[Attendance.enrolment]),
    ).where(_dates_in(Attendance.lesson_date, period.first, period.last))
    rows = await _of(query, Attendance.organisation, ids).group_by(
        Attendance.organisation, Attendance.inburgeraar.pip_dagtekening, Attendance.lesson_date
    )
    groups: Grouped = {}
    for row in rows:
        days = max((as_date(row["lesson_date"]) - as_date(row["dagtekening"])).days, 0)
        _add(groups, row["organisation"], days * row["count"], row["count"])
    return groups


async def _start_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    rows = await (
        _start_query(
            TenantData(scope),
            Attendance.enrolment,
            Attendance.inburgeraar,
            Attendance.lesson_date,
            Attendance.inburgeraar.pip_dagtekening.as_alias("dagtekening"),
            Attendance.inburgeraar.given_names.as_alias("given_names"),
            Attendance.inburgeraar.family_name.as_alias("family_name"),
        )
        .where(Attendance.organisation == organisation_id)
        .where(_dates_in(Attendance.lesson_date, period.first, period.last))
        .order_by(Attendance.lesson_date)
    )
    records: dict[int, Record] = {}
    for row in rows:
        days = max((row["lesson_date"] - row["dagtekening"]).days, 0)
        records.setdefault(
            row["enrolment"],
            Record(
                record_id=row["enrolment"],
                case_id=row["inburgeraar"],
                pseudonym="",
                name=_name(row),
                day=_dutch(row["lesson_date"]),
                detail=f"PIP {_dutch(row['dagtekening'])}, eerste les "
                f"{_dutch(row['lesson_date'])}: {days} {'dag' if days == 1 else 'dagen'}",
                counts=True,
            ),
        )
    return list(records.values())


# ---------------------------------------------------------------- attendance lines


def _lines(data: TenantData, period: Period, *columns: Any) -> Select:
    return (
        data.select(Attendance, *columns)
        .where(Attendance.current.eq(True))
        .where(_dates_in(Attendance.lesson_date, period.first, period.last))
    )


def _learner_columns() -> tuple[Any, ...]:
    return (
        Attendance.enrolment,
        Attendance.inburgeraar,
        Attendance.inburgeraar.given_names.as_alias("given_names"),
        Attendance.inburgeraar.family_name.as_alias("family_name"),
    )


def _group_by_learner(query: Select, *more: Any) -> Select:
    return query.group_by(
        Attendance.enrolment,
        Attendance.inburgeraar,
        Attendance.inburgeraar.given_names,
        Attendance.inburgeraar.family_name,
        *more,
    ).order_by(Attendance.inburgeraar.family_name)


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.1f}".replace(".", ",").removesuffix(",0")


async def _attendance(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = _lines(
        data,
        period,
        Attendance.organisation,
        Sum(Attendance.minutes_attended, alias="attended"),
        Sum(Attendance.minutes_offered, alias="offered"),
    )
    rows = await _of(query, Attendance.organisation, ids).group_by(Attendance.organisation)
    groups: Grouped = {}
    for row in rows:
        _add(groups, row["organisation"], row["attended"] or 0, row["offered"] or 0)
    return groups


async def _attendance_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    query = _lines(
        TenantData(scope),
        period,
        *_learner_columns(),
        Sum(Attendance.minutes_attended, alias="attended"),
        Sum(Attendance.minutes_offered, alias="offered"),
    ).where(Attendance.organisation == organisation_id)
    return [
        Record(
            record_id=row["enrolment"],
            case_id=row["inburgeraar"],
            pseudonym="",
            name=_name(row),
            day=period.label,
            detail=f"{_hours(row['attended'] or 0)} van {_hours(row['offered'] or 0)} uur aanwezig",
            counts=bool(row["offered"]),
            note="" if row["offered"] else "Geen lesuren aangeboden",
        )
        for row in await _group_by_learner(query)
    ]


async def _confirmed(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = (
        _lines(
            data,
            period,
            Attendance.organisation,
            Count(Attendance.confirmed_at, alias="confirmed"),
            Count(),
        )
        .where(Attendance.status.is_in(list(PRESENT)))
        .where(Attendance.source != "import")
    )
    rows = await _of(query, Attendance.organisation, ids).group_by(Attendance.organisation)
    groups: Grouped = {}
    for row in rows:
        _add(groups, row["organisation"], row["confirmed"], row["count"])
    return groups


async def _confirmed_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    query = (
        _lines(
            TenantData(scope),
            period,
            *_learner_columns(),
            Count(Attendance.confirmed_at, alias="confirmed"),
            Count(),
        )
        .where(Attendance.organisation == organisation_id)
        .where(Attendance.status.is_in(list(PRESENT)))
        .where(Attendance.source != "import")
    )
    return [
        Record(
            record_id=row["enrolment"],
            case_id=row["inburgeraar"],
            pseudonym="",
            name=_name(row),
            day=period.label,
            detail=f"{row['confirmed']} van {row['count']} lessen aanwezig zelf bevestigd",
            counts=True,
            met=row["confirmed"] == row["count"],
        )
        for row in await _group_by_learner(query)
    ]


async def _offered(data: TenantData, period: Period, ids: Ids) -> Grouped:
    first, last = weeks_starting_in(period.first, period.last)
    contract = Attendance.enrolment.minutes_per_week
    query = (
        data.select(
            Attendance,
            Attendance.organisation,
            contract.as_alias("contract"),
            Sum(Attendance.minutes_offered, alias="offered"),
            count_distinct_pairs(
                Attendance.enrolment, week_number(Attendance.lesson_date), "weeks"
            ),
        )
        .where(Attendance.current.eq(True))
        .where(_dates_in(Attendance.lesson_date, first, last))
        .where(contract.is_not_null())
    )
    rows = await _of(query, Attendance.organisation, ids).group_by(
        Attendance.organisation, contract
    )
    groups: Grouped = {}
    for row in rows:
        _add(groups, row["organisation"], row["offered"] or 0, row["contract"] * row["weeks"])
    return groups


async def _offered_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    first, last = weeks_starting_in(period.first, period.last)
    contract = Attendance.enrolment.minutes_per_week
    query = (
        TenantData(scope)
        .select(
            Attendance,
            *_learner_columns(),
            contract.as_alias("contract"),
            Sum(Attendance.minutes_offered, alias="offered"),
            count_distinct(week_number(Attendance.lesson_date), "weeks"),
        )
        .where(Attendance.current.eq(True))
        .where(Attendance.organisation == organisation_id)
        .where(_dates_in(Attendance.lesson_date, first, last))
    )
    rows = await _group_by_learner(query, contract)
    return [
        Record(
            record_id=row["enrolment"],
            case_id=row["inburgeraar"],
            pseudonym="",
            name=_name(row),
            day=period.label,
            detail=(
                f"{_hours(row['offered'] or 0)} uur aangeboden in {row['weeks']} "
                f"{'week' if row['weeks'] == 1 else 'weken'}; afgesproken "
                f"{_hours(row['contract'])} uur per week"
                if row["contract"]
                else f"{_hours(row['offered'] or 0)} uur aangeboden"
            ),
            counts=row["contract"] is not None,
            note="" if row["contract"] else "Geen uren per week afgesproken bij de intake",
        )
        for row in rows
    ]


# ---------------------------------------------------------------- lessons


def _given(query: Select, period: Period) -> Select:
    """Lessons of the period held before today, not cancelled."""
    return (
        query.where(_dates_in(Lesson.lesson_date, period.first, period.last))
        .where(Lesson.lesson_date < clock.today())
        .where(Lesson.status != "geannuleerd")
    )


async def _registers(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = _given(
        data.select(Lesson, Lesson.organisation, Lesson.register_status, Count()), period
    )
    rows = await _of(query, Lesson.organisation, ids).group_by(
        Lesson.organisation, Lesson.register_status
    )
    groups: Grouped = {}
    for row in rows:
        signed = row["count"] if row["register_status"] in FINAL_REGISTERS else 0
        _add(groups, row["organisation"], signed, row["count"])
    return groups


async def _register_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    rows = await (
        TenantData(scope)
        .select(
            Lesson,
            Lesson.id,
            Lesson.lesson_date,
            Lesson.starts,
            Lesson.status,
            Lesson.register_status,
            Lesson.groep.name.as_alias("group_name"),
        )
        .where(Lesson.organisation == organisation_id)
        .where(_dates_in(Lesson.lesson_date, period.first, min(period.last, clock.today())))
        .order_by(Lesson.lesson_date)
        .order_by(Lesson.starts)
    )
    labels = {"leeg": "niet ingevuld", "opgeslagen": "ingevuld, niet ondertekend"}
    today = clock.today()
    records = []
    for row in rows:
        cancelled = row["status"] == "geannuleerd"
        signed = row["register_status"] in FINAL_REGISTERS
        records.append(
            Record(
                record_id=row["id"],
                case_id=None,
                pseudonym="",
                name=row["group_name"],
                day=_dutch(row["lesson_date"]),
                detail=f"Les {row['starts']}: presentielijst "
                + ("ondertekend" if signed else labels.get(row["register_status"], "open")),
                counts=not cancelled and row["lesson_date"] < today,
                note=_lesson_note(cancelled, row["lesson_date"], today),
                met=signed,
            )
        )
    return records


def _lesson_note(cancelled: bool, day: date, today: date) -> str:
    if cancelled:
        return "Les geannuleerd"
    return "" if day < today else "Les is vandaag"


async def _group_size(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = _lines(
        data,
        period,
        Attendance.organisation,
        Count(alias="lines"),
        Count(distinct=[Attendance.lesson], alias="lessons"),
    ).where(Attendance.lesson.status != "geannuleerd")
    rows = await _of(query, Attendance.organisation, ids).group_by(Attendance.organisation)
    groups: Grouped = {}
    for row in rows:
        _add(groups, row["organisation"], row["lines"], row["lessons"])
    return groups


async def _group_size_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    query = (
        _lines(
            TenantData(scope),
            period,
            Attendance.lesson,
            Attendance.lesson_date,
            Attendance.lesson.groep.name.as_alias("group_name"),
            Count(alias="learners"),
        )
        .where(Attendance.organisation == organisation_id)
        .where(Attendance.lesson.status != "geannuleerd")
    )
    rows = await query.group_by(
        Attendance.lesson, Attendance.lesson_date, Attendance.lesson.groep.name
    ).order_by(Attendance.lesson_date)
    return [
        Record(
            record_id=row["lesson"],
            case_id=None,
            pseudonym="",
            name=row["group_name"],
            day=_dutch(as_date(row["lesson_date"])),
            detail=f"{row['learners']} {'cursist' if row['learners'] == 1 else 'cursisten'} "
            "op de presentielijst",
            counts=True,
        )
        for row in rows
    ]


# ---------------------------------------------------------------- verzuim signals


async def _signals(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = data.select(
        VerzuimSignal,
        VerzuimSignal.organisation,
        VerzuimSignal.last_lesson_date,
        local_date(VerzuimSignal.created_at, "raised"),
        Count(),
    ).where(_dates_in(VerzuimSignal.last_lesson_date, period.first, period.last))
    rows = await _of(query, VerzuimSignal.organisation, ids).group_by(
        VerzuimSignal.organisation,
        VerzuimSignal.last_lesson_date,
        local_date(VerzuimSignal.created_at, ""),
    )
    window = await agreed.window(data.scope, SIGNAL_CODE, period.last, SIGNAL_WORKDAYS)
    groups: Grouped = {}
    for row in rows:
        late = workdays_between(as_date(row["last_lesson_date"]), as_date(row["raised"]))
        _add(
            groups,
            row["organisation"],
            row["count"] if late <= window else 0,
            row["count"],
        )
    return groups


async def _signal_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    rows = await (
        TenantData(scope)
        .select(
            VerzuimSignal,
            VerzuimSignal.id,
            VerzuimSignal.inburgeraar,
            VerzuimSignal.last_lesson_date,
            VerzuimSignal.created_at,
            VerzuimSignal.inburgeraar.given_names.as_alias("given_names"),
            VerzuimSignal.inburgeraar.family_name.as_alias("family_name"),
        )
        .where(VerzuimSignal.organisation == organisation_id)
        .where(_dates_in(VerzuimSignal.last_lesson_date, period.first, period.last))
        .order_by(VerzuimSignal.last_lesson_date)
    )
    window = await agreed.window(scope, SIGNAL_CODE, period.last, SIGNAL_WORKDAYS)
    records = []
    for row in rows:
        raised = _local(row["created_at"])
        late = workdays_between(row["last_lesson_date"], raised)
        records.append(
            Record(
                record_id=row["id"],
                case_id=row["inburgeraar"],
                pseudonym="",
                name=_name(row),
                day=_dutch(row["last_lesson_date"]),
                detail=f"Laatste les {_dutch(row['last_lesson_date'])}, signaal "
                f"{_dutch(raised)}: {late} {'werkdag' if late == 1 else 'werkdagen'} later",
                counts=True,
                met=late <= window,
            )
        )
    return records


# ---------------------------------------------------------------- reports (tasks)


async def _voortgang(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = (
        data.select(
            PipTask,
            PipTask.assigned_organisation.as_alias("organisation"),
            PipTask.status,
            PipTask.due_date,
            local_date(PipTask.updated_at, "changed"),
            Count(),
        )
        .where(PipTask.kind.like("taal.voortgang%"))
        .where(PipTask.status != "vervallen")
        .where(_dates_in(PipTask.due_date, period.first, period.last))
    )
    rows = await _of(query, PipTask.assigned_organisation, ids).group_by(
        PipTask.assigned_organisation,
        PipTask.status,
        PipTask.due_date,
        local_date(PipTask.updated_at, ""),
    )
    today = clock.today()
    groups: Grouped = {}
    for row in rows:
        due = as_date(row["due_date"])
        if row["status"] == "afgerond":
            on_time = as_date(row["changed"]) <= due
        elif due < today:
            on_time = False
        else:
            continue
        _add(groups, row["organisation"], row["count"] if on_time else 0, row["count"])
    return groups


async def _task_rows(scope: Scope, organisation_id: int, *where: Any) -> list[dict[str, Any]]:
    query = (
        TenantData(scope)
        .select(
            PipTask,
            PipTask.id,
            PipTask.inburgeraar,
            PipTask.status,
            PipTask.due_date,
            PipTask.created_at,
            PipTask.updated_at,
            PipTask.inburgeraar.given_names.as_alias("given_names"),
            PipTask.inburgeraar.family_name.as_alias("family_name"),
        )
        .where(PipTask.assigned_organisation == organisation_id)
        .where(PipTask.status != "vervallen")
    )
    for clause in where:
        query = query.where(clause)
    return await query.order_by(PipTask.due_date)


async def _voortgang_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    rows = await _task_rows(
        scope,
        organisation_id,
        PipTask.kind.like("taal.voortgang%"),
        _dates_in(PipTask.due_date, period.first, period.last),
    )
    today = clock.today()
    records = []
    for row in rows:
        closed = _local(row["updated_at"]) if row["status"] == "afgerond" else None
        pending = closed is None and row["due_date"] >= today
        records.append(
            Record(
                record_id=row["id"],
                case_id=row["inburgeraar"],
                pseudonym="",
                name=_name(row),
                day=_dutch(row["due_date"]),
                detail=f"Uiterlijk {_dutch(row['due_date'])}; "
                + (f"ingediend {_dutch(closed)}" if closed else "nog niet ingediend"),
                counts=not pending,
                note="Nog niet te laat" if pending else "",
                met=closed is not None and closed <= row["due_date"],
            )
        )
    return records


async def _eind(data: TenantData, period: Period, ids: Ids) -> Grouped:
    query = (
        data.select(
            PipTask,
            PipTask.assigned_organisation.as_alias("organisation"),
            PipTask.status,
            local_date(PipTask.created_at, "ended"),
            local_date(PipTask.updated_at, "changed"),
            Count(),
        )
        .where(PipTask.kind == "taal.eind")
        .where(PipTask.status != "vervallen")
        .where(_timestamps_in(PipTask.created_at, period))
    )
    rows = await _of(query, PipTask.assigned_organisation, ids).group_by(
        PipTask.assigned_organisation,
        PipTask.status,
        local_date(PipTask.created_at, ""),
        local_date(PipTask.updated_at, ""),
    )
    today = clock.today()
    window = await agreed.window(data.scope, EIND_CODE, period.last, EIND_WORKDAYS)
    groups: Grouped = {}
    for row in rows:
        ended = as_date(row["ended"])
        if row["status"] == "afgerond":
            on_time = workdays_between(ended, as_date(row["changed"])) <= window
        elif add_workdays(ended, window) < today:
            on_time = False
        else:
            continue
        _add(groups, row["organisation"], row["count"] if on_time else 0, row["count"])
    return groups


async def _eind_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    rows = await _task_rows(
        scope,
        organisation_id,
        PipTask.kind == "taal.eind",
        _timestamps_in(PipTask.created_at, period),
    )
    today = clock.today()
    window = await agreed.window(scope, EIND_CODE, period.last, EIND_WORKDAYS)
    records = []
    for row in rows:
        ended = _local(row["created_at"])
        closed = _local(row["updated_at"]) if row["status"] == "afgerond" else None
        deadline = add_workdays(ended, window)
        pending = closed is None and deadline >= today
        records.append(
            Record(
                record_id=row["id"],
                case_id=row["inburgeraar"],
                pseudonym="",
                name=_name(row),
                day=_dutch(ended),
                detail=f"Traject beëindigd {_dutch(ended)}, uiterlijk {_dutch(deadline)}; "
                + (f"ingediend {_dutch(closed)}" if closed else "nog niet ingediend"),
                counts=not pending,
                note="Nog niet te laat" if pending else "",
                met=closed is not None and closed <= deadline,
            )
        )
    return records


# ---------------------------------------------------------------- exams and advice


def _exam(part: str) -> Measure:
    column: Column = getattr(ProgressReport, f"exam_{part}")

    async def aggregate(data: TenantData, period: Period, ids: Ids) -> Grouped:
        query = (
            data.select(
                ProgressReport, ProgressReport.organisation, column.as_alias("result"), Count()
            )
            .where(column != "")
            .where(_dates_in(ProgressReport.period_end, period.first, period.last))
            .where(_first_exam(part))
        )
        rows = await _of(query, ProgressReport.organisation, ids).group_by(
            ProgressReport.organisation, column
        )
        groups: Grouped = {}
        for row in rows:
            passed = row["count"] if row["result"] == "gehaald" else 0
            _add(groups, row["organisation"], passed, row["count"])
        return groups

    return aggregate


def _exam_records(part: str) -> Callable[[Scope, Period, int], Awaitable[list[Record]]]:
    column: Column = getattr(ProgressReport, f"exam_{part}")

    async def records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
        rows = await (
            TenantData(scope)
            .select(
                ProgressReport,
                ProgressReport.id,
                ProgressReport.inburgeraar,
                ProgressReport.period_end,
                column.as_alias("result"),
                ProgressReport.inburgeraar.given_names.as_alias("given_names"),
                ProgressReport.inburgeraar.family_name.as_alias("family_name"),
            )
            .where(ProgressReport.organisation == organisation_id)
            .where(column != "")
            .where(_dates_in(ProgressReport.period_end, period.first, period.last))
            .where(_first_exam(part))
            .order_by(ProgressReport.period_end)
        )
        return [
            Record(
                record_id=row["id"],
                case_id=row["inburgeraar"],
                pseudonym="",
                name=_name(row),
                day=_dutch(row["period_end"]),
                detail=f"Examen {EXAM_PARTS[part]}, eerste poging: "
                + ("gehaald" if row["result"] == "gehaald" else "niet gehaald"),
                counts=True,
                met=row["result"] == "gehaald",
            )
            for row in rows
        ]

    return records


def advice_deadline(dagtekening: date) -> date:
    """The 1.5-year point: 18 months after the termijn starts (the day after the dagtekening
    of the first PIP); the advice is on time on or before it."""
    start = dagtekening + timedelta(days=1)
    total = start.month - 1 + ADVICE_MONTHS
    year, month = start.year + total // 12, total % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _advice_query(data: TenantData, period: Period, *columns: Any) -> Select:
    return (
        data.select(ProgressReport, *columns)
        .where(ProgressReport.advice.is_in(["afschalen", "schakelen"]))
        .where(ProgressReport.inburgeraar.pip_dagtekening.is_not_null())
        .where(_timestamps_in(ProgressReport.created_at, period))
        .where(_FIRST_ADVICE)
    )


async def _advice(data: TenantData, period: Period, ids: Ids) -> Grouped:
    dagtekening = ProgressReport.inburgeraar.pip_dagtekening
    query = _advice_query(
        data,
        period,
        ProgressReport.organisation,
        dagtekening.as_alias("dagtekening"),
        local_date(ProgressReport.created_at, "given"),
        Count(),
    )
    rows = await _of(query, ProgressReport.organisation, ids).group_by(
        ProgressReport.organisation, dagtekening, local_date(ProgressReport.created_at, "")
    )
    groups: Grouped = {}
    for row in rows:
        on_time = as_date(row["given"]) <= advice_deadline(as_date(row["dagtekening"]))
        _add(groups, row["organisation"], row["count"] if on_time else 0, row["count"])
    return groups


async def _advice_records(scope: Scope, period: Period, organisation_id: int) -> list[Record]:
    rows = (
        await _advice_query(
            TenantData(scope),
            period,
            ProgressReport.id,
            ProgressReport.inburgeraar,
            ProgressReport.advice,
            ProgressReport.created_at,
            ProgressReport.inburgeraar.pip_dagtekening.as_alias("dagtekening"),
            ProgressReport.inburgeraar.given_names.as_alias("given_names"),
            ProgressReport.inburgeraar.family_name.as_alias("family_name"),
        )
        .where(ProgressReport.organisation == organisation_id)
        .order_by(ProgressReport.id)
    )
    records = []
    for row in rows:
        given = _local(row["created_at"])
        deadline = advice_deadline(row["dagtekening"])
        advice = "Afschaaladvies" if row["advice"] == "afschalen" else "Schakeladvies"
        records.append(
            Record(
                record_id=row["id"],
                case_id=row["inburgeraar"],
                pseudonym="",
                name=_name(row),
                day=_dutch(given),
                detail=f"{advice} {_dutch(given)}; 1,5 jaar na de start van de termijn is "
                f"{_dutch(deadline)}",
                counts=True,
                met=given <= deadline,
            )
        )
    return records


# ---------------------------------------------------------------- the catalogue

_TASKS_NOTE = (
    "A task counts once it was closed (afgerond) or is overdue; an open task whose deadline "
    "has not passed does not count yet. Tasks that lapsed (vervallen: the route ended "
    "before the report was due) are excluded, as no report was owed. The moment a task was "
    "closed is the last change of the closed task, which the report's filing makes."
)


def _kpis() -> list[Kpi]:
    kpis = [
        Kpi(
            code="taal.intake_doorlooptijd",
            label="Doorlooptijd aanmelding tot intake",
            unit=Unit.WORKDAYS,
            better=Better.LOWER,
            partner_kind=SCHOOL,
            explanation="Gemiddeld aantal werkdagen van de aanmelding door de gemeente tot de "
            "intake bij de taalaanbieder.",
            definition=Definition(
                numerator="Sum over the enrolments counted of the working days after the "
                "aanmelding (the day the gemeente sent it: the enrolment's creation, Dutch "
                "date) up to and including the intake date.",
                denominator="The number of enrolments counted.",
                period="Enrolments whose intake date lies in the period.",
                counts="Every enrolment of the school with a recorded intake in the period, "
                "whatever its status now.",
                excluded="Enrolments without an intake yet (they have no lead time to "
                "measure). An intake dated on or before the aanmelding counts as 0 working "
                "days. Weekends and Dutch public holidays are not working days.",
            ),
            measure=_measure(_intake),
            records=_intake_records,
        ),
        Kpi(
            code="taal.start_na_pip",
            label="Doorlooptijd PIP tot eerste les",
            unit=Unit.DAYS,
            better=Better.LOWER,
            partner_kind=SCHOOL,
            explanation="Gemiddeld aantal dagen van de dagtekening van het PIP tot de eerste "
            "les van de cursist.",
            definition=Definition(
                numerator="Sum over the learners counted of the calendar days from the "
                "dagtekening of the first PIP to the first lesson of the learner at the "
                "school: the earliest lesson with a current register line for the enrolment, "
                "whatever the line says (the school offered the lesson).",
                denominator="The number of learners counted.",
                period="Learners whose first lesson lies in the period.",
                counts="The learner's first enrolment in the regio only: that school started "
                "the leerroute.",
                excluded="A later enrolment of a learner who switched school (the new school "
                "did not start the route); learners without a PIP dagtekening; corrected "
                "(older) register lines. A first lesson before the dagtekening counts as 0 "
                "days.",
            ),
            measure=_measure(_start),
            records=_start_records,
            default_period=PeriodKind.KWARTAAL,
        ),
        Kpi(
            code="taal.aanwezigheid",
            label="Aanwezigheid",
            unit=Unit.PERCENT,
            better=Better.HIGHER,
            partner_kind=SCHOOL,
            explanation="Het deel van de aangeboden lestijd dat cursisten aanwezig waren.",
            definition=Definition(
                numerator="Sum of the attended minutes of the register lines counted (a late "
                "arrival attends the lesson less the minutes late).",
                denominator="Sum of the offered minutes of the same lines.",
                period="Lines of lessons held in the period (lesson date).",
                counts="The current version of every register line of the school's lessons, "
                "saved, signed or imported: a learner who switched school counts at each "
                "school for that school's own lines.",
                excluded="Older versions of corrected lines (current = false). Cancelled "
                "lessons have no register, so no lines.",
            ),
            measure=_measure(_attendance),
            records=_attendance_records,
        ),
        Kpi(
            code=SIGNAL_CODE,
            label="Verzuimsignaal op tijd",
            unit=Unit.PERCENT,
            better=Better.HIGHER,
            partner_kind=SCHOOL,
            explanation="Het deel van de verzuimsignalen dat binnen de termijn na de laatste "
            f"les van het verzuim bij de gemeente was (standaard {SIGNAL_WORKDAYS} werkdagen, "
            "of de termijn uit het convenant).",
            window=SIGNAL_WORKDAYS,
            definition=Definition(
                numerator=f"Signals raised within the window ({SIGNAL_WORKDAYS} working days, "
                "or the window a term in force on the period's last day agrees, "
                "portal/kpi/agreed.py) after the last lesson of their facts (created_at, "
                "Dutch date, against last_lesson_date; the same day is 0). The portal raises "
                "a signal when the register is signed or imported, so this measures how "
                "soon the school finalises its registers.",
                denominator="Verzuim signals of the school's learners counted.",
                period="Signals whose last lesson of the facts lies in the period.",
                counts="Every signal raised for an enrolment at the school, followed up or not.",
                excluded="Nothing: a signal that was never raised cannot be counted (the "
                "register completeness term covers registers left unsigned).",
            ),
            measure=_measure(_signals),
            records=_signal_records,
        ),
        Kpi(
            code="taal.presentielijst_getekend",
            label="Presentielijsten ondertekend",
            unit=Unit.PERCENT,
            better=Better.HIGHER,
            partner_kind=SCHOOL,
            explanation="Het deel van de gegeven lessen met een ondertekende (of uit de "
            "administratie ingelezen) presentielijst.",
            definition=Definition(
                numerator="Lessons counted whose register is signed by the docent or was "
                "imported from the school's administration (the registers the verzuim rules "
                "read as final).",
                denominator="Lessons given: lessons counted.",
                period="Lessons dated in the period, up to yesterday.",
                counts="Every lesson of the school's groups in the period that was not "
                "cancelled, with or without learners on it.",
                excluded="Cancelled lessons (not given); today's and future lessons (the "
                "docent still has the day to sign).",
            ),
            measure=_measure(_registers),
            records=_register_records,
        ),
        Kpi(
            code="taal.bevestigd_door_cursist",
            label="Aanwezigheid bevestigd door cursist",
            unit=Unit.PERCENT,
            better=Better.HIGHER,
            partner_kind=SCHOOL,
            explanation="Het deel van de aanwezige cursisten dat de aanwezigheid zelf "
            "bevestigde met de persoonlijke code.",
            definition=Definition(
                numerator="Lines counted that the learner confirmed with their personal code "
                "(confirmed_at set).",
                denominator="Current register lines of present learners (aanwezig or te laat).",
                period="Lines of lessons held in the period.",
                counts="Current lines entered in the portal's register.",
                excluded="Absent learners (nothing to confirm); older versions of corrected "
                "lines; imported lines (the school's administration has no learner "
                "confirmation).",
            ),
            measure=_measure(_confirmed),
            records=_confirmed_records,
        ),
        Kpi(
            code="taal.uren_aangeboden",
            label="Aangeboden uren tegenover afgesproken uren",
            unit=Unit.PERCENT,
            better=Better.HIGHER,
            partner_kind=SCHOOL,
            explanation="De aangeboden lestijd als deel van de bij de intake afgesproken uren "
            "per week, in de weken dat de cursist les had.",
            definition=Definition(
                numerator="Sum of the offered minutes of the current register lines counted.",
                denominator="Sum over the enrolment-weeks counted of the enrolment's "
                "contracted minutes per week (set at the intake). An enrolment-week is a "
                "Monday–Sunday week in which the enrolment has at least one current line at "
                "the school.",
                period="Weeks whose Monday lies in the period, so a week is never split over "
                "two periods (its lessons after the period's end count with it).",
                counts="Current lines of the school's enrolments with contracted hours.",
                excluded="Enrolments without contracted hours; weeks without any lesson for "
                "the learner (school holidays, an interruption) as they offer nothing to "
                "compare; older versions of corrected lines.",
            ),
            measure=_measure(_offered),
            records=_offered_records,
        ),
        Kpi(
            code="taal.groepsgrootte",
            label="Groepsgrootte",
            unit=Unit.COUNT,
            better=Better.LOWER,
            partner_kind=SCHOOL,
            explanation="Gemiddeld aantal cursisten op de presentielijst van een gegeven les.",
            definition=Definition(
                numerator="Current register lines (one per learner on the register, present "
                "or absent) of the lessons counted.",
                denominator="The lessons counted: lessons given with at least one register line.",
                period="Lessons held in the period.",
                counts="Lessons of the school's groups that were not cancelled and have a "
                "register.",
                excluded="Cancelled lessons; lessons without a register (how many learners "
                "were there is unknown; register completeness counts them); older versions "
                "of corrected lines.",
            ),
            measure=_measure(_group_size),
            records=_group_size_records,
        ),
        Kpi(
            code="taal.voortgang_tijdig",
            label="Voortgangsrapportage op tijd",
            unit=Unit.PERCENT,
            better=Better.HIGHER,
            partner_kind=SCHOOL,
            explanation="Het deel van de voortgangsrapportages dat uiterlijk op de "
            "afgesproken datum is ingediend.",
            definition=Definition(
                numerator="Voortgangsrapportage tasks counted that a filed report closed on "
                "or before their due date (Dutch date).",
                denominator="Voortgangsrapportage tasks counted.",
                period="Tasks due in the period. The rhythm is the regio's task plan: the "
                "PIP plans a report every quarter by default (the beheerder may change the "
                "interval) and each filed report plans the next one interval later, so a "
                "due date is the 3-month point of the rhythm.",
                counts="Tasks 'Voortgangsrapportage' of the school (kinds taal.voortgang and "
                "taal.voortgang.vervolg). " + _TASKS_NOTE,
                excluded="Open tasks not yet due; lapsed tasks.",
            ),
            measure=_measure(_voortgang),
            records=_voortgang_records,
            default_period=PeriodKind.KWARTAAL,
        ),
        Kpi(
            code=EIND_CODE,
            label="Eindrapportage op tijd",
            unit=Unit.PERCENT,
            better=Better.HIGHER,
            partner_kind=SCHOOL,
            explanation="Het deel van de eindrapportages dat binnen de termijn na het einde "
            f"van het traject is ingediend (standaard {EIND_WORKDAYS} werkdagen, of de "
            "termijn uit het convenant).",
            window=EIND_WORKDAYS,
            definition=Definition(
                numerator="Eindrapportage tasks counted that a filed report closed within "
                f"the window ({EIND_WORKDAYS} working days, or the window a term in force on "
                "the period's last day agrees) after the route ended.",
                denominator="Eindrapportage tasks counted.",
                period="Routes that ended in the period: the school set the enrolment to "
                "afgerond or uitgevallen, which creates the task 'Eindrapportage' (its "
                "creation is the end of the route, Dutch date).",
                counts="Tasks 'Eindrapportage' (taal.eind) of the school. " + _TASKS_NOTE,
                excluded="Open tasks whose window has not passed; lapsed tasks.",
            ),
            measure=_measure(_eind),
            records=_eind_records,
            default_period=PeriodKind.KWARTAAL,
        ),
    ]
    for part, label in EXAM_PARTS.items():
        kpis.append(
            Kpi(
                code=f"taal.examen_{part}",
                label=f"Examen {label} gehaald bij eerste poging",
                unit=Unit.PERCENT,
                better=Better.HIGHER,
                partner_kind=SCHOOL,
                explanation=f"Het deel van de cursisten dat het examen {label} bij de eerste "
                "poging haalde.",
                definition=Definition(
                    numerator=f"First attempts at the {label} exam with the result gehaald.",
                    denominator=f"First attempts at the {label} exam: per learner, the first "
                    f"report (voortgang or eind) in the regio that records a result for "
                    f"{label}.",
                    period="Reports whose reporting period ends (period_end) in the period.",
                    counts="The first result of each learner, at the school that filed it.",
                    excluded=f"Reports without a {label} result (not taken); every later "
                    "report of the learner with a result for the part (a retake, or the same "
                    "result repeated in the next report), including one at another school "
                    "after a switch.",
                ),
                measure=_measure(_exam(part)),
                records=_exam_records(part),
                default_period=PeriodKind.HALFJAAR,
            )
        )
    kpis.append(
        Kpi(
            code="taal.advies_tijdig",
            label="Afschaal- of schakeladvies voor 1,5 jaar",
            unit=Unit.PERCENT,
            better=Better.HIGHER,
            partner_kind=SCHOOL,
            explanation="Het deel van de afschaal- en schakeladviezen dat voor het punt van "
            "1,5 jaar in de inburgeringstermijn is gegeven.",
            definition=Definition(
                numerator=f"Advices counted given on or before the 1.5-year point: "
                f"{ADVICE_MONTHS} months after the termijn started (the day after the "
                "dagtekening of the first PIP).",
                denominator="Advices counted: the first report of an enrolment with the "
                "advice afschalen (B1 → A2) or schakelen (another leerroute), per advice.",
                period="Reports filed in the period (Dutch date of filing).",
                counts="Where relevant: only learners for whom the school advised afschalen "
                "or schakelen.",
                excluded="Reports advising 'op schema'; the same advice repeated in later "
                "reports of the enrolment; learners without a PIP dagtekening. Learners who "
                "should have had an advice but did not cannot be seen in the data.",
            ),
            measure=_measure(_advice),
            records=_advice_records,
            default_period=PeriodKind.KWARTAAL,
        )
    )
    return kpis


DECLARATIONS = (
    DeclarationKind(
        code="taal.nt2_docenten",
        label="Lessen door NT2-bevoegde docenten",
        answer=AnswerKind.PERCENT,
        partner_kind=SCHOOL,
        explanation="Het deel van de lessen dat een NT2-bevoegde docent gaf, met de "
        "diploma's of registraties als bewijs.",
    ),
    DeclarationKind(
        code="taal.tevredenheid",
        label="Tevredenheid van cursisten",
        answer=AnswerKind.SCORE,
        partner_kind=SCHOOL,
        explanation="Het gemiddelde rapportcijfer van de cursisten in de "
        "tevredenheidsmeting, met de rapportage van de meting als bewijs.",
        default_period=PeriodKind.JAAR,
    ),
    DeclarationKind(
        code="taal.tarieven_roosters_gepubliceerd",
        label="Tarieven en roosters gepubliceerd",
        answer=AnswerKind.YES_NO,
        partner_kind=SCHOOL,
        explanation="De tarieven en lesroosters staan voor cursisten en gemeenten "
        "openbaar, met een link of schermafdruk als bewijs.",
    ),
    DeclarationKind(
        code="taal.klachtafhandeling",
        label="Afhandeltijd van klachten",
        answer=AnswerKind.DAYS,
        partner_kind=SCHOOL,
        explanation="Gemiddeld aantal dagen van een klacht tot de afhandeling, met het "
        "klachtenoverzicht als bewijs.",
    ),
)


def register() -> None:
    """Add the taal KPIs and declarations to the catalogue (idempotent)."""
    for kpi in _kpis():
        register_kpi(kpi)
    for kind in DECLARATIONS:
        register_declaration(kind)
