"""What the privacy officer may learn from the case file to read the audit log: which
dossier numbers belong to a name, and of which kind a task is. Never case content.

The privacy role reads no case rows (`portal/casefile/tables.py`), so these look-ups run
under a system scope of the officer's own regio, and only for that role. A search by name
is itself written to the audit log (the name is not: the log holds no names).
"""

from __future__ import annotations

from portal.casefile.tables import Inburgeraar, PipTask
from portal.core import audit
from portal.core.database import write_transaction
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import NotFound, TenantData

MAX_DOSSIERS = 200


def _system_scope_for(scope: Scope, job: str) -> Scope:
    if scope.role is not Role.PRIVACY or scope.tenant_id is None:
        raise NotFound("privacy look-up")
    return Scope.system(scope.tenant_id, scope.tenant_slug or "", job)


async def dossiers_by_name(scope: Scope, text: str) -> tuple[list[int], bool]:
    """Dossier numbers of the officer's regio whose names contain every word of `text`
    (in given names or family name), at most MAX_DOSSIERS; and whether there were more."""
    data = TenantData(_system_scope_for(scope, "privacy-name-search"))
    query = data.select(Inburgeraar, Inburgeraar.id)
    for word in text.split()[:5]:
        term = f"%{word[:100]}%"
        query = query.where(
            Inburgeraar.given_names.ilike(term) | Inburgeraar.family_name.ilike(term)
        )
    rows = await query.order_by(Inburgeraar.id).limit(MAX_DOSSIERS + 1)
    async with write_transaction():
        await audit.record(scope, audit.AuditEvent("search_by_name", "inburgeraar"))
    ids = [row["id"] for row in rows]
    return ids[:MAX_DOSSIERS], len(ids) > MAX_DOSSIERS


async def task_kinds(scope: Scope, task_ids: set[int]) -> dict[int, str]:
    """The kind ("taal.intake", "pvt", ...) of the regio's tasks among `task_ids`: the log
    line names the task by its kind, never by its free-text title. Not audited itself: it
    says no more about the inburgeraar than the log line it completes."""
    if not task_ids:
        return {}
    data = TenantData(_system_scope_for(scope, "privacy-task-kinds"))
    rows = await data.select(PipTask, PipTask.id, PipTask.kind).where(
        PipTask.id.is_in(sorted(task_ids))
    )
    return {row["id"]: row["kind"] for row in rows}
