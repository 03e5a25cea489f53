"""Tables of the convenant: versions, parties, terms, acceptances, term threads, declarations.

Who sees what (by policy, beside each table):
- The regio office drafts: a regiocoördinator of the convenant's own regio organisation
  (`Convenant.regio_organisation`) reads and writes everything of it.
- A party sees a convenant once it has been sent for signing (`first_sent_at`), and only
  when it is a party: a person of the party's organisation in the role that signs for that
  kind of organisation (`ConvenantParty.signing_role`, see `parties.SIGNING_ROLES`). It reads
  the versions, terms, parties, acceptances and threads of that convenant; it writes only
  its own acceptance, its own comments and its own declarations.
- Declarations are seen by the declaring organisation and the regio office, never by
  another party.
- Nobody else in the regio (beheerder, privacy officer, an organisation that is no party)
  sees a row; another regio never does (the tenant filter).
"""

from __future__ import annotations

from piccolo.columns import (
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.query import Select
from piccolo.table import Table

from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import Visibility, register_policy
from tenants.tables import Organisation, Person, Regio


class Convenant(Table, tablename="convenant"):
    """One convenant of a regio: its current version number and where it is in its workflow.
    concept → ter_ondertekening → actief → verlopen; a return sends it back to concept."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    regio_organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict)
    title = Varchar(length=200, null=False)
    period_start = Date(null=False)
    period_end = Date(null=False)
    status = Varchar(length=20, null=False, default="concept", index=True)
    # The version being drafted or signed; `active_version` the last one all parties accepted
    # (it stays in force while a change is negotiated).
    version = Integer(null=False, default=1)
    active_version = Integer(null=True, default=None)
    first_sent_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    updated_at = Timestamptz(default=TimestamptzNow(), null=False)


class ConvenantVersion(Table, tablename="convenant_version"):
    """One version of the terms; sent and accepted as a whole."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    convenant = ForeignKey(Convenant, null=False, on_delete=OnDelete.cascade, index=True)
    number = Integer(null=False)
    change_note = Text(default="")
    created_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), null=False)
    sent_at = Timestamptz(null=True, default=None)
    sent_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    accepted_at = Timestamptz(null=True, default=None)


class ConvenantParty(Table, tablename="convenant_party"):
    """An organisation that signs: the regio office, a gemeente, a partner."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    convenant = ForeignKey(Convenant, null=False, on_delete=OnDelete.cascade, index=True)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20, null=False)
    signing_role = Varchar(length=20, null=False)


class ConvenantTerm(Table, tablename="convenant_term"):
    """A term of one version. `line` is the term's number across versions (for the diff and
    its thread). Targets are exact: hundredths in an integer (85 % is 8500)."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    convenant = ForeignKey(Convenant, null=False, on_delete=OnDelete.cascade, index=True)
    version = ForeignKey(ConvenantVersion, null=False, on_delete=OnDelete.cascade, index=True)
    line = Integer(null=False)
    code = Varchar(length=60, null=False)
    # "kpi" (measured) or "verklaring" (declared by the partner with evidence).
    kind = Varchar(length=12, null=False, default="kpi")
    partner_kind = Varchar(length=20, null=False)
    comparison = Varchar(length=2, null=False)
    target_centi = Integer(null=False)
    tolerance_centi = Integer(null=False)
    period_kind = Varchar(length=10, null=False)
    # A timeliness term's window ("binnen 2 werkdagen"), for KPIs that have one; None keeps
    # the KPI's standard window. Where set, it is the regio's one number (agreed.py).
    window_workdays = Integer(null=True, default=None)


class ConvenantAcceptance(Table, tablename="convenant_acceptance"):
    """A party's answer to one sent version: akkoord, or teruggestuurd with comments."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    convenant = ForeignKey(Convenant, null=False, on_delete=OnDelete.cascade, index=True)
    version = ForeignKey(ConvenantVersion, null=False, on_delete=OnDelete.cascade)
    party = ForeignKey(ConvenantParty, null=False, on_delete=OnDelete.cascade)
    decision = Varchar(length=20, null=False)
    person = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(default=TimestamptzNow(), null=False)


class ConvenantComment(Table, tablename="convenant_comment"):
    """A message in the thread of one term line (a return's reason, or a reply)."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    convenant = ForeignKey(Convenant, null=False, on_delete=OnDelete.cascade, index=True)
    # The term row it was written on; the thread follows `line` across versions, so a
    # removed term row leaves its thread readable.
    term = ForeignKey(ConvenantTerm, null=True, default=None, on_delete=OnDelete.set_null)
    line = Integer(null=False)
    version_number = Integer(null=False)
    text = Text(default="")
    author = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    author_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.set_null
    )
    acceptance = ForeignKey(
        ConvenantAcceptance, null=True, default=None, on_delete=OnDelete.set_null
    )
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


class Declaration(Table, tablename="convenant_declaration"):
    """A partner's stated value of a declared term for one period, with its evidence file."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    convenant = ForeignKey(Convenant, null=False, on_delete=OnDelete.cascade, index=True)
    line = Integer(null=False)
    code = Varchar(length=60, null=False)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    period_key = Varchar(length=10, null=False)
    value_centi = Integer(null=False)
    note = Text(default="")
    filename = Varchar(length=200, null=False)
    content_type = Varchar(length=40, null=False)
    size = Integer(null=False)
    storage_key = Varchar(length=64, null=False, unique=True)
    sha256 = Varchar(length=64, null=False)
    submitted_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    submitted_at = Timestamptz(default=TimestamptzNow(), null=False)
    checked_by = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    checked_at = Timestamptz(null=True, default=None)


class KpiValue(Table, tablename="convenant_kpi_value"):
    """The stored value of a measured KPI for one organisation and one closed period: taken
    once when the period closes and never changed (unique per code, organisation, period)."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=60, null=False)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    period_kind = Varchar(length=10, null=False)
    period_key = Varchar(length=10, null=False)
    numerator = DoublePrecision(null=False, default=0)
    denominator = DoublePrecision(null=False, default=0)
    computed_at = Timestamptz(default=TimestamptzNow(), null=False)


class KpiCorrection(Table, tablename="convenant_kpi_correction"):
    """A later recomputation of a closed period that differs from what was known: shown on
    the next period with its reason; the closed period's `KpiValue` stays as it was."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=60, null=False)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    period_kind = Varchar(length=10, null=False)
    # The closed period the correction is about (it shows on the one after it).
    period_key = Varchar(length=10, null=False)
    numerator = DoublePrecision(null=False, default=0)
    denominator = DoublePrecision(null=False, default=0)
    previous_numerator = DoublePrecision(null=False, default=0)
    previous_denominator = DoublePrecision(null=False, default=0)
    reason = Text(default="")
    computed_at = Timestamptz(default=TimestamptzNow(), null=False)


class ScoreQuestion(Table, tablename="convenant_score_question"):
    """A message in the thread about one record behind a value: the coordinator asks about a
    pseudonymised row, the partner answers. Keyed by term line, organisation, period and the
    record's id within its KPI (`record_id`), so a thread follows the row across visits."""

    tenant = ForeignKey(Regio, null=False, on_delete=OnDelete.restrict, index=True)
    convenant = ForeignKey(Convenant, null=False, on_delete=OnDelete.cascade, index=True)
    line = Integer(null=False)
    code = Varchar(length=60, null=False)
    organisation = ForeignKey(Organisation, null=False, on_delete=OnDelete.restrict, index=True)
    period_key = Varchar(length=10, null=False)
    record_id = Integer(null=False)
    # The pseudonym the coordinator saw, so both sides name the same row.
    pseudonym = Varchar(length=20, null=False, default="")
    text = Text(default="")
    author = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.set_null)
    author_organisation = ForeignKey(
        Organisation, null=True, default=None, on_delete=OnDelete.set_null
    )
    created_at = Timestamptz(default=TimestamptzNow(), null=False)


TABLES: list[type[Table]] = [
    Convenant,
    ConvenantVersion,
    ConvenantParty,
    ConvenantTerm,
    ConvenantAcceptance,
    ConvenantComment,
    Declaration,
    KpiValue,
    KpiCorrection,
    ScoreQuestion,
]

PARTY_ROLES = (Role.REGIEVOERDER, Role.TAALAANBIEDER, Role.BEGELEIDER, Role.COA)


def _own_regio_office(scope: Scope) -> Select:
    """Ids of the convenants the coordinator's own regio organisation drafted."""
    return Convenant.select(Convenant.id).where(
        (Convenant.tenant == scope.tenant_id)
        & (Convenant.regio_organisation == scope.organisation_id)
    )


def _party_of(scope: Scope) -> Select:
    """Ids of the sent convenants the actor's organisation signs, in the actor's role."""
    parties = ConvenantParty.select(ConvenantParty.convenant).where(
        (ConvenantParty.tenant == scope.tenant_id)
        & (ConvenantParty.organisation == scope.organisation_id)
        & (ConvenantParty.signing_role == scope.role.value)
    )
    return Convenant.select(Convenant.id).where(
        (Convenant.tenant == scope.tenant_id)
        & Convenant.first_sent_at.is_not_null()
        & Convenant.id.is_in(parties)
    )


def _convenant_rule(write: bool):
    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.REGIOCOORDINATOR:
            return Convenant.regio_organisation == scope.organisation_id
        if scope.role in PARTY_ROLES and not write:
            return Convenant.id.is_in(_party_of(scope))
        return scope.role is Role.SYSTEM

    return rule


def _coordinator_parts(table: type[Table]):
    """Versions, parties and terms: the coordinator writes, parties read."""

    def read(scope: Scope) -> Visibility:
        convenant = table.convenant  # type: ignore[attr-defined]
        if scope.role is Role.REGIOCOORDINATOR:
            return convenant.is_in(_own_regio_office(scope))
        if scope.role in PARTY_ROLES:
            return convenant.is_in(_party_of(scope))
        return scope.role is Role.SYSTEM

    def write(scope: Scope) -> Visibility:
        convenant = table.convenant  # type: ignore[attr-defined]
        if scope.role is Role.REGIOCOORDINATOR:
            return convenant.is_in(_own_regio_office(scope))
        return scope.role is Role.SYSTEM

    return read, write


def own_party_ids(scope: Scope) -> Select:
    """Ids of the party rows the actor signs for (a sub-select for TenantData queries)."""
    return ConvenantParty.select(ConvenantParty.id).where(
        (ConvenantParty.tenant == scope.tenant_id)
        & (ConvenantParty.organisation == scope.organisation_id)
        & (ConvenantParty.signing_role == scope.role.value)
    )


def _acceptance_read(scope: Scope) -> Visibility:
    read, _ = _coordinator_parts(ConvenantAcceptance)
    return read(scope)


def _acceptance_write(scope: Scope) -> Visibility:
    """Only a party answers, for itself; the coordinator's own party signs by sending."""
    if scope.role in PARTY_ROLES:
        return ConvenantAcceptance.party.is_in(own_party_ids(scope)) & (
            ConvenantAcceptance.convenant.is_in(_party_of(scope))
        )
    if scope.role is Role.REGIOCOORDINATOR:
        return ConvenantAcceptance.party.is_in(own_party_ids(scope)) & (
            ConvenantAcceptance.convenant.is_in(_own_regio_office(scope))
        )
    return scope.role is Role.SYSTEM


def _comment_write(scope: Scope) -> Visibility:
    """Anyone who reads the convenant writes in its threads, as themselves."""
    read, _ = _coordinator_parts(ConvenantComment)
    visible = read(scope)
    if visible is True or visible is False:
        return visible
    return (
        visible
        & (ConvenantComment.author == scope.person_id)
        & (ConvenantComment.author_organisation == scope.organisation_id)
    )


def _declaration_rule(write: bool):
    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.REGIOCOORDINATOR:
            return Declaration.convenant.is_in(_own_regio_office(scope))
        if scope.role in PARTY_ROLES:
            return (Declaration.organisation == scope.organisation_id) & (
                Declaration.convenant.is_in(_party_of(scope))
            )
        return scope.role is Role.SYSTEM

    return rule


register_policy(Convenant, read=_convenant_rule(False), write=_convenant_rule(True))
for _table in (ConvenantVersion, ConvenantParty, ConvenantTerm):
    _read, _write = _coordinator_parts(_table)
    register_policy(_table, read=_read, write=_write)
register_policy(ConvenantAcceptance, read=_acceptance_read, write=_acceptance_write)
_comment_read, _ = _coordinator_parts(ConvenantComment)
register_policy(ConvenantComment, read=_comment_read, write=_comment_write)
register_policy(Declaration, read=_declaration_rule(False), write=_declaration_rule(True))


def _own_values(table: type[Table]):
    """Snapshots and corrections: only the job writes; a partner reads its own; the monitor
    reads across the regio through an audited system view."""

    def read(scope: Scope) -> Visibility:
        organisation = table.organisation  # type: ignore[attr-defined]
        if scope.role in PARTY_ROLES:
            return organisation == scope.organisation_id
        return scope.role is Role.SYSTEM

    def write(scope: Scope) -> Visibility:
        return scope.role is Role.SYSTEM

    return read, write


for _table in (KpiValue, KpiCorrection):
    _read, _write = _own_values(_table)
    register_policy(_table, read=_read, write=_write)


def _question_rule(write: bool):
    def rule(scope: Scope) -> Visibility:
        if scope.role is Role.REGIOCOORDINATOR:
            visible = ScoreQuestion.convenant.is_in(_own_regio_office(scope))
        elif scope.role in PARTY_ROLES:
            visible = (ScoreQuestion.organisation == scope.organisation_id) & (
                ScoreQuestion.convenant.is_in(_party_of(scope))
            )
        else:
            return scope.role is Role.SYSTEM
        if write:
            return (
                visible
                & (ScoreQuestion.author == scope.person_id)
                & (ScoreQuestion.author_organisation == scope.organisation_id)
            )
        return visible

    return rule


register_policy(ScoreQuestion, read=_question_rule(False), write=_question_rule(True))
