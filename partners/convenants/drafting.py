"""The coordinator's side of a convenant: drafting the concept, sending it for signing, and
starting a change, which makes a new version.

Only a regiocoördinator of an organisation of kind regio drafts (`require_regio_office`),
and only for that organisation (the policy in `tables.py`). Terms can change only while the
convenant is a concept: once sent they are frozen until a party returns it or the
coordinator starts a change, and every change after sending goes into a new version that
starts as a copy of the last one, so each version keeps its own terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from partners.convenants.tables import (
    Convenant,
    ConvenantAcceptance,
    ConvenantParty,
    ConvenantTerm,
    ConvenantVersion,
)
from partners.convenants.terms import TermInput, TermValues, check_terms
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker, ValidationFailed, clean_text
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tenants.tables import Organisation

# Which role signs for which kind of organisation. A gemeente signs through its
# regievoerders: they are the gemeente's people in the portal whose work the terms are about
# (the demo and most regio's have no beheerder at a gemeente); the regio office signs by
# sending, through its regiocoördinator.
SIGNING_ROLES: dict[OrganisationKind, Role] = {
    OrganisationKind.REGIO: Role.REGIOCOORDINATOR,
    OrganisationKind.GEMEENTE: Role.REGIEVOERDER,
    OrganisationKind.TAALAANBIEDER: Role.TAALAANBIEDER,
    OrganisationKind.BEGELEIDING: Role.BEGELEIDER,
    OrganisationKind.PARTICIPATIE: Role.BEGELEIDER,
    OrganisationKind.COA: Role.COA,
}
FROZEN = (
    "De afspraken liggen ter ondertekening en kunnen nu niet veranderen. Kies 'Wijziging "
    "starten' om een nieuwe versie te maken."
)
MAX_TERMS = 30


@dataclass(frozen=True)
class ConvenantInput:
    """The concept form as typed: organisation ids and term rows are checked here."""

    title: str
    period_start: str
    period_end: str
    parties: tuple[str, ...]
    terms: tuple[TermInput, ...]


@dataclass(frozen=True)
class _Checked:
    title: str
    period_start: date
    period_end: date
    party_ids: list[int]
    terms: list[TermValues]


async def require_regio_office(scope: Scope) -> None:
    """Only a regiocoördinator acting for the regio office drafts and changes convenants."""
    if scope.role is not Role.REGIOCOORDINATOR or scope.organisation_id is None:
        raise NotFound("convenant")
    row = await TenantData(scope).get(Organisation, scope.organisation_id, Organisation.kind)
    if row["kind"] != OrganisationKind.REGIO:
        raise NotFound("convenant")


async def party_options(scope: Scope) -> list[dict[str, Any]]:
    """The regio's active organisations that can sign, but the regio office itself (it is
    always a party)."""
    rows = await (
        TenantData(scope)
        .select(Organisation, Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.active.eq(True))
        .order_by(Organisation.kind)
        .order_by(Organisation.name)
    )
    return [
        row
        for row in rows
        if row["id"] != scope.organisation_id
        and row["kind"] in SIGNING_ROLES
        and row["kind"] != OrganisationKind.REGIO
    ]


def _date(checker: Checker, field: str, raw: str, label: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        checker.fail(field, f"Vul {label} in als datum, zoals 2026-01-01.")
        return None


async def _check(scope: Scope, form: ConvenantInput, terms: list[TermValues] | None) -> _Checked:
    checker = Checker()
    title = clean_text(form.title, 200)
    checker.require("title", title, "de titel")
    start = _date(checker, "period_start", form.period_start, "de begindatum")
    end = _date(checker, "period_end", form.period_end, "de einddatum")
    if start and end and end < start:
        checker.fail("period_end", "De einddatum ligt voor de begindatum.")
    allowed = {row["id"] for row in await party_options(scope)}
    party_ids: list[int] = []
    for raw in form.parties:
        if not raw.isdigit() or int(raw) not in allowed:
            # An id typed into the form that is no organisation of this regio that can sign.
            checker.fail("parties", "Kies de partijen uit de lijst.")
            break
        party_ids.append(int(raw))
    if len(form.terms) > MAX_TERMS:
        checker.fail("terms", f"Een convenant heeft maximaal {MAX_TERMS} afspraken.")
    checked_terms = terms if terms is not None else check_terms(list(form.terms), checker)
    checker.done()
    assert start is not None and end is not None
    return _Checked(title, start, end, sorted(set(party_ids)), checked_terms)


async def create(
    scope: Scope, form: ConvenantInput, *, terms: list[TermValues] | None = None
) -> int:
    """A new concept (version 1) of the actor's regio office, with its parties and terms.
    `terms` replaces the form's rows when given already checked (the demo's seeding, which
    may name codes the catalogue does not hold yet: codes are stored as text)."""
    await require_regio_office(scope)
    checked = await _check(scope, form, terms)
    data = TenantData(scope)
    async with write_transaction():
        convenant_id = await data.insert(
            Convenant,
            regio_organisation=scope.organisation_id,
            title=checked.title,
            period_start=checked.period_start,
            period_end=checked.period_end,
            created_by=scope.person_id,
        )
        version_id = await data.insert(
            ConvenantVersion, convenant=convenant_id, number=1, created_by=scope.person_id
        )
        await _set_parties(data, convenant_id, [scope.organisation_id or 0, *checked.party_ids])
        await _set_terms(data, convenant_id, version_id, checked.terms)
        await audit.record(scope, audit.AuditEvent("create", "convenant", convenant_id))
    return convenant_id


async def current_version(data: TenantData, convenant_id: int, number: int) -> dict[str, Any]:
    row = await (
        data.select(ConvenantVersion)
        .where(ConvenantVersion.convenant == convenant_id)
        .where(ConvenantVersion.number == number)
        .first()
    )
    if row is None:
        raise NotFound("convenant version")
    return row


async def save_concept(
    scope: Scope,
    convenant_id: int,
    form: ConvenantInput,
    *,
    terms: list[TermValues] | None = None,
) -> None:
    """Save the concept: title, period, parties and the current version's terms. Refused
    (in Dutch) once sent: the terms are frozen while they are being signed."""
    await require_regio_office(scope)
    data = TenantData(scope)
    convenant = await data.get_writable(Convenant, convenant_id)
    if convenant["status"] != "concept":
        raise ValidationFailed({"status": FROZEN})
    checked = await _check(scope, form, terms)
    version = await current_version(data, convenant_id, convenant["version"])
    async with write_transaction():
        await data.update(
            Convenant,
            convenant_id,
            title=checked.title,
            period_start=checked.period_start,
            period_end=checked.period_end,
            updated_at=datetime.now(UTC),
        )
        await _set_parties(data, convenant_id, [scope.organisation_id or 0, *checked.party_ids])
        await _set_terms(data, convenant_id, version["id"], checked.terms)
        await audit.record(scope, audit.AuditEvent("update", "convenant", convenant_id))


async def _set_parties(data: TenantData, convenant_id: int, organisation_ids: list[int]) -> None:
    """Make the parties exactly these organisations (an answer keeps its party row)."""
    existing = {
        row["organisation"]: row["id"]
        for row in await data.select(
            ConvenantParty, ConvenantParty.id, ConvenantParty.organisation
        ).where(ConvenantParty.convenant == convenant_id)
    }
    wanted = list(dict.fromkeys(organisation_ids))
    for organisation_id, party_id in existing.items():
        if organisation_id not in wanted:
            await data.delete(ConvenantParty, party_id)
    new = [o for o in wanted if o not in existing]
    if not new:
        return
    kinds = {
        row["id"]: row["kind"]
        for row in await data.select(Organisation, Organisation.id, Organisation.kind).where(
            Organisation.id.is_in(new)
        )
    }
    await data.insert_many(
        ConvenantParty,
        [
            {
                "convenant": convenant_id,
                "organisation": organisation_id,
                "kind": kinds[organisation_id],
                "signing_role": SIGNING_ROLES[OrganisationKind(kinds[organisation_id])].value,
            }
            for organisation_id in new
        ],
    )


async def _set_terms(
    data: TenantData, convenant_id: int, version_id: int, terms: list[TermValues]
) -> None:
    """Make the version's terms these, line by line: a term's line is its place in the list,
    which the diff and the threads follow across versions. Rows are changed in place, so a
    thread on a line keeps pointing at its term."""
    existing = {
        row["line"]: row["id"]
        for row in await data.select(ConvenantTerm, ConvenantTerm.id, ConvenantTerm.line).where(
            ConvenantTerm.version == version_id
        )
    }
    new_rows = []
    for line, term in enumerate(terms, start=1):
        values = {
            "code": term.code,
            "kind": term.kind,
            "partner_kind": term.partner_kind,
            "comparison": term.comparison,
            "target_centi": term.target_centi,
            "tolerance_centi": term.tolerance_centi,
            "period_kind": term.period_kind,
            "window_workdays": term.window_workdays,
        }
        if line in existing:
            await data.update(ConvenantTerm, existing.pop(line), **values)
        else:
            new_rows.append(
                {"convenant": convenant_id, "version": version_id, "line": line} | values
            )
    for term_id in existing.values():
        await data.delete(ConvenantTerm, term_id)
    await data.insert_many(ConvenantTerm, new_rows)


async def send(scope: Scope, convenant_id: int) -> None:
    """Send the concept for signing: its terms freeze, and the regio office signs by
    sending (its answer is recorded with the coordinator as the person)."""
    await require_regio_office(scope)
    data = TenantData(scope)
    convenant = await data.get_writable(Convenant, convenant_id)
    if convenant["status"] != "concept":
        raise ValidationFailed({"status": "Dit convenant is al verstuurd."})
    version = await current_version(data, convenant_id, convenant["version"])
    checker = Checker()
    if not await data.count(ConvenantTerm).where(ConvenantTerm.version == version["id"]):
        checker.fail("terms", "Voeg eerst minstens één afspraak toe.")
    parties = await data.select(
        ConvenantParty, ConvenantParty.id, ConvenantParty.organisation
    ).where(ConvenantParty.convenant == convenant_id)
    if len(parties) < 2:
        checker.fail("parties", "Kies eerst minstens één andere partij dan het regiobureau.")
    checker.done()
    now = datetime.now(UTC)
    own = next(p["id"] for p in parties if p["organisation"] == scope.organisation_id)
    async with write_transaction():
        await data.update(ConvenantVersion, version["id"], sent_at=now, sent_by=scope.person_id)
        await data.update(
            Convenant,
            convenant_id,
            status="ter_ondertekening",
            first_sent_at=convenant["first_sent_at"] or now,
            updated_at=now,
        )
        await data.insert(
            ConvenantAcceptance,
            convenant=convenant_id,
            version=version["id"],
            party=own,
            decision="akkoord",
            person=scope.person_id,
            decided_at=now,
        )
        await audit.record(scope, audit.AuditEvent("send", "convenant", convenant_id))


async def start_change(scope: Scope, convenant_id: int) -> None:
    """Start a change of a sent or active convenant: a new version, a copy of the last,
    back in concept. The last version all accepted stays in force meanwhile."""
    await require_regio_office(scope)
    data = TenantData(scope)
    convenant = await data.get_writable(Convenant, convenant_id)
    if convenant["status"] not in ("ter_ondertekening", "actief"):
        raise ValidationFailed({"status": "Dit convenant is al een concept: pas het aan."})
    async with write_transaction():
        await new_version(data, convenant, scope.person_id)
        await audit.record(scope, audit.AuditEvent("change", "convenant", convenant_id))


async def new_version(data: TenantData, convenant: dict[str, Any], person_id: int | None) -> int:
    """The next version as a copy of the current one's terms, and the convenant back in
    concept. Used by a change and by a party's return (with the regio's system view)."""
    version = await current_version(data, convenant["id"], convenant["version"])
    number = convenant["version"] + 1
    version_id = await data.insert(
        ConvenantVersion, convenant=convenant["id"], number=number, created_by=person_id
    )
    terms = await data.select(ConvenantTerm).where(ConvenantTerm.version == version["id"])
    await data.insert_many(
        ConvenantTerm,
        [
            {key: value for key, value in term.items() if key not in ("id", "tenant", "version")}
            | {"version": version_id}
            for term in terms
        ],
    )
    await data.update(
        Convenant,
        convenant["id"],
        status="concept",
        version=number,
        updated_at=datetime.now(UTC),
    )
    return version_id
