"""The append-only audit log of personal-data processing.

Fields follow the Logboek Dataverwerkingen standard (Logius) and BIO 8.15: who (person,
organisation, role), what (action on an object), about whom (a pseudonymous reference, never
a BSN or a name), the result, the origin (IP), a trace id and the UTC time. Rows are only
ever inserted; there is no update or delete path in the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEntry(Table, tablename="audit_entry"):
    """One processing of personal data. Keeps ids, not references: it outlives its rows."""

    occurred_at = Timestamptz(default=TimestamptzNow(), null=False, index=True)
    trace_id = Varchar(length=64, null=False)
    # Null for platform-level events (a log-in before a regio is chosen, superadmin work).
    tenant_id = Integer(null=True, default=None, index=True)
    actor_person_id = Integer(null=True, default=None, index=True)
    actor_organisation_id = Integer(null=True, default=None)
    actor_role = Varchar(length=30, null=True, default=None)
    action = Varchar(length=40, null=False)
    object_type = Varchar(length=40, null=False)
    object_id = Varchar(length=64, null=True, default=None)
    # Pseudonymous reference to the data subject, e.g. "person:12" or "inburgeraar:345".
    subject_ref = Varchar(length=64, null=True, default=None, index=True)
    result = Varchar(length=20, null=False, default="ok")
    origin_ip = Varchar(length=64, null=True, default=None)
    purpose = Varchar(length=200, null=True, default=None)


class Origin(Protocol):
    ip: str | None
    trace_id: str
    route: str | None


class Auditable(Protocol):
    """What the audit log needs of whoever acts; tenants.scope.Scope fits it."""

    @property
    def tenant_id(self) -> int | None: ...
    @property
    def person_id(self) -> int | None: ...
    @property
    def organisation_id(self) -> int | None: ...
    @property
    def role(self) -> str: ...
    @property
    def origin(self) -> Origin | None: ...


@dataclass(frozen=True)
class AuditEvent:
    action: str
    object_type: str
    object_id: int | str | None = None
    subject_ref: str | None = None
    result: str = "ok"


async def record(actor: Auditable, event: AuditEvent) -> None:
    """Append one audit entry. Call inside the transaction of the change it describes, so a
    rolled-back change leaves no entry and a stored change always has one."""
    origin = actor.origin
    await AuditEntry.insert(
        AuditEntry(
            occurred_at=datetime.now(UTC),
            trace_id=origin.trace_id if origin else "job",
            tenant_id=actor.tenant_id,
            actor_person_id=actor.person_id,
            actor_organisation_id=actor.organisation_id,
            actor_role=actor.role,
            action=event.action,
            object_type=event.object_type,
            object_id=None if event.object_id is None else str(event.object_id),
            subject_ref=event.subject_ref,
            result=event.result,
            origin_ip=origin.ip if origin else None,
            purpose=origin.route if origin else None,
        )
    ).run()


async def search(
    tenant_id: int,
    *,
    subject_ref: str | None = None,
    actor_person_ids: list[int] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """Entries of one regio, newest first, optionally for one subject or some actors."""
    query = AuditEntry.select().where(AuditEntry.tenant_id == tenant_id)
    count = AuditEntry.count().where(AuditEntry.tenant_id == tenant_id)
    if subject_ref:
        query = query.where(AuditEntry.subject_ref == subject_ref)
        count = count.where(AuditEntry.subject_ref == subject_ref)
    if actor_person_ids is not None:
        # An empty list (no such person) must find nothing, not everything.
        wanted = AuditEntry.actor_person_id.is_in(actor_person_ids or [-1])
        query = query.where(wanted)
        count = count.where(wanted)
    rows = await query.order_by(AuditEntry.id, ascending=False).limit(limit).offset(offset).run()
    return rows, await count.run()
