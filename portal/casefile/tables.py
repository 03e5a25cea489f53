"""Tables of the case file: the inburgeraar, the PIP and its versions, the tasks that flow
from it with their progress thread, and the timeline of the case.

Visibility inside a regio is declared beside each table:
- a regievoerder sees the cases of their own gemeente, and everything on them;
- a partner (taalaanbieder, begeleider, participatie partner) opens a case only while it has
  open work on it: a task assigned to its organisation (for a begeleider: named to them)
  that is neither afgerond nor vervallen. Access follows the work: when the work ends, or
  moves to another organisation, the case closes for the partner. What the partner wrote
  (its own tasks and their threads, and whom they were about) stays readable, never
  writable, until the task's `partner_access_ends` (the day it ended plus the regio's
  "inzage na einde werk");
- COA sees the people it handed over until the housing date (partners/coa), and like any
  partner the cases it has work on;
- nobody but the gemeente sees a closed case (status afgerond);
- coordinators, beheerders and the privacy officer see no case rows at all.
"""

from __future__ import annotations

from collections.abc import Callable

from piccolo.columns import (
    Boolean,
    Column,
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

from portal.core import clock
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import Visibility, register_policy
from tenants.tables import Organisation, Person, Regio

PARTNER_ROLES = (Role.TAALAANBIEDER, Role.COA, Role.BEGELEIDER)
# Task statuses that still ask something of the organisation; the others end its work.
OPEN_TASK_STATUSES = ("open", "in_behandeling", "geblokkeerd")
# A case with this status is closed: no partner sees it any more.
CASE_CLOSED = "afgerond"
# Work at a participatie partner belongs to the organisation (nobody names a person to a
# MAP task); at a begeleidingsorganisatie it belongs to the begeleider it is named to.
ORGANISATION_WORK_KINDS = ("participatie",)


class Inburgeraar(Table, tablename="inburgeraar"):
    """A person with an inburgeringsplicht in one gemeente of the regio."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    gemeente = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    regievoerder = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    # The BSN is stored encrypted; `bsn_index` is a keyed hash for uniqueness and look-up,
    # and `bsn_last3` lets people recognise a record without the whole number.
    bsn_cipher = Varchar(length=200, null=False)
    bsn_index = Varchar(length=64, null=False, index=True)
    bsn_last3 = Varchar(length=3, null=False)
    v_nummer = Varchar(length=10, null=True, default=None, index=True)
    given_names = Varchar(length=200, null=False)
    family_name = Varchar(length=200, null=False, index=True)
    birth_date = Date(null=False)
    doelgroep = Varchar(length=30, null=False)
    nareiziger = Boolean(default=False, null=False)
    plicht_start = Date(null=True, default=None)
    brp_date = Date(null=True, default=None, index=True)
    languages = Varchar(length=300, null=False, default="")
    interpreter_needed = Boolean(default=False, null=False)
    phone = Varchar(length=40, null=True, default=None)
    email = Varchar(length=254, null=True, default=None)
    # Denormalised from the current vastgesteld PIP, for lists and partner views.
    leerroute = Varchar(length=1, null=True, default=None)
    pip_dagtekening = Date(null=True, default=None)
    status = Varchar(length=20, null=False, default="aangemeld", index=True)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    # Members of one household share the id of the household's first registered member.
    # The COA location that handed this person over (warme overdracht), the koppeling date,
    # and the housing date after which COA no longer sees the case (need-to-know).
    coa_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.set_null, index=True
    )
    koppeling_date = Date(null=True, default=None)
    housing_date = Date(null=True, default=None)
    household = Integer(null=True, default=None, index=True)
    household_role = Varchar(length=20, null=True, default=None)
    # The consent or legal ground that allows health data in the intake (AVG art. 9).
    health_basis = Varchar(length=20, null=True, default=None)
    health_basis_at = Timestamptz(null=True, default=None)


class IntakeEntry(Table, tablename="intake_entry"):
    """One save of one section of the brede intake; the newest per section is current."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    section = Varchar(length=40, null=False)
    # JSON text: never filtered on, so it works the same on SQLite and PostgreSQL.
    answers = Text(default="{}")
    author = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class Pip(Table, tablename="pip"):
    """One version of an inburgeraar's Plan Inburgering en Participatie."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    version = Integer(null=False, default=1)
    status = Varchar(length=20, null=False, default="concept")
    dagtekening = Date(null=True, default=None)
    leerroute = Varchar(length=1, null=True, default=None)
    niveau = Varchar(length=2, null=True, default=None)
    intensiteit_b1 = Integer(null=True, default=None)
    alfabetisering = Varchar(length=3, null=False, default="NVT")
    mag_opleiding_afmaken = Boolean(default=False, null=False)
    reasoning = Text(default="")
    knm = Boolean(default=True, null=False)
    map = Boolean(default=True, null=False)
    pvt = Boolean(default=True, null=False)
    ontzorgen_months = Integer(null=False, default=0)
    begeleiding = Boolean(default=True, null=False)
    extra_afspraken = Text(default="")
    taalaanbieder = ForeignKey(Organisation, null=True, default=None, on_delete=OnDelete.restrict)
    begeleider_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.restrict
    )
    participatie_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.restrict
    )
    change_summary = Text(default="")
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    vastgesteld_at = Timestamptz(null=True, default=None)


class PipTask(Table, tablename="pip_task"):
    """Work a PIP gives to one organisation of the regio."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    pip = ForeignKey(Pip, null=True, default=None, on_delete=OnDelete.restrict)
    assigned_organisation = ForeignKey(
        Organisation, null=False, on_delete=OnDelete.restrict, index=True
    )
    # The case's gemeente, copied from the case: the regievoerder's inbox filters on it with
    # an index instead of joining every case of the regio (see tests/bench).
    gemeente = ForeignKey(Organisation, null=True, default=None, on_delete=OnDelete.restrict)
    # The person of that organisation who does the work, once the organisation has named one
    # (a begeleider of VluchtelingenWerk sees only the tasks named to them).
    assigned_person = ForeignKey(
        Person, null=True, default=None, on_delete=OnDelete.set_null, index=True
    )
    # The template key ("taal.intake", "pvt", ...), or "handmatig" for one added by hand.
    kind = Varchar(length=40, null=False)
    title = Varchar(length=200, null=False)
    due_date = Date(null=True, default=None, index=True)
    status = Varchar(length=20, null=False, default="open", index=True)
    blocked_reason = Text(default="")
    progress = Integer(null=False, default=0)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    updated_at = Timestamptz(default=TimestamptzNow(), null=False)
    # Set when the work ends (afgerond, vervallen): the first day on which the organisation
    # no longer reads this task and its thread (the regio's "inzage na einde werk").
    partner_access_ends = Date(null=True, default=None)


class TaskUpdate(Table, tablename="task_update"):
    """One message in a task's progress thread."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    task = ForeignKey(PipTask, null=False, on_delete=OnDelete.restrict, index=True)
    author = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    author_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.restrict
    )
    text = Text(default="")
    progress = Integer(null=True, default=None)
    status_from = Varchar(length=20, null=True, default=None)
    status_to = Varchar(length=20, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class TimelineEvent(Table, tablename="timeline_event"):
    """What happened on a case. `organisation` names the partner that may also see it."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(Organisation, null=True, default=None, on_delete=OnDelete.restrict)
    kind = Varchar(length=40, null=False)
    summary = Varchar(length=300, null=False)
    actor = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    actor_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.restrict
    )
    created_at = Timestamptz(default=TimestamptzNow(), null=False, index=True)


class RegioTaskTemplate(Table, tablename="regio_task_template"):
    """A regio's change to one of the default task templates (see task_templates.py)."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=40, null=False)
    title = Varchar(length=200, null=True, default=None)
    due_after_days = Integer(null=True, default=None)
    enabled = Boolean(default=True, null=False)
    updated_at = Timestamptz(default=TimestamptzNow(), null=False)


class Taakstelling(Table, tablename="taakstelling"):
    """The housing target of a gemeente for one half year (the rijksoverheid's taakstelling
    for statushouders), as the regiocoordinator enters it. One row per gemeente, year and
    half (a unique index, migration 2026-12-02T03:00:01)."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    gemeente = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    year = Integer(null=False)
    # 1: January–June, 2: July–December (the reference dates 1 April and 1 October fall in them).
    half = Integer(null=False)
    target = Integer(null=False, default=0)
    updated_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    updated_at = Timestamptz(default=TimestamptzNow(), null=False)


def _own_work(scope: Scope) -> Visibility:
    """The tasks that are this actor's organisation's (for a begeleider: their own, or the
    organisation's nobody is named to yet), whatever their status."""
    mine: Visibility = PipTask.assigned_organisation == scope.organisation_id
    if scope.role is Role.BEGELEIDER:
        mine = mine & (
            (PipTask.assigned_person == scope.person_id) | PipTask.assigned_person.is_null()
        )
    return mine


def _works_on(scope: Scope) -> Visibility:
    """The tasks whose work is this actor's: their organisation's, and for a begeleider the
    ones named to them for the organisation they act for now (someone who works for two
    organisations does not carry one's cases into the other). A participatie partner's
    work is the organisation's: nobody names a person to it."""
    mine: Visibility = (PipTask.tenant == scope.tenant_id) & (
        PipTask.assigned_organisation == scope.organisation_id
    )
    if scope.role is Role.BEGELEIDER:
        mine = mine & (
            (PipTask.assigned_person == scope.person_id)
            | (
                PipTask.assigned_person.is_null()
                & PipTask.assigned_organisation.kind.is_in(list(ORGANISATION_WORK_KINDS))
            )
        )
    return mine


def _open_work(scope: Scope):
    """The cases on which the partner has open work: the only thing that opens a case."""
    return PipTask.select(PipTask.inburgeraar).where(
        _works_on(scope) & PipTask.status.is_in(list(OPEN_TASK_STATUSES))
    )


def cases_in_reach(scope: Scope):
    """The cases whose data a partner may still read: open work, or work that ended less than
    the regio's "inzage na einde werk" ago; never a closed case. For the partner packages'
    own tables."""
    return PipTask.select(PipTask.inburgeraar).where(
        _works_on(scope)
        & (
            PipTask.status.is_in(list(OPEN_TASK_STATUSES))
            | (PipTask.partner_access_ends > clock.today())
        )
        & PipTask.inburgeraar.is_in(open_cases(scope))
    )


def cases_with_open_work(scope: Scope):
    """The cases on which the partner has open work, for the partner packages' write rules."""
    return _open_work(scope)


def named_tasks(scope: Scope, *, write: bool):
    """The tasks named to this person for the organisation they act for now, on a case that
    is not closed: open ones (write), or also those whose work ended within the regio's
    "inzage na einde werk" (read). For tables that hang under one task (begeleiding, PVT)."""
    live = PipTask.status.is_in(list(OPEN_TASK_STATUSES))
    if not write:
        live = live | (PipTask.partner_access_ends > clock.today())
    return PipTask.select(PipTask.id).where(
        (PipTask.tenant == scope.tenant_id)
        & (PipTask.assigned_person == scope.person_id)
        & (PipTask.assigned_organisation == scope.organisation_id)
        & live
        & PipTask.inburgeraar.is_in(open_cases(scope))
    )


def handed_over_by(scope: Scope) -> Visibility:
    """The people this COA location handed over, while it may still see them."""
    # COA keeps a read-only view of the people it handed over until the housing date, then
    # none (DOMAIN.md, need-to-know). An unknown housing date keeps the view.
    return (Inburgeraar.coa_organisation == scope.organisation_id) & (
        Inburgeraar.housing_date.is_null() | (Inburgeraar.housing_date >= clock.today())
    )


def _inburgeraar_visible(scope: Scope) -> Visibility:
    if scope.role is Role.REGIEVOERDER:
        return Inburgeraar.gemeente == scope.organisation_id
    if scope.role is Role.COA:
        # The people it handed over, and like any partner the cases it has work on.
        return (handed_over_by(scope) & (Inburgeraar.status != CASE_CLOSED)) | Inburgeraar.id.is_in(
            cases_in_reach(scope)
        )
    if scope.role in PARTNER_ROLES:
        # Open work opens the case; in the read-only period after the work ended the partner
        # still reads whom its own work was about (the case page itself needs open work:
        # inburgeraars.get_case).
        return Inburgeraar.id.is_in(cases_in_reach(scope))
    return scope.role is Role.SYSTEM


def _inburgeraar_writable(scope: Scope) -> Visibility:
    if scope.role is Role.REGIEVOERDER:
        return Inburgeraar.gemeente == scope.organisation_id
    return scope.role is Role.SYSTEM


def _gemeente_only(table: type[Table]):
    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.REGIEVOERDER:
            return table.inburgeraar.gemeente == scope.organisation_id  # type: ignore[attr-defined]
        return scope.role is Role.SYSTEM

    return rule


def _task_visible(scope: Scope) -> Visibility:
    if scope.role is Role.REGIEVOERDER:
        return PipTask.gemeente == scope.organisation_id
    if scope.role in PARTNER_ROLES:
        # Open work, or work that ended within the regio's "inzage na einde werk"; never on a
        # closed case. A colleague's named task stays out of sight (see _own_work).
        return (
            _own_work(scope)
            & (
                PipTask.status.is_in(list(OPEN_TASK_STATUSES))
                | (PipTask.partner_access_ends > clock.today())
            )
            & PipTask.inburgeraar.is_in(open_cases(scope))
        )
    return scope.role is Role.SYSTEM


def _task_writable(scope: Scope) -> Visibility:
    if scope.role is Role.REGIEVOERDER:
        return PipTask.gemeente == scope.organisation_id
    if scope.role in PARTNER_ROLES:
        # Partners write their own open tasks (status and progress; the service limits the
        # fields): ended work is read-only.
        return (
            _own_work(scope)
            & PipTask.status.is_in(list(OPEN_TASK_STATUSES))
            & PipTask.inburgeraar.is_in(open_cases(scope))
        )
    return scope.role is Role.SYSTEM


def open_cases(scope: Scope):
    """The cases of the regio that are not closed."""
    return Inburgeraar.select(Inburgeraar.id).where(
        (Inburgeraar.tenant == scope.tenant_id) & (Inburgeraar.status != CASE_CLOSED)
    )


def _update_rule(task_rule: Callable[[Scope], Visibility]) -> Callable[[Scope], Visibility]:
    """A thread message follows its task: readable or writable when the task is."""

    def rule(scope: Scope) -> Visibility:
        visible = task_rule(scope)
        if isinstance(visible, bool):
            return visible
        return TaskUpdate.task.is_in(
            PipTask.select(PipTask.id).where((PipTask.tenant == scope.tenant_id) & visible)
        )

    return rule


def _timeline_visible(scope: Scope) -> Visibility:
    if scope.role is Role.REGIEVOERDER:
        return TimelineEvent.inburgeraar.gemeente == scope.organisation_id
    if scope.role in PARTNER_ROLES:
        # The organisation's own events, on the cases that are open to it now.
        return (TimelineEvent.organisation == scope.organisation_id) & (
            TimelineEvent.inburgeraar.is_in(_cases_open_to(scope))
        )
    return scope.role is Role.SYSTEM


def _cases_open_to(scope: Scope):
    if scope.role is Role.COA:
        return Inburgeraar.select(Inburgeraar.id).where(
            (Inburgeraar.tenant == scope.tenant_id)
            & (
                (handed_over_by(scope) & (Inburgeraar.status != CASE_CLOSED))
                | Inburgeraar.id.is_in(_open_work(scope))
            )
        )
    return _open_work(scope)


# What a partner may read of a person (DOMAIN.md, need-to-know): name, leerroute, contact,
# languages and whom to call at the gemeente. Never the BSN, birth date, household, health
# ground or dates of the plicht. The gemeente (and the system) read every column.
PARTNER_VIEW = (
    Inburgeraar.id,
    Inburgeraar.given_names,
    Inburgeraar.family_name,
    Inburgeraar.leerroute,
    Inburgeraar.phone,
    Inburgeraar.email,
    Inburgeraar.languages,
    Inburgeraar.interpreter_needed,
    Inburgeraar.gemeente,
    Inburgeraar.regievoerder,
)


def _inburgeraar_columns(scope: Scope) -> tuple[Column, ...] | None:
    if scope.role in (Role.REGIEVOERDER, Role.SYSTEM):
        return None
    return PARTNER_VIEW


register_policy(
    Inburgeraar,
    read=_inburgeraar_visible,
    write=_inburgeraar_writable,
    columns=_inburgeraar_columns,
)
# Every member of the regio may know the regio's task plan; its beheerder changes it.
register_policy(
    RegioTaskTemplate,
    read=lambda scope: True,
    write=lambda scope: scope.role in (Role.BEHEERDER, Role.SYSTEM),
)
register_policy(Pip, read=_gemeente_only(Pip), write=_gemeente_only(Pip))
register_policy(IntakeEntry, read=_gemeente_only(IntakeEntry), write=_gemeente_only(IntakeEntry))


# Partners write their own open tasks (status and progress; the service limits the fields).
# A write may leave a task ended (afgerond), and a begeleider may name a colleague of the
# same organisation to it: the task then leaves what the partner may write, but never the
# organisation.
def _task_result(scope: Scope) -> Visibility:
    if scope.role in PARTNER_ROLES:
        return PipTask.assigned_organisation == scope.organisation_id
    return _task_writable(scope)


# The privacy officer reads which kind each task is, to name it in a log line, and nothing
# else of it: no case content.
PRIVACY_TASK_VIEW = (PipTask.id, PipTask.kind)


def _task_readable(scope: Scope) -> Visibility:
    return True if scope.role is Role.PRIVACY else _task_visible(scope)


def _task_columns(scope: Scope) -> tuple[Column, ...] | None:
    return PRIVACY_TASK_VIEW if scope.role is Role.PRIVACY else None


register_policy(
    PipTask,
    read=_task_readable,
    write=_task_writable,
    columns=_task_columns,
    result=_task_result,
    # Whoever sees a task may know whose it is (a begeleider picks up an unnamed task by it).
    through={
        PipTask.inburgeraar: (
            Inburgeraar.id,
            Inburgeraar.given_names,
            Inburgeraar.family_name,
            Inburgeraar.leerroute,
            Inburgeraar.gemeente,
        )
    },
)
register_policy(TaskUpdate, read=_update_rule(_task_visible), write=_update_rule(_task_writable))
register_policy(TimelineEvent, read=_timeline_visible, write=_timeline_visible)
# The taakstelling is the regio's own figure: its coordinator enters it; a job reads it.
register_policy(
    Taakstelling,
    read=lambda scope: scope.role in (Role.REGIOCOORDINATOR, Role.SYSTEM),
    write=lambda scope: scope.role in (Role.REGIOCOORDINATOR, Role.SYSTEM),
)
