"""Tables of the taal package, each with its visibility policy (see tenants/scoped.py).

- A taalaanbieder sees and changes only the rows of its own organisation: its groups,
  lessons, enrolments, registers and reports (each row carries `organisation`, so the rule
  needs no join).
- A regievoerder reads the enrolments, attendance, reports and verzuim signals of the
  inburgeraars of their own gemeente, sends the aanmelding (an enrolment) and records the
  follow-up of a verzuim signal. Groups and lessons are the school's business.
- Other roles see nothing; the regio's beheerder sets the verzuim rules.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.casefile.tables import (
    Inburgeraar,
    PipTask,
    cases_in_reach,
    cases_with_open_work,
)
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import (
    Rule,
    Visibility,
    register_policy,
)
from tenants.tables import Organisation, Person, Regio


class Group(Table, tablename="taal_group"):
    """A class of a taalaanbieder: a docent, a location, a capacity and a rooster."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=100, null=False)
    docent = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    location = Varchar(length=200, null=False, default="")
    capacity = Integer(null=False, default=16)
    start_date = Date(null=False)
    end_date = Date(null=False)
    active = Boolean(default=True, null=False)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class RoosterSlot(Table, tablename="taal_rooster_slot"):
    """One weekly lesson of a group: weekday (0 = Monday) and times as HH:MM."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    groep = ForeignKey(Group, null=False, on_delete=OnDelete.restrict, index=True)
    weekday = Integer(null=False)
    starts = Varchar(length=5, null=False)
    ends = Varchar(length=5, null=False)


class Holiday(Table, tablename="taal_holiday"):
    """Days without lessons at a taalaanbieder (a vacation, a public holiday)."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=100, null=False)
    first_day = Date(null=False)
    last_day = Date(null=False)


class Lesson(Table, tablename="taal_lesson"):
    """One lesson of a group on one day, generated from the rooster, with its register."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    groep = ForeignKey(Group, null=False, on_delete=OnDelete.restrict)
    # Copied from the group when generated; a substitute may take over one lesson.
    docent = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    lesson_date = Date(null=False)
    starts = Varchar(length=5, null=False)
    ends = Varchar(length=5, null=False)
    minutes = Integer(null=False)
    status = Varchar(length=20, null=False, default="gepland")
    cancel_reason = Varchar(length=300, null=False, default="")
    # leeg → opgeslagen → ondertekend; "geimporteerd" when it came from the school's CSV.
    register_status = Varchar(length=20, null=False, default="leeg")
    saved_at = Timestamptz(null=True, default=None)
    signed_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    signed_at = Timestamptz(null=True, default=None)


class Enrolment(Table, tablename="taal_enrolment"):
    """An inburgeraar at a taalaanbieder: from the gemeente's aanmelding to the end."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    # The PIP task "Intake en plaatsingstoets" this enrolment answers.
    intake_task = ForeignKey(PipTask, null=True, default=None, on_delete=OnDelete.set_null)
    groep = ForeignKey(Group, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    leerroute = Varchar(length=1, null=True, default=None)
    # Contracted lesson time per week in minutes: 12,5 hours is 750 (integers, not decimals,
    # so both engines store it exactly).
    minutes_per_week = Integer(null=True, default=None)
    start_date = Date(null=True, default=None)
    end_date = Date(null=True, default=None)
    status = Varchar(length=20, null=False, default="aangemeld", index=True)
    # Placement levels of the intake, CEFR (A0–B2).
    intake_date = Date(null=True, default=None)
    level_lezen = Varchar(length=2, null=True, default=None)
    level_luisteren = Varchar(length=2, null=True, default=None)
    level_spreken = Varchar(length=2, null=True, default=None)
    level_schrijven = Varchar(length=2, null=True, default=None)
    level_knm = Varchar(length=2, null=True, default=None)
    intake_notes = Text(default="")
    # The learner's personal code for confirming presence (norm 2.9.3): an argon2 hash only;
    # wrong codes are counted and lock the code for a while.
    code_hash = Varchar(length=200, null=True, default=None)
    code_failures = Integer(null=False, default=0)
    code_locked_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    updated_at = Timestamptz(default=TimestamptzNow(), null=False)


class Attendance(Table, tablename="taal_attendance"):
    """One line of a lesson register, one version of it. A correction adds a new version
    and keeps the earlier one (`current` false), so the register's history stays visible."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    lesson = ForeignKey(Lesson, null=False, on_delete=OnDelete.restrict)
    enrolment = ForeignKey(Enrolment, null=False, on_delete=OnDelete.restrict)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict)
    # Copied from the lesson: a learner's history and the verzuim rules read by date.
    lesson_date = Date(null=False)
    status = Varchar(length=30, null=False)
    minutes_late = Integer(null=False, default=0)
    minutes_offered = Integer(null=False, default=0)
    minutes_attended = Integer(null=False, default=0)
    reason = Varchar(length=300, null=False, default="")
    version = Integer(null=False, default=1)
    current = Boolean(null=False, default=True)
    correction_reason = Varchar(length=500, null=False, default="")
    source = Varchar(length=10, null=False, default="register")
    recorded_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz(default=TimestamptzNow(), null=False)
    confirmed_at = Timestamptz(null=True, default=None)


class VerzuimRule(Table, tablename="taal_verzuim_rule"):
    """A regio's verzuim rule: `uren` (≥ hours ongeoorloofd in weeks) or `reeks` (lessons
    ongeoorloofd in a row). Without rows the defaults of verzuim.py apply."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=10, null=False)
    hours = Integer(null=False, default=0)
    weeks = Integer(null=False, default=0)
    lessons = Integer(null=False, default=0)
    active = Boolean(default=True, null=False)


class VerzuimSignal(Table, tablename="taal_verzuim_signal"):
    """A verzuim rule met for one enrolment, with the facts, the regievoerder's task and the
    follow-up. `unique_key` names the facts, so the same facts never raise a second signal."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    enrolment = ForeignKey(Enrolment, null=False, on_delete=OnDelete.restrict, index=True)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    gemeente = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    task = ForeignKey(PipTask, null=True, default=None, on_delete=OnDelete.set_null)
    rule_kind = Varchar(length=10, null=False)
    unique_key = Varchar(length=120, null=False, unique=True)
    facts = Text(default="")
    last_lesson_date = Date(null=False)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    follow_up = Varchar(length=30, null=True, default=None)
    follow_up_reason = Text(default="")
    follow_up_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    follow_up_at = Timestamptz(null=True, default=None)


class ProgressReport(Table, tablename="taal_progress_report"):
    """A voortgangsrapportage (or the eindrapportage) of one enrolment."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    enrolment = ForeignKey(Enrolment, null=False, on_delete=OnDelete.restrict, index=True)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=10, null=False, default="voortgang")
    period_end = Date(null=False)
    level_lezen = Varchar(length=2, null=False)
    level_luisteren = Varchar(length=2, null=False)
    level_spreken = Varchar(length=2, null=False)
    level_schrijven = Varchar(length=2, null=False)
    level_knm = Varchar(length=2, null=False)
    minutes_offered = Integer(null=False, default=0)
    minutes_attended = Integer(null=False, default=0)
    advice = Varchar(length=20, null=False)
    # Exam result per part: "" (not taken), "gehaald" or "niet_gehaald"; `exam_results`
    # holds the explanation (dates, scores).
    exam_lezen = Varchar(length=20, null=False, default="")
    exam_luisteren = Varchar(length=20, null=False, default="")
    exam_spreken = Varchar(length=20, null=False, default="")
    exam_schrijven = Varchar(length=20, null=False, default="")
    exam_knm = Varchar(length=20, null=False, default="")
    exam_results = Text(default="")
    remarks = Text(default="")
    author = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


def _own_school(table: type[Table]) -> Rule:
    """The rows of the actor's own taalaanbieder (and the system's)."""

    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.TAALAANBIEDER:
            return table.organisation == scope.organisation_id  # type: ignore[attr-defined]
        return scope.role is Role.SYSTEM

    return rule


def _school_or_gemeente(table: type[Table], *, write: bool = False) -> Rule:
    """The school's own rows about the people it still works for (read: open work, or work
    that ended within the regio's "inzage na einde werk"; write: open work only; never a
    closed case), or the rows about the gemeente's own inburgeraars."""
    cases = cases_with_open_work if write else cases_in_reach

    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.TAALAANBIEDER:
            return (table.organisation == scope.organisation_id) & (  # type: ignore[attr-defined]
                table.inburgeraar.is_in(cases(scope))  # type: ignore[attr-defined]
            )
        if scope.role is Role.REGIEVOERDER:
            return table.inburgeraar.gemeente == scope.organisation_id  # type: ignore[attr-defined]
        return scope.role is Role.SYSTEM

    return rule


def _signal_writable(scope: Scope) -> Visibility:
    # The system raises signals; the regievoerder records the follow-up.
    if scope.role is Role.REGIEVOERDER:
        return VerzuimSignal.gemeente == scope.organisation_id
    return scope.role is Role.SYSTEM


for _table in (Group, RoosterSlot, Holiday, Lesson):
    register_policy(_table, read=_own_school(_table), write=_own_school(_table))
# A school's own records of a learner carry the learner's name; the gemeente reading the
# attendance sees when each lesson was. Any other column of a joined table is read under
# that table's own rule (tenants/scoped.py).
_LEARNER_NAME = (Inburgeraar.given_names, Inburgeraar.family_name)
register_policy(
    Enrolment,
    read=_school_or_gemeente(Enrolment),
    write=_school_or_gemeente(Enrolment, write=True),
    through={Enrolment.inburgeraar: (*_LEARNER_NAME, Inburgeraar.gemeente)},
)
register_policy(
    Attendance,
    read=_school_or_gemeente(Attendance),
    write=_own_school(Attendance),
    through={
        Attendance.lesson: (Lesson.lesson_date, Lesson.starts, Lesson.ends, Lesson.register_status)
    },
)
register_policy(
    ProgressReport,
    read=_school_or_gemeente(ProgressReport),
    write=_own_school(ProgressReport),
    through={ProgressReport.inburgeraar: _LEARNER_NAME},
)
register_policy(VerzuimSignal, read=_school_or_gemeente(VerzuimSignal), write=_signal_writable)
# Every member of the regio may know its verzuim rules; the beheerder sets them.
register_policy(
    VerzuimRule,
    read=lambda scope: True,
    write=lambda scope: scope.role in (Role.BEHEERDER, Role.SYSTEM),
)


# Every table of this package, for its Piccolo app (parents before children).
TABLES: list[type[Table]] = [
    Group,
    RoosterSlot,
    Holiday,
    Lesson,
    Enrolment,
    Attendance,
    VerzuimRule,
    VerzuimSignal,
    ProgressReport,
]
