"""The organisations of a regio: the partner directory and its administration."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.query import OrderByRaw

from portal.core.database import write_transaction
from portal.core.pagination import Page, PageRequest
from portal.core.validation import OIN_RE, Checker, clean_text
from tenants.roles import OrganisationKind, Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tenants.tables import Organisation

# People expect "Regiobureau" before "ROC": order without regard to case, on both engines.
BY_NAME = OrderByRaw("lower(name)")

LIST_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.kind,
    Organisation.contact_email,
    Organisation.contact_phone,
    Organisation.oin,
    Organisation.active,
)


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    kind: str
    oin: str = ""
    contact_email: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class OrganisationFilter:
    search: str = ""
    kind: str = ""
    include_inactive: bool = False


def _require_admin(scope: Scope) -> None:
    if scope.role not in (Role.BEHEERDER, Role.SUPERADMIN, Role.SYSTEM):
        raise NotFound("organisation administration")


async def list_organisations(scope: Scope, filters: OrganisationFilter, page: PageRequest) -> Page:
    """Organisations of the scope's regio matching the filters, by name."""
    data = TenantData(scope)
    query = data.select(Organisation, *LIST_COLUMNS)
    count = data.count(Organisation)
    conditions = []
    if filters.search:
        conditions.append(Organisation.name.ilike(f"%{filters.search}%"))
    if filters.kind in OrganisationKind.__members__.values():
        conditions.append(Organisation.kind == filters.kind)
    if not filters.include_inactive:
        conditions.append(Organisation.active.eq(True))
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.order_by(BY_NAME).limit(page.size).offset(page.offset)
    return Page(rows=rows, total=await count, number=page.number, size=page.size)


async def organisation_options(scope: Scope, *, kinds: frozenset[str] | None = None) -> list[dict]:
    """Active organisations for a select list."""
    query = (
        TenantData(scope)
        .select(Organisation, Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.active.eq(True))
        .order_by(BY_NAME)
    )
    rows = await query
    return [row for row in rows if kinds is None or row["kind"] in kinds]


async def get_organisation(scope: Scope, organisation_id: int) -> dict:
    """One organisation of the regio, or NotFound."""
    return await TenantData(scope).get(Organisation, organisation_id, *LIST_COLUMNS)


def _validate(data: OrganisationInput) -> dict[str, str | None]:
    check = Checker()
    name = clean_text(data.name, 200)
    check.require("name", name, "de naam")
    if data.kind not in OrganisationKind.__members__.values():
        check.fail("kind", "Kies het soort organisatie.")
    oin = data.oin.strip()
    if oin and not OIN_RE.match(oin):
        check.fail("oin", "Een OIN bestaat uit precies 20 cijfers.")
    email = data.contact_email.strip().lower()
    check.email("contact_email", email, required=False)
    phone = clean_text(data.contact_phone, 40)
    if len(phone) > 40:
        check.fail("contact_phone", "Een telefoonnummer mag maximaal 40 tekens zijn.")
    check.done()
    return {
        "name": name,
        "kind": data.kind,
        "oin": oin or None,
        "contact_email": email or None,
        "contact_phone": phone or None,
    }


async def _ensure_unique_name(data: TenantData, name: str, except_id: int | None = None) -> None:
    query = data.exists(Organisation).where(Organisation.name.ilike(name))
    if except_id is not None:
        query = query.where(Organisation.id != except_id)
    if await query:
        check = Checker()
        check.fail("name", "Er bestaat in deze regio al een organisatie met deze naam.")
        check.done()


async def create_organisation(scope: Scope, data: OrganisationInput) -> int:
    """Add an organisation to the regio; names are unique within a regio."""
    _require_admin(scope)
    values = _validate(data)
    tenant = TenantData(scope)
    async with write_transaction():
        await _ensure_unique_name(tenant, values["name"])
        return await tenant.insert(Organisation, **values)


async def update_organisation(scope: Scope, organisation_id: int, data: OrganisationInput) -> None:
    """Change an organisation's name, kind or contact details."""
    _require_admin(scope)
    values = _validate(data)
    tenant = TenantData(scope)
    async with write_transaction():
        await _ensure_unique_name(tenant, values["name"], except_id=organisation_id)
        await tenant.update(Organisation, organisation_id, **values)


async def set_organisation_active(scope: Scope, organisation_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an organisation; its people can no longer act for it."""
    _require_admin(scope)
    await TenantData(scope).update(Organisation, organisation_id, active=active)


async def directory_summary(scope: Scope) -> dict[str, int]:
    """Number of active organisations per kind in the regio, for the start page."""
    rows = await (
        TenantData(scope)
        .select(Organisation, Organisation.kind)
        .where(Organisation.active.eq(True))
    )
    counts = {kind.value: 0 for kind in OrganisationKind}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return counts
