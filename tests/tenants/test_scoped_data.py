"""The scoped data layer itself: tenant first, role second, no smuggled columns."""

from __future__ import annotations

import pytest

from portal.core.settings import Settings
from tenants import accounts
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, ProtectedField, ScopeError, TenantData
from tenants.tables import Membership, Organisation


async def _scope(slug: str, role: Role = Role.BEHEERDER) -> Scope:
    regio = await accounts.regio_by_slug(slug)
    return Scope(
        tenant_id=regio["id"], tenant_slug=slug, person_id=None, organisation_id=None, role=role
    )


async def test_rows_of_another_regio_are_not_found(demo: Settings) -> None:
    alkmaar = TenantData(await _scope("alkmaar"))
    zaan = TenantData(await _scope("zaanstreek"))
    org = (
        await alkmaar.select(Organisation, Organisation.id)
        .where(Organisation.name == "Gemeente Alkmaar")
        .first()
    )
    with pytest.raises(NotFound):
        await zaan.get(Organisation, org["id"])
    with pytest.raises(NotFound):
        await zaan.update(Organisation, org["id"], name="Overgenomen")
    # A later where() cannot widen the tenant filter.
    widened = (
        await zaan.select(Organisation, Organisation.id).where(Organisation.id == org["id"]).run()
    )
    assert widened == []


async def test_protected_columns_cannot_be_set(demo: Settings) -> None:
    data = TenantData(await _scope("alkmaar"))
    with pytest.raises(ProtectedField):
        await data.insert(Organisation, name="X", kind="gemeente", tenant=999)


async def test_role_visibility_limits_memberships(demo: Settings) -> None:
    regio = await accounts.regio_by_slug("alkmaar")
    docent = await accounts.account_by_email("docent@taal.alkmaar.demo")
    own = (await accounts.own_memberships(docent.id))[0]
    scope = Scope(
        tenant_id=regio["id"],
        tenant_slug="alkmaar",
        person_id=docent.id,
        organisation_id=own.organisation_id,
        role=Role.TAALAANBIEDER,
    )
    rows = await TenantData(scope).select(Membership, Membership.organisation).run()
    assert rows and {row["organisation"] for row in rows} == {own.organisation_id}
    with pytest.raises(NotFound):
        await TenantData(scope).insert(Organisation, name="Eigen school", kind="taalaanbieder")


async def test_superadmin_scope_reaches_no_regio_data(demo: Settings) -> None:
    with pytest.raises(ScopeError):
        TenantData(
            Scope(
                tenant_id=None,
                tenant_slug=None,
                person_id=1,
                organisation_id=None,
                role=Role.SUPERADMIN,
            )
        )
