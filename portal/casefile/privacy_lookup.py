"""What the privacy officer may learn from the case file to read the audit log: which
dossier numbers belong to a name, and of which kind a task is. Never case content.

The privacy role reads no case rows (`portal/casefile/tables.py`), so these look-ups run
under an audited system view of the officer's own regio, and only for that role. A search by name
is itself written to the audit log (the name is not: the log holds no names).
"""

from __future__ import annotations

from portal.casefile.tables import Inburgeraar, PipTask
from portal.core import audit
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

MAX_DOSSIERS = 200


async def _system_view(scope: Scope, reason: str, event: audit.AuditEvent) -> TenantData:
    if scope.role is not Role.PRIVACY or scope.tenant_id is None:
        raise NotFound("privacy look-up")
    return await TenantData(scope).as_system(reason, event)


async def dossiers_by_name(scope: Scope, text: str) -> tuple[list[int], bool]:
    """Dossier numbers of the officer's regio whose names contain every word of `text`
    (in given names or family name), at most MAX_DOSSIERS; and whether there were more."""
    # The view is recorded as the search it serves; the name itself is not kept.
    data = await _system_view(
        scope,
        "privacy officer: dossiers by name",
        audit.AuditEvent("search_by_name", "inburgeraar"),
    )
    query = data.select(Inburgeraar, Inburgeraar.id)
    for word in text.split()[:5]:
        term = f"%{word[:100]}%"
        query = query.where(
            Inburgeraar.given_names.ilike(term) | Inburgeraar.family_name.ilike(term)
        )
    rows = await query.order_by(Inburgeraar.id).limit(MAX_DOSSIERS + 1)
    ids = [row["id"] for row in rows]
    return ids[:MAX_DOSSIERS], len(ids) > MAX_DOSSIERS


async def task_kinds(scope: Scope, task_ids: set[int]) -> dict[int, str]:
    """The kind ("taal.intake", "pvt", ...) of the regio's tasks among `task_ids`: the log
    line names the task by its kind, never by its free-text title. Not audited itself: it
    says no more about the inburgeraar than the log line it completes."""
    if scope.role is not Role.PRIVACY:
        raise NotFound("privacy look-up")
    if not task_ids:
        return {}
    # The privacy role reads a task's id and kind only (portal/casefile/tables.py).
    data = TenantData(scope)
    rows = await data.select(PipTask, PipTask.id, PipTask.kind).where(
        PipTask.id.is_in(sorted(task_ids))
    )
    return {row["id"]: row["kind"] for row in rows}
