"""The timeline of a case: every event, visible to the gemeente and to the partner it concerns."""

from __future__ import annotations

from portal.casefile.tables import TimelineEvent
from tenants.scope import Scope
from tenants.scoped import TenantData


async def add_event(
    data: TenantData,
    inburgeraar_id: int,
    kind: str,
    summary: str,
    *,
    organisation_id: int | None = None,
) -> None:
    """Record an event; call inside the transaction of the change it describes."""
    scope = data.scope
    await data.insert(
        TimelineEvent,
        inburgeraar=inburgeraar_id,
        organisation=organisation_id,
        kind=kind,
        summary=summary if len(summary) <= 300 else summary[:299] + "…",
        actor=scope.person_id,
        actor_organisation=scope.organisation_id,
    )


async def events(scope: Scope, inburgeraar_id: int, limit: int = 100) -> list[dict]:
    """The newest events of a case this scope may see."""
    return await (
        TenantData(scope)
        .select(
            TimelineEvent,
            TimelineEvent.kind,
            TimelineEvent.summary,
            TimelineEvent.created_at,
            TimelineEvent.actor.full_name.as_alias("actor_name"),
            TimelineEvent.actor_organisation.name.as_alias("actor_organisation_name"),
        )
        .where(TimelineEvent.inburgeraar == inburgeraar_id)
        .order_by(TimelineEvent.id, ascending=False)
        .limit(limit)
    )
