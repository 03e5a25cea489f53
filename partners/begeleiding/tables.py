"""Tables of the begeleiding package, each with its visibility policy (see tenants/scoped.py).

A begeleiding and a PVT hang on the PIP task the gemeente gave to the partner organisation
(`PipTask` of kind "begeleiding" or "pvt"). Who sees them:
- the begeleider the task is named to (`PipTask.assigned_person`), acting for the
  organisation the task is assigned to, reads and writes them; a colleague does not see them;
- the regievoerder of the inburgeraar's gemeente reads them (progress on the case page);
- nobody else in the regio sees a row.
"""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.casefile.tables import Inburgeraar, PipTask, named_tasks
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import Visibility, register_policy
from tenants.tables import Person, Regio


class Begeleiding(Table, tablename="begeleiding"):
    """The maatschappelijke begeleiding of one inburgeraar: its checklist, contact moments
    and, at the end, the closing report to the regievoerder."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    task = ForeignKey(PipTask, null=False, unique=True, on_delete=OnDelete.restrict)
    # The task's inburgeraar, kept here so the gemeente's rule needs no join through tasks.
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    report = Text(default="")
    closed_at = Timestamptz(null=True, default=None)
    closed_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class ChecklistItem(Table, tablename="begeleiding_checklist_item"):
    """The state of one settling-in item (see checklist.py); a row exists once touched."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    begeleiding = ForeignKey(Begeleiding, null=False, on_delete=OnDelete.restrict, index=True)
    item = Varchar(length=30, null=False)
    status = Varchar(length=20, null=False, default="open")
    done_on = Date(null=True, default=None)
    notes = Text(default="")
    updated_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    updated_at = Timestamptz(default=TimestamptzNow(), null=False)


class ContactMoment(Table, tablename="begeleiding_contact"):
    """A contact between begeleider and inburgeraar (huisbezoek, spreekuur, telefoon, ...)."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    begeleiding = ForeignKey(Begeleiding, null=False, on_delete=OnDelete.restrict, index=True)
    held_on = Date(null=False)
    kind = Varchar(length=20, null=False)
    note = Text(default="")
    author = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class Pvt(Table, tablename="pvt"):
    """The participatieverklaringstraject of one inburgeraar: workshops, then the signing."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    task = ForeignKey(PipTask, null=False, unique=True, on_delete=OnDelete.restrict)
    inburgeraar = ForeignKey(Inburgeraar, null=False, on_delete=OnDelete.restrict, index=True)
    verklaring_on = Date(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    completed_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class PvtWorkshop(Table, tablename="pvt_workshop"):
    """One workshop of a PVT: planned on a date, then attended or missed."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    pvt = ForeignKey(Pvt, null=False, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=200, null=False)
    planned_on = Date(null=False)
    attendance = Varchar(length=20, null=False, default="gepland")
    updated_at = Timestamptz(default=TimestamptzNow(), null=False)


def _cases_of_gemeente(scope: Scope):
    return Inburgeraar.select(Inburgeraar.id).where(
        (Inburgeraar.tenant == scope.tenant_id) & (Inburgeraar.gemeente == scope.organisation_id)
    )


def _track_rule(table: type[Begeleiding] | type[Pvt], *, write: bool):
    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.BEGELEIDER:
            # As the task itself (portal/casefile/tables.py): written while the work is
            # open, read until the regio's "inzage na einde werk" has passed.
            return table.task.is_in(named_tasks(scope, write=write))
        if scope.role is Role.REGIEVOERDER and not write:
            return table.inburgeraar.is_in(_cases_of_gemeente(scope))
        return scope.role is Role.SYSTEM

    return rule


def _child_rule(column: ForeignKey, parent: type[Begeleiding] | type[Pvt], *, write: bool):
    parent_rule = _track_rule(parent, write=write)

    def rule(scope: Scope) -> Visibility:
        visible = parent_rule(scope)
        if isinstance(visible, bool):
            return visible
        return column.is_in(
            parent.select(parent.id).where((parent.tenant == scope.tenant_id) & visible)
        )

    return rule


for _table in (Begeleiding, Pvt):
    register_policy(
        _table, read=_track_rule(_table, write=False), write=_track_rule(_table, write=True)
    )
for _column, _parent in (
    (ChecklistItem.begeleiding, Begeleiding),
    (ContactMoment.begeleiding, Begeleiding),
    (PvtWorkshop.pvt, Pvt),
):
    register_policy(
        _column._meta.table,
        read=_child_rule(_column, _parent, write=False),
        write=_child_rule(_column, _parent, write=True),
    )

# Every table of this package, for its Piccolo app.
TABLES: list[type[Table]] = [Begeleiding, ChecklistItem, ContactMoment, Pvt, PvtWorkshop]
