"""Who is who among a regio's staff and organisations, for the privacy officer's audit search.

Only names and e-mail addresses of people with a membership in the scope's own regio."""

from __future__ import annotations

from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData
from tenants.tables import Membership, Organisation


def _require_privacy(scope: Scope) -> None:
    if scope.role is not Role.PRIVACY:
        raise NotFound("staff lookup")


async def matching_people(scope: Scope, text: str) -> list[int]:
    """Ids of the regio's people whose name or e-mail contains `text`."""
    _require_privacy(scope)
    term = f"%{text.strip()[:100]}%"
    rows = await (
        TenantData(scope)
        .select(Membership, Membership.person.id.as_alias("id"))
        .where(Membership.person.full_name.ilike(term) | Membership.person.email.ilike(term))
        .distinct()
    )
    return [row["id"] for row in rows]


async def names(scope: Scope, person_ids: set[int]) -> dict[int, str]:
    """Names of the regio's people among `person_ids` (others stay unnamed)."""
    _require_privacy(scope)
    if not person_ids:
        return {}
    rows = await (
        TenantData(scope)
        .select(
            Membership,
            Membership.person.id.as_alias("id"),
            Membership.person.full_name.as_alias("name"),
        )
        .where(Membership.person.is_in(list(person_ids)))
        .distinct()
    )
    return {row["id"]: row["name"] for row in rows}


async def organisation_names(scope: Scope) -> dict[int, str]:
    """Every organisation of the regio by id, by name (also inactive ones: old entries name
    them)."""
    _require_privacy(scope)
    rows = await (
        TenantData(scope)
        .select(Organisation, Organisation.id, Organisation.name)
        .order_by(Organisation.name)
    )
    return {row["id"]: row["name"] for row in rows}
