"""Tables of the warme overdracht: the koppeling with its household and informatieprofiel,
the question-and-answer thread between COA and the gemeente, and the attached documents.

Need-to-know (DOMAIN.md §7): COA sees only the overdrachten of its own location; it writes
until the gemeente accepts, then reads until the housing date, then sees nothing. The gemeente
sees what was handed to it once COA submits (never a concept). The regiocoördinator reads the
overdracht rows only to count them (the service selects no personal columns); the people of
a household are never visible to the coordinator.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from portal.casefile.tables import Inburgeraar
from portal.core import clock
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import Visibility, register_policy
from tenants.tables import Organisation, Person, Regio


class Overdracht(Table, tablename="coa_overdracht"):
    """One koppeling of a household to a gemeente, and its warme overdracht."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    coa_organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    gemeente = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    # concept → ingediend → geaccepteerd, or teruggestuurd (questions) → ingediend again.
    status = Varchar(length=20, null=False, default="concept", index=True)
    azc_location = Varchar(length=200, null=False, default="")
    koppeling_date = Date(null=False)
    housing_date = Date(null=True, default=None)
    # Informatieprofiel at household level.
    country_of_origin = Varchar(length=100, null=False, default="")
    nareizigers_expected = Text(default="")
    childcare_needed = Boolean(default=False, null=False)
    # Only a flag: medical details reach the gemeente through the GGD route, with consent.
    medical_info_via_ggd = Boolean(default=False, null=False)
    practical_needs = Text(default="")
    notes = Text(default="")
    # The warme overdracht: scenario, the planned talk and its outcome.
    scenario = Varchar(length=30, null=True, default=None)
    talk_date = Date(null=True, default=None)
    talk_time = Varchar(length=5, null=False, default="")
    talk_mode = Varchar(length=20, null=True, default=None)
    talk_place = Varchar(length=200, null=False, default="")
    talk_attendees = Varchar(length=200, null=False, default="")
    talk_held = Boolean(default=False, null=False)
    talk_outcome = Text(default="")
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    updated_at = Timestamptz(default=TimestamptzNow(), null=False)
    submitted_at = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    accepted_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)


class OverdrachtPerson(Table, tablename="coa_overdracht_person"):
    """A member of the household: each adult becomes a case of their own at acceptance."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    overdracht = ForeignKey(Overdracht, null=False, on_delete=OnDelete.cascade, index=True)
    household_role = Varchar(length=20, null=False)
    v_nummer = Varchar(length=10, null=False, default="")
    # Encrypted like the case file's BSN; the last three digits to recognise it by.
    bsn_cipher = Varchar(length=200, null=True, default=None)
    bsn_last3 = Varchar(length=3, null=True, default=None)
    given_names = Varchar(length=200, null=False)
    family_name = Varchar(length=200, null=False)
    birth_date = Date(null=False)
    nationality = Varchar(length=100, null=False, default="")
    languages = Varchar(length=300, null=False, default="")
    interpreter_needed = Boolean(default=False, null=False)
    literacy = Varchar(length=3, null=True, default=None)
    education = Text(default="")
    work_experience = Text(default="")
    voorinburgering = Text(default="")
    voorinburgering_consent = Boolean(default=False, null=False)
    physical_limitations = Text(default="")
    phone = Varchar(length=40, null=False, default="")
    # Set at acceptance: the case this adult became (or was linked to).
    inburgeraar = ForeignKey(
        Inburgeraar, null=True, default=None, on_delete=OnDelete.set_null, index=True
    )
    # True when the regievoerder decided this adult is a case that already existed: only
    # that decision, never a matching number sent by COA, links an existing case.
    linked_existing = Boolean(default=False, null=False)


class OverdrachtMessage(Table, tablename="coa_overdracht_message"):
    """A question of the gemeente or an answer of COA; each keeps its author and time."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    overdracht = ForeignKey(Overdracht, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10, null=False)
    text = Text(default="")
    author = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    author_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.set_null
    )
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class OverdrachtDocument(Table, tablename="coa_overdracht_document"):
    """An attached file; the bytes live under the documents folder, never under static/."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    overdracht = ForeignKey(Overdracht, null=False, on_delete=OnDelete.cascade, index=True)
    filename = Varchar(length=200, null=False)
    content_type = Varchar(length=40, null=False)
    size = Integer(null=False)
    storage_key = Varchar(length=64, null=False, unique=True)
    sha256 = Varchar(length=64, null=False)
    uploaded_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


TABLES: list[type[Table]] = [Overdracht, OverdrachtPerson, OverdrachtMessage, OverdrachtDocument]

WRITABLE_BY_COA = ("concept", "ingediend", "teruggestuurd")
SEEN_BY_GEMEENTE = ("ingediend", "teruggestuurd", "geaccepteerd")


def _coa_reads(overdracht: type[Overdracht] | ForeignKey, scope: Scope) -> Visibility:
    # Until acceptance always; after it, until the housing date (an unknown date keeps it).
    return (overdracht.coa_organisation == scope.organisation_id) & (
        (overdracht.status != "geaccepteerd")
        | overdracht.housing_date.is_null()
        | (overdracht.housing_date >= clock.today())
    )


def _overdracht_rule(write: bool):
    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.COA:
            if write:
                return (Overdracht.coa_organisation == scope.organisation_id) & (
                    Overdracht.status.is_in(list(WRITABLE_BY_COA))
                )
            return _coa_reads(Overdracht, scope)
        if scope.role is Role.REGIEVOERDER:
            return (Overdracht.gemeente == scope.organisation_id) & (
                Overdracht.status.is_in(list(SEEN_BY_GEMEENTE))
            )
        if scope.role is Role.REGIOCOORDINATOR and not write:
            return Overdracht.status.is_in(list(SEEN_BY_GEMEENTE))
        return scope.role is Role.SYSTEM

    return rule


def _part_rule(table: type[Table], write: bool):
    """People, messages and documents follow their overdracht (never the coordinator)."""

    def rule(scope: Scope) -> Visibility:
        parent = table.overdracht  # type: ignore[attr-defined]
        if scope.role is Role.COA:
            if write:
                return (parent.coa_organisation == scope.organisation_id) & (
                    parent.status.is_in(list(WRITABLE_BY_COA))
                )
            return _coa_reads(parent, scope)
        if scope.role is Role.REGIEVOERDER:
            return (parent.gemeente == scope.organisation_id) & (
                parent.status.is_in(list(SEEN_BY_GEMEENTE))
            )
        return scope.role is Role.SYSTEM

    return rule


register_policy(Overdracht, read=_overdracht_rule(False), write=_overdracht_rule(True))
for _table in (OverdrachtPerson, OverdrachtMessage, OverdrachtDocument):
    register_policy(_table, read=_part_rule(_table, False), write=_part_rule(_table, True))
