"""The second door: global rows (regio's and people's accounts) and a person's own memberships.

These queries are not tenant-scoped because they happen before a regio is chosen (log-in,
role choice) or at platform level (superadmin). They return only the person's own data or
platform data, never another regio's organisations or people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from portal.core import audit
from tenants.roles import Role
from tenants.scope import Origin
from tenants.tables import INVITATION_OPEN, Invitation, Membership, Organisation, Person, Regio


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    full_name: str
    active: bool
    is_superadmin: bool
    is_demo: bool
    session_epoch: int
    password_hash: str | None


@dataclass(frozen=True)
class MembershipChoice:
    """One way a person can act: for this organisation of this regio in this role."""

    membership_id: int
    tenant_id: int
    tenant_slug: str
    tenant_name: str
    organisation_id: int
    organisation_name: str
    role: Role

    @property
    def label(self) -> str:
        return f"{self.organisation_name} · {self.role.label}"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _account(row: dict) -> Account:
    return Account(
        id=row["id"],
        email=row["email"],
        full_name=row["full_name"],
        active=row["active"],
        is_superadmin=row["is_superadmin"],
        is_demo=row["is_demo"],
        session_epoch=row["session_epoch"],
        password_hash=row["password_hash"],
    )


async def account_by_email(email: str) -> Account | None:
    """The account for a log-in address, if any."""
    row = await Person.select().where(Person.email == normalise_email(email)).first()
    return _account(row) if row else None


async def account_by_id(person_id: int) -> Account | None:
    row = await Person.select().where(Person.id == person_id).first()
    return _account(row) if row else None


async def email_taken(email: str, *, except_person: int | None = None) -> bool:
    query = Person.exists().where(Person.email == normalise_email(email))
    if except_person is not None:
        query = query.where(Person.id != except_person)
    return await query.run()


async def create_account(
    email: str,
    full_name: str,
    password_hash: str | None,
    *,
    is_demo: bool = False,
    is_superadmin: bool = False,
) -> int:
    """A new person; memberships are added through the regio's scoped data access."""
    rows = await Person.insert(
        Person(
            email=normalise_email(email),
            full_name=full_name,
            password_hash=password_hash,
            is_demo=is_demo,
            is_superadmin=is_superadmin,
        )
    ).returning(Person.id)
    return rows[0]["id"]


async def update_account(person_id: int, *, email: str, full_name: str) -> None:
    await Person.update({Person.email: normalise_email(email), Person.full_name: full_name}).where(
        Person.id == person_id
    )


async def set_password_hash(person_id: int, password_hash: str) -> None:
    await Person.update({Person.password_hash: password_hash}).where(Person.id == person_id)


async def record_login(person_id: int) -> None:
    await Person.update({Person.last_login_at: datetime.now(UTC)}).where(Person.id == person_id)


async def end_all_sessions(person_id: int) -> None:
    """Every session of this person ends at its next request (they carry the old epoch)."""
    await Person.update({Person.session_epoch: Person.session_epoch + 1}).where(
        Person.id == person_id
    )


async def own_memberships(person_id: int) -> list[MembershipChoice]:
    """The active memberships of one person in active regio's and organisations."""
    rows = await (
        Membership.select(
            Membership.id,
            Membership.role,
            Membership.tenant.id.as_alias("tenant_id"),
            Membership.tenant.slug.as_alias("tenant_slug"),
            Membership.tenant.name.as_alias("tenant_name"),
            Membership.organisation.id.as_alias("organisation_id"),
            Membership.organisation.name.as_alias("organisation_name"),
        )
        .where(Membership.person == person_id)
        .where(Membership.active.eq(True))
        .where(Membership.organisation.active.eq(True))
        .where(Membership.tenant.active.eq(True))
        .order_by(Membership.tenant.name)
        .order_by(Membership.organisation.name)
    )
    return [
        MembershipChoice(
            membership_id=row["id"],
            tenant_id=row["tenant_id"],
            tenant_slug=row["tenant_slug"],
            tenant_name=row["tenant_name"],
            organisation_id=row["organisation_id"],
            organisation_name=row["organisation_name"],
            role=Role(row["role"]),
        )
        for row in rows
    ]


async def memberships_outside(person_id: int, tenant_id: int) -> int:
    """How many memberships this person holds in other regio's (not which)."""
    return await Membership.count().where(
        (Membership.person == person_id) & (Membership.tenant != tenant_id)
    )


async def mail_contacts(person_ids: set[int]) -> dict[int, dict]:
    """Address and name of active people, for the mail a job sends them."""
    if not person_ids:
        return {}
    rows = await Person.select(Person.id, Person.email, Person.full_name).where(
        Person.id.is_in(sorted(person_ids)) & (Person.active == True)  # noqa: E712
    )
    return {row["id"]: row for row in rows}


async def regio_by_slug(slug: str) -> dict | None:
    return await Regio.select().where(Regio.slug == slug).first()


async def all_regios() -> list[dict]:
    return await Regio.select().order_by(Regio.name)


async def create_regio(slug: str, name: str) -> int:
    rows = await Regio.insert(Regio(slug=slug, name=name)).returning(Regio.id)
    return rows[0]["id"]


async def regio_session_idle_minutes(tenant_id: int) -> int | None:
    row = await Regio.select(Regio.session_idle_minutes).where(Regio.id == tenant_id).first()
    return row["session_idle_minutes"] if row else None


async def regio_partner_access_days(tenant_id: int) -> int:
    """The regio's "inzage na einde werk" in days."""
    row = await Regio.select(Regio.partner_access_days).where(Regio.id == tenant_id).first()
    return row["partner_access_days"] if row else 0


async def set_regio_partner_access_days(tenant_id: int, days: int) -> None:
    await Regio.update({Regio.partner_access_days: days}).where(Regio.id == tenant_id)


async def organisation_count(tenant_id: int) -> int:
    """Number of organisations in a regio, for the platform overview (no names)."""
    return await Organisation.count().where(Organisation.tenant == tenant_id)


@dataclass(frozen=True)
class ActingAs:
    """Everything a request needs about who acts, from one query."""

    person_id: int
    person_name: str
    person_active: bool
    session_epoch: int
    is_superadmin: bool
    membership_id: int | None
    membership_active: bool
    role: Role
    organisation_id: int | None
    organisation_name: str | None
    tenant_id: int | None
    tenant_slug: str | None
    tenant_name: str | None
    tenant_idle_minutes: int | None


async def acting_as(person_id: int, membership_id: int | None) -> ActingAs | None:
    """Resolve a session's person and chosen membership (None: platform context)."""
    if membership_id is None:
        account = await account_by_id(person_id)
        if account is None:
            return None
        return ActingAs(
            person_id=account.id,
            person_name=account.full_name,
            person_active=account.active,
            session_epoch=account.session_epoch,
            is_superadmin=account.is_superadmin,
            membership_id=None,
            membership_active=account.is_superadmin,
            role=Role.SUPERADMIN,
            organisation_id=None,
            organisation_name=None,
            tenant_id=None,
            tenant_slug=None,
            tenant_name=None,
            tenant_idle_minutes=None,
        )
    row = await (
        Membership.select(
            Membership.role,
            Membership.active,
            Membership.person.full_name.as_alias("person_name"),
            Membership.person.active.as_alias("person_active"),
            Membership.person.session_epoch.as_alias("session_epoch"),
            Membership.person.is_superadmin.as_alias("is_superadmin"),
            Membership.organisation.id.as_alias("organisation_id"),
            Membership.organisation.name.as_alias("organisation_name"),
            Membership.organisation.active.as_alias("organisation_active"),
            Membership.tenant.id.as_alias("tenant_id"),
            Membership.tenant.slug.as_alias("tenant_slug"),
            Membership.tenant.name.as_alias("tenant_name"),
            Membership.tenant.active.as_alias("tenant_active"),
            Membership.tenant.session_idle_minutes.as_alias("tenant_idle_minutes"),
        )
        .where(Membership.id == membership_id)
        .where(Membership.person == person_id)
        .first()
    )
    if row is None:
        return None
    return ActingAs(
        person_id=person_id,
        person_name=row["person_name"],
        person_active=row["person_active"],
        session_epoch=row["session_epoch"],
        is_superadmin=row["is_superadmin"],
        membership_id=membership_id,
        membership_active=row["active"] and row["organisation_active"] and row["tenant_active"],
        role=Role(row["role"]),
        organisation_id=row["organisation_id"],
        organisation_name=row["organisation_name"],
        tenant_id=row["tenant_id"],
        tenant_slug=row["tenant_slug"],
        tenant_name=row["tenant_name"],
        tenant_idle_minutes=row["tenant_idle_minutes"],
    )


async def set_regio_session_idle_minutes(tenant_id: int, minutes: int | None) -> None:
    await Regio.update({Regio.session_idle_minutes: minutes}).where(Regio.id == tenant_id)


@dataclass(frozen=True)
class InvitationChoice:
    """An open invitation to one person: this organisation of this regio, in this role."""

    invitation_id: int
    tenant_name: str
    organisation_name: str
    role: Role


async def own_invitations(person_id: int) -> list[InvitationChoice]:
    """The open invitations of one person, in active regio's and organisations."""
    rows = await (
        Invitation.select(
            Invitation.id,
            Invitation.role,
            Invitation.tenant.name.as_alias("tenant_name"),
            Invitation.organisation.name.as_alias("organisation_name"),
        )
        .where(Invitation.person == person_id)
        .where(Invitation.status == INVITATION_OPEN)
        .where(Invitation.organisation.active.eq(True))
        .where(Invitation.tenant.active.eq(True))
        .order_by(Invitation.id)
    )
    return [
        InvitationChoice(
            invitation_id=row["id"],
            tenant_name=row["tenant_name"],
            organisation_name=row["organisation_name"],
            role=Role(row["role"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class _Invitee:
    """The audit log's view of a person answering an invitation to a regio."""

    person_id: int
    tenant_id: int
    origin: Origin | None
    organisation_id: int | None = None
    role: str = "person"


async def answer_invitation(
    person_id: int, invitation_id: int, accept: bool, origin: Origin | None
) -> bool:
    """Accept (a membership is made) or decline one's own open invitation; False when there
    is no such open invitation for this person. Call inside a write transaction."""
    row = await (
        Invitation.select(Invitation.tenant, Invitation.organisation, Invitation.role)
        .where(Invitation.id == invitation_id)
        .where(Invitation.person == person_id)
        .where(Invitation.status == INVITATION_OPEN)
        .where(Invitation.organisation.active.eq(True))
        .first()
    )
    if row is None:
        return False
    if accept:
        taken = await Membership.exists().where(
            (Membership.person == person_id)
            & (Membership.organisation == row["organisation"])
            & (Membership.role == row["role"])
        )
        if taken:
            await Membership.update({Membership.active: True}).where(
                (Membership.person == person_id)
                & (Membership.organisation == row["organisation"])
                & (Membership.role == row["role"])
            )
        else:
            await Membership.insert(
                Membership(
                    tenant=row["tenant"],
                    person=person_id,
                    organisation=row["organisation"],
                    role=row["role"],
                )
            )
    await Invitation.update(
        {
            Invitation.status: "accepted" if accept else "declined",
            Invitation.decided_at: datetime.now(UTC),
        }
    ).where(Invitation.id == invitation_id)
    # Recorded under the regio that invited: its privacy officer sees who joined.
    await audit.record(
        _Invitee(person_id=person_id, tenant_id=row["tenant"], origin=origin),
        audit.AuditEvent(
            action="accept" if accept else "decline",
            object_type="invitation",
            object_id=invitation_id,
            subject_ref=f"person:{person_id}",
        ),
    )
    return True
