"""Households: people who came or live together (partners, adult children, nareizigers).

Each adult has their own case; a household links the cases of one gemeente so the
regievoerder sees them together. The link is an id shared by the members.
"""

from __future__ import annotations

from typing import Any

from portal.casefile import timeline
from portal.casefile.inburgeraars import subject
from portal.casefile.tables import Inburgeraar
from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import ValidationFailed
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

HOUSEHOLD_ROLES = {
    "partner": "Partner",
    "kind": "Meerderjarig kind",
    "ouder": "Ouder",
    "nareiziger": "Nareiziger",
    "referent": "Referent",
    "overig": "Ander gezinslid",
}


def _require_regievoerder(scope: Scope) -> None:
    if scope.role is not Role.REGIEVOERDER:
        raise NotFound("household")


async def members(scope: Scope, inburgeraar_id: int, household: int | None) -> list[dict[str, Any]]:
    """The other members of a case's household that this scope may see."""
    if household is None:
        return []
    return await (
        TenantData(scope)
        .select(
            Inburgeraar,
            Inburgeraar.id,
            Inburgeraar.given_names,
            Inburgeraar.family_name,
            Inburgeraar.household_role,
        )
        .where(Inburgeraar.household == household)
        .where(Inburgeraar.id != inburgeraar_id)
        .order_by(Inburgeraar.family_name)
    )


async def link(scope: Scope, inburgeraar_id: int, other_id_raw: str, role: str) -> None:
    """Put a case in the household of another case of the same gemeente."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    # Case first, form second: an unseen case is a 404, not a validation message.
    await data.get_writable(Inburgeraar, inburgeraar_id, Inburgeraar.id)
    errors = {}
    if not other_id_raw.strip().isdigit():
        errors["other"] = "Vul het dossiernummer van het gezinslid in."
    if role not in HOUSEHOLD_ROLES:
        errors["household_role"] = "Kies hoe deze persoon bij het huishouden hoort."
    if errors:
        raise ValidationFailed(errors)
    other_id = int(other_id_raw)
    if other_id == inburgeraar_id:
        raise ValidationFailed({"other": "Kies het dossier van een ander gezinslid."})
    async with write_transaction():
        try:
            other = await data.get(Inburgeraar, other_id, Inburgeraar.id, Inburgeraar.household)
        except NotFound:
            raise ValidationFailed({"other": "Dit dossier bestaat niet in uw gemeente."}) from None
        household = other["household"] or other["id"]
        if other["household"] is None:
            await data.update(Inburgeraar, other["id"], household=household)
        await data.update(Inburgeraar, inburgeraar_id, household=household, household_role=role)
        await timeline.add_event(
            data,
            inburgeraar_id,
            "huishouden",
            f"Gekoppeld aan het huishouden van dossier {other_id}",
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "link_household", "inburgeraar", inburgeraar_id, subject_ref=subject(inburgeraar_id)
            ),
        )


async def unlink(scope: Scope, inburgeraar_id: int) -> None:
    """Take a case out of its household."""
    _require_regievoerder(scope)
    data = TenantData(scope)
    async with write_transaction():
        await data.update(Inburgeraar, inburgeraar_id, household=None, household_role=None)
        await timeline.add_event(
            data, inburgeraar_id, "huishouden", "Losgekoppeld van het huishouden"
        )
        await audit.record(
            scope,
            audit.AuditEvent(
                "unlink_household",
                "inburgeraar",
                inburgeraar_id,
                subject_ref=subject(inburgeraar_id),
            ),
        )
