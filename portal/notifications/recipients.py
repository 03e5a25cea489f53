"""Who in a regio gets a reminder: the people of an organisation in a role."""

from __future__ import annotations

from collections.abc import Collection

from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Membership


async def members(
    scope: Scope, organisation_ids: Collection[int], roles: Collection[Role]
) -> dict[int, list[int]]:
    """Per organisation, the people with an active membership in one of `roles`."""
    if not organisation_ids:
        return {}
    rows = await (
        TenantData(scope)
        .select(Membership, Membership.organisation, Membership.person)
        .where(Membership.organisation.is_in(sorted(organisation_ids)))
        .where(Membership.role.is_in([role.value for role in roles]))
        .where(Membership.active == True)  # noqa: E712
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row["organisation"], []).append(row["person"])
    return found
