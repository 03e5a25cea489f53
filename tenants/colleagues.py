"""The people of the actor's own organisation who hold a role: for naming who does the work
(another regievoerder on a case, a begeleider on a task, the docent of a group)."""

from __future__ import annotations

from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import TenantData
from tenants.tables import Membership


async def colleagues_in_role(scope: Scope, role: Role) -> list[tuple[str, str]]:
    """(person id, name) of the active members of the actor's organisation with `role`,
    by name, the actor included. Callers decide who may ask."""
    rows = await (
        TenantData(scope)
        .select(
            Membership,
            Membership.person.id.as_alias("id"),
            Membership.person.full_name.as_alias("name"),
        )
        .where(Membership.organisation == scope.organisation_id)
        .where(Membership.role == role.value)
        .where(Membership.active.eq(True))
        .order_by(Membership.person.full_name)
    )
    return [(str(row["id"]), row["name"]) for row in rows]
