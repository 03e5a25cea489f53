"""People and memberships of a regio, as its beheerder manages them.

A person is global (one account, several regio's); a beheerder sees and manages only people
who hold a membership in their own regio, and changes a person's name or e-mail only while
that person works in no other regio. Anyone else is invited and joins only by accepting.
Nothing here ends a session outside the regio. Every read and write of a person's data is
audited under the regio, so its privacy officer sees what was done to its people.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.core import audit
from portal.core.database import write_transaction
from portal.core.pagination import Page, PageRequest
from portal.core.passwords import hash_password, password_problem
from portal.core.validation import Checker, clean_text
from tenants import accounts
from tenants.roles import MEMBERSHIP_ROLES, OrganisationKind, Role, role_fits
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tenants.tables import INVITATION_OPEN, Invitation, Membership, Organisation


@dataclass(frozen=True)
class PersonFilter:
    search: str = ""
    organisation_id: int | None = None
    role: str = ""
    include_inactive: bool = False


@dataclass(frozen=True)
class NewPerson:
    email: str
    full_name: str
    organisation_id: int | None
    role: str
    password: str = ""


@dataclass(frozen=True)
class PersonChange:
    email: str
    full_name: str


@dataclass(frozen=True)
class NewMembership:
    organisation_id: int | None
    role: str


def _require_admin(scope: Scope) -> None:
    if scope.role not in (Role.BEHEERDER, Role.SUPERADMIN, Role.SYSTEM):
        raise NotFound("people administration")


def _subject(person_id: int) -> str:
    return f"person:{person_id}"


MEMBERSHIP_COLUMNS = (
    Membership.id,
    Membership.role,
    Membership.active,
    Membership.person.id.as_alias("person_id"),
    Membership.organisation.id.as_alias("organisation_id"),
    Membership.organisation.name.as_alias("organisation_name"),
    Membership.organisation.kind.as_alias("organisation_kind"),
)


async def list_people(scope: Scope, filters: PersonFilter, page: PageRequest) -> Page:
    """People with a membership in the regio, by name, each with their memberships here."""
    _require_admin(scope)
    data = TenantData(scope)
    conditions = []
    if filters.search:
        term = f"%{filters.search}%"
        conditions.append(
            Membership.person.full_name.ilike(term) | Membership.person.email.ilike(term)
        )
    if filters.organisation_id:
        conditions.append(Membership.organisation == filters.organisation_id)
    if filters.role in MEMBERSHIP_ROLES:
        conditions.append(Membership.role == filters.role)
    if not filters.include_inactive:
        conditions.append(Membership.active.eq(True))
    people = data.select(
        Membership,
        Membership.person.id.as_alias("id"),
        Membership.person.full_name.as_alias("full_name"),
        Membership.person.email.as_alias("email"),
    ).distinct()
    count = data.count(Membership)
    for condition in conditions:
        people = people.where(condition)
        count = count.where(condition)
    rows = (
        await people.order_by(Membership.person.full_name)
        .order_by(Membership.person.id)
        .limit(page.size)
        .offset(page.offset)
    )
    total = await count.distinct([Membership.person])
    ids = [row["id"] for row in rows]
    memberships = (
        await data.select(Membership, *MEMBERSHIP_COLUMNS)
        .where(Membership.person.is_in(ids))
        .order_by(Membership.organisation.name)
        if ids
        else []
    )
    for row in rows:
        row["memberships"] = [m for m in memberships if m["person_id"] == row["id"]]
        row["active"] = any(m["active"] for m in row["memberships"])
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent(action="list", object_type="person"))
    return Page(rows=rows, total=total, number=page.number, size=page.size)


async def get_person(scope: Scope, person_id: int) -> dict:
    """A person of the regio with their memberships here; NotFound if they have none."""
    _require_admin(scope)
    data = TenantData(scope)
    memberships = (
        await data.select(Membership, *MEMBERSHIP_COLUMNS)
        .where(Membership.person == person_id)
        .order_by(Membership.organisation.name)
    )
    if not memberships:
        raise NotFound(f"person {person_id}")
    account = await accounts.account_by_id(person_id)
    if account is None:
        raise NotFound(f"person {person_id}")
    async with write_transaction():
        await audit.record(
            scope,
            audit.AuditEvent(
                action="read",
                object_type="person",
                object_id=person_id,
                subject_ref=_subject(person_id),
            ),
        )
    return {
        "id": account.id,
        "email": account.email,
        "full_name": account.full_name,
        "memberships": memberships,
        "active": any(m["active"] for m in memberships),
        "elsewhere": await accounts.memberships_outside(person_id, scope.tenant_id or 0) > 0,
    }


async def _check_membership(
    data: TenantData, check: Checker, person_id: int | None, organisation_id: int | None, role: str
) -> None:
    if role not in MEMBERSHIP_ROLES:
        check.fail("role", "Kies een rol.")
    if not organisation_id:
        check.fail("organisation_id", "Kies de organisatie waarvoor deze persoon werkt.")
        return
    try:
        organisation = await data.get(
            Organisation, organisation_id, Organisation.kind, Organisation.active
        )
    except NotFound:
        check.fail("organisation_id", "Deze organisatie bestaat niet in deze regio.")
        return
    if not organisation["active"]:
        check.fail("organisation_id", "Deze organisatie is gedeactiveerd.")
    elif role in MEMBERSHIP_ROLES and not role_fits(
        Role(role), OrganisationKind(organisation["kind"])
    ):
        check.fail(
            "role",
            f"De rol {Role(role).label} past niet bij een organisatie van het soort "
            f"{OrganisationKind(organisation['kind']).label}.",
        )
    if person_id is not None and role in MEMBERSHIP_ROLES:
        taken = await data.exists(Membership).where(
            (Membership.person == person_id)
            & (Membership.organisation == organisation_id)
            & (Membership.role == role)
        )
        if taken:
            check.fail("role", "Deze persoon heeft deze rol bij deze organisatie al.")


async def invite_person(scope: Scope, new: NewPerson) -> bool:
    """Offer someone a role in the regio by e-mail address; True when it was given at once.

    Someone who already works in this regio (the beheerder sees them in the list) gets the
    role at once. Anyone else gets an invitation that becomes a membership only when they
    accept it after logging in: no beheerder can pull a person of another regio into theirs.
    Whether the address already has an account elsewhere is never told: the same checks run
    and the same answer ("uitnodiging verstuurd") comes back; a new address gets an account
    with the given first password, an existing one keeps its own name and password."""
    _require_admin(scope)
    data = TenantData(scope)
    check = Checker()
    email = new.email.strip().lower()
    full_name = clean_text(new.full_name, 200)
    check.email("email", email)
    check.require("full_name", full_name, "de naam")
    if problem := password_problem(new.password):
        check.fail("password", problem)
    # Hashed whether used or not, so the answer takes as long for a known address.
    password_hash = hash_password(new.password) if not problem else ""
    async with write_transaction():
        existing = await accounts.account_by_email(email) if email else None
        member_here = existing is not None and await data.exists(Membership).where(
            Membership.person == existing.id
        )
        await _check_membership(
            data, check, existing.id if member_here else None, new.organisation_id, new.role
        )
        check.done()
        if member_here:
            await _insert_membership(data, scope, existing.id, new.organisation_id, new.role)
            return True
        person_id = (
            existing.id
            if existing is not None
            else await accounts.create_account(email, full_name, password_hash)
        )
        already_open = await data.exists(Invitation).where(
            (Invitation.person == person_id)
            & (Invitation.organisation == new.organisation_id)
            & (Invitation.role == new.role)
            & (Invitation.status == INVITATION_OPEN)
        )
        if not already_open:
            invitation_id = await data.insert(
                Invitation,
                person=person_id,
                organisation=new.organisation_id,
                role=new.role,
                invited_by=scope.person_id,
            )
            await audit.record(
                scope,
                audit.AuditEvent(
                    action="invite",
                    object_type="invitation",
                    object_id=invitation_id,
                    subject_ref=_subject(person_id),
                ),
            )
    return False


async def create_person(scope: Scope, new: NewPerson) -> int:
    """Provision someone with a membership at once, creating the account when the e-mail is
    new: for the system only (demo, tests, jobs), which acts for the regio itself. A
    beheerder's request goes through `invite_person`, so a person joins only by consent."""
    if scope.role is not Role.SYSTEM:
        raise NotFound("provisioning")
    data = TenantData(scope)
    check = Checker()
    email = new.email.strip().lower()
    full_name = clean_text(new.full_name, 200)
    check.email("email", email)
    check.require("full_name", full_name, "de naam")
    async with write_transaction():
        existing = await accounts.account_by_email(email) if email else None
        await _check_membership(
            data, check, existing.id if existing else None, new.organisation_id, new.role
        )
        if existing is None and (problem := password_problem(new.password)):
            check.fail("password", problem)
        check.done()
        person_id = (
            existing.id
            if existing is not None
            else await accounts.create_account(email, full_name, hash_password(new.password))
        )
        await _insert_membership(data, scope, person_id, new.organisation_id, new.role)
    return person_id


async def list_invitations(scope: Scope) -> list[dict]:
    """The regio's open invitations: the address, organisation and role, never the account's
    name (that is the person's own until they accept)."""
    _require_admin(scope)
    return await (
        TenantData(scope)
        .select(
            Invitation,
            Invitation.id,
            Invitation.role,
            Invitation.created_at,
            Invitation.person.email.as_alias("email"),
            Invitation.organisation.name.as_alias("organisation_name"),
        )
        .where(Invitation.status == INVITATION_OPEN)
        .order_by(Invitation.created_at, ascending=False)
    )


async def _insert_membership(
    data: TenantData, scope: Scope, person_id: int, organisation_id: int | None, role: str
) -> int:
    membership_id = await data.insert(
        Membership, person=person_id, organisation=organisation_id, role=role
    )
    await audit.record(
        scope,
        audit.AuditEvent(
            action="add_membership",
            object_type="membership",
            object_id=membership_id,
            subject_ref=_subject(person_id),
        ),
    )
    return membership_id


async def update_person(scope: Scope, person_id: int, change: PersonChange) -> None:
    """Change name and e-mail of someone who works only in this regio."""
    _require_admin(scope)
    data = TenantData(scope)
    if not await data.exists(Membership).where(Membership.person == person_id):
        raise NotFound(f"person {person_id}")
    check = Checker()
    email = change.email.strip().lower()
    full_name = clean_text(change.full_name, 200)
    check.email("email", email)
    check.require("full_name", full_name, "de naam")
    async with write_transaction():
        if await accounts.memberships_outside(person_id, scope.tenant_id or 0):
            check.fail(
                "full_name",
                "Deze persoon werkt ook in een andere regio. Naam en e-mailadres kan alleen de "
                "persoon zelf of de platformbeheerder wijzigen.",
            )
        elif email and await accounts.email_taken(email, except_person=person_id):
            check.fail("email", "Dit e-mailadres is al in gebruik bij een ander account.")
        check.done()
        await accounts.update_account(person_id, email=email, full_name=full_name)
        await audit.record(
            scope,
            audit.AuditEvent(
                action="update",
                object_type="person",
                object_id=person_id,
                subject_ref=_subject(person_id),
            ),
        )


async def add_membership(scope: Scope, person_id: int, new: NewMembership) -> int:
    """Let a person of the regio also act for another organisation or in another role."""
    _require_admin(scope)
    data = TenantData(scope)
    if not await data.exists(Membership).where(Membership.person == person_id):
        raise NotFound(f"person {person_id}")
    check = Checker()
    async with write_transaction():
        await _check_membership(data, check, person_id, new.organisation_id, new.role)
        check.done()
        return await _insert_membership(data, scope, person_id, new.organisation_id, new.role)


async def set_membership_active(scope: Scope, membership_id: int, active: bool) -> int:
    """(De)activate one membership; returns the person.

    A session acting in that membership ends at its next request (every request re-reads
    it); the person's sessions in other roles and other regio's go on: a beheerder reaches
    nothing outside its own regio."""
    _require_admin(scope)
    data = TenantData(scope)
    async with write_transaction():
        row = await data.get_writable(Membership, membership_id, Membership.person)
        await data.update(Membership, membership_id, active=active)
        await audit.record(
            scope,
            audit.AuditEvent(
                action="activate_membership" if active else "deactivate_membership",
                object_type="membership",
                object_id=membership_id,
                subject_ref=_subject(row["person"]),
            ),
        )
    return row["person"]


async def deactivate_person(scope: Scope, person_id: int) -> None:
    """Deactivate all of a person's memberships in this regio; the sessions acting in them end,
    the person's work in other regio's does not."""
    _require_admin(scope)
    data = TenantData(scope)
    async with write_transaction():
        rows = await data.select(Membership, Membership.id).where(Membership.person == person_id)
        if not rows:
            raise NotFound(f"person {person_id}")
        for row in rows:
            await data.update(Membership, row["id"], active=False)
        await audit.record(
            scope,
            audit.AuditEvent(
                action="deactivate",
                object_type="person",
                object_id=person_id,
                subject_ref=_subject(person_id),
            ),
        )
