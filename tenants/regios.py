"""Platform administration: the superadmin creates regio's and their first beheerder.

The superadmin sees regio's and counts, never a regio's case data: this module is the only
place that acts inside a regio for them, and only to provision it.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.core import audit
from portal.core.database import write_transaction
from portal.core.passwords import hash_password, password_problem
from portal.core.validation import SLUG_RE, Checker, clean_text
from tenants import accounts
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tenants.tables import Membership, Organisation

RESERVED_SLUGS = frozenset({"api", "static", "platform", "login", "logout", "health"})


@dataclass(frozen=True)
class NewRegio:
    slug: str
    name: str
    office_name: str
    admin_email: str
    admin_name: str
    admin_password: str


def _require_superadmin(scope: Scope) -> None:
    if not scope.is_superadmin:
        raise NotFound("platform administration")


async def list_regios(scope: Scope) -> list[dict]:
    """All regio's with the number of organisations in each."""
    _require_superadmin(scope)
    rows = await accounts.all_regios()
    for row in rows:
        row["organisations"] = await accounts.organisation_count(row["id"])
    return rows


async def create_regio(scope: Scope, new: NewRegio) -> int:
    """Create a regio, its coordination office and its first beheerder in one transaction."""
    _require_superadmin(scope)
    check = Checker()
    slug = new.slug.strip().lower()
    name = clean_text(new.name, 200)
    office = clean_text(new.office_name, 200) or f"Regiobureau {name}"
    admin_email = new.admin_email.strip().lower()
    admin_name = clean_text(new.admin_name, 200)
    if not SLUG_RE.match(slug) or len(slug) > 40:
        check.fail(
            "slug", "Gebruik alleen kleine letters, cijfers en streepjes, zoals 'regio-alkmaar'."
        )
    elif slug in RESERVED_SLUGS:
        check.fail("slug", "Dit webadres is gereserveerd; kies een ander.")
    check.require("name", name, "de naam van de regio")
    check.email("admin_email", admin_email)
    check.require("admin_name", admin_name, "de naam van de beheerder")
    async with write_transaction():
        if slug and await accounts.regio_by_slug(slug):
            check.fail("slug", "Er bestaat al een regio met dit webadres.")
        existing = await accounts.account_by_email(admin_email) if admin_email else None
        if existing is None and (problem := password_problem(new.admin_password)):
            check.fail("admin_password", problem)
        check.done()
        tenant_id = await accounts.create_regio(slug, name)
        provisioning = Scope(
            tenant_id=tenant_id,
            tenant_slug=slug,
            person_id=scope.person_id,
            organisation_id=None,
            role=Role.SUPERADMIN,
            origin=scope.origin,
        )
        data = TenantData(provisioning)
        office_id = await data.insert(Organisation, name=office, kind=OrganisationKind.REGIO.value)
        admin_id = (
            existing.id
            if existing
            else await accounts.create_account(
                admin_email, admin_name, hash_password(new.admin_password)
            )
        )
        await data.insert(
            Membership, person=admin_id, organisation=office_id, role=Role.BEHEERDER.value
        )
        await audit.record(
            provisioning,
            audit.AuditEvent(
                action="create",
                object_type="regio",
                object_id=tenant_id,
                subject_ref=f"person:{admin_id}",
            ),
        )
    return tenant_id
