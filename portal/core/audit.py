"""The append-only audit log of personal-data processing.

Fields follow the Logboek Dataverwerkingen standard (Logius) and BIO 8.15: who (person,
organisation, role), what (action on an object), about whom (a pseudonymous reference, never
a BSN or a name), the result, the origin (IP), a trace id and the UTC time. Rows are only
ever inserted; there is no update or delete path in the code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

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


# Actions that only look at a subject's data. One request that looks at one inburgeraar
# through several services (the case header and its intake, an enrolment and its attendance)
# is one processing: it gets one entry, the first.
VIEW_ACTIONS = frozenset({"read", "history"})

# Per request (keyed on its Origin object): the subjects already in the log, each with the
# transaction its entry was written in (None: written on its own and committed at once).
_LOGGED: ContextVar[tuple[object, dict[str, Any]] | None] = ContextVar("audit_logged", default=None)


def _logged_in_this_request(origin: object, subject_ref: str) -> bool:
    current = _LOGGED.get()
    if current is None or current[0] is not origin or subject_ref not in current[1]:
        return False
    transaction = current[1][subject_ref]
    if transaction is None or transaction is AuditEntry._meta.db.current_transaction.get():
        return True
    # An entry whose transaction was rolled back is not in the log: the read is logged again.
    return bool(getattr(transaction, "_committed", False))


def _remember(origin: object, subject_ref: str) -> None:
    current = _LOGGED.get()
    if current is None or current[0] is not origin:
        current = (origin, {})
        _LOGGED.set(current)
    current[1][subject_ref] = AuditEntry._meta.db.current_transaction.get()


async def record(actor: Auditable, event: AuditEvent) -> None:
    """Append one audit entry. Call inside the transaction of the change it describes, so a
    rolled-back change leaves no entry and a stored change always has one. A view of a
    subject already logged in the same request adds nothing (one request, one entry)."""
    origin = actor.origin
    if origin is not None and event.subject_ref:
        if event.action in VIEW_ACTIONS and _logged_in_this_request(origin, event.subject_ref):
            return
        _remember(origin, event.subject_ref)
    await AuditEntry.insert(_entry(actor, event, datetime.now(UTC))).run()


@dataclass(frozen=True)
class AuditFilter:
    """What the privacy officer searches for; every given part must match.

    `subject_refs` and `actor_person_ids` are None for "any" and empty for "none found"
    (a name that matched nobody must find nothing, not everything). The period is UTC,
    `since` inclusive and `until` exclusive."""

    subject_refs: tuple[str, ...] | None = None
    actor_person_ids: tuple[int, ...] | None = None
    actor_organisation_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def _narrowed(query: Any, tenant_id: int, filters: AuditFilter) -> Any:
    query = query.where(AuditEntry.tenant_id == tenant_id)
    if filters.subject_refs is not None:
        query = query.where(AuditEntry.subject_ref.is_in(list(filters.subject_refs) or [""]))
    if filters.actor_person_ids is not None:
        query = query.where(
            AuditEntry.actor_person_id.is_in(list(filters.actor_person_ids) or [-1])
        )
    if filters.actor_organisation_id is not None:
        query = query.where(AuditEntry.actor_organisation_id == filters.actor_organisation_id)
    if filters.since is not None:
        query = query.where(AuditEntry.occurred_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.occurred_at < filters.until)
    return query


async def search(
    tenant_id: int, filters: AuditFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """Entries of one regio, newest first, that match `filters`; and how many match."""
    query = _narrowed(AuditEntry.select(), tenant_id, filters)
    rows = await query.order_by(AuditEntry.id, ascending=False).limit(limit).offset(offset).run()
    return rows, await _narrowed(AuditEntry.count(), tenant_id, filters).run()


async def batches(
    tenant_id: int, filters: AuditFilter, *, size: int = 1000
) -> AsyncIterator[list[dict]]:
    """All matching entries of one regio, newest first, a batch at a time (for an export
    of any length in bounded memory)."""
    before: int | None = None
    while True:
        query = _narrowed(AuditEntry.select(), tenant_id, filters)
        if before is not None:
            query = query.where(AuditEntry.id < before)
        rows = await query.order_by(AuditEntry.id, ascending=False).limit(size).run()
        if not rows:
            return
        yield rows
        before = rows[-1]["id"]


def _entry(actor: Auditable, event: AuditEvent, now: datetime) -> AuditEntry:
    origin = actor.origin
    return AuditEntry(
        occurred_at=now,
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


async def record_many(actor: Auditable, events: list[AuditEvent]) -> None:
    """Append one entry per event, many to an INSERT (the look-ups of a whole file). For
    events that are each their own processing: no entry is merged with an earlier one."""
    now = datetime.now(UTC)
    # SQLite builds may allow no more than 999 parameters in one statement.
    for start in range(0, len(events), 60):
        chunk = events[start : start + 60]
        await AuditEntry.insert(*(_entry(actor, event, now) for event in chunk)).run()


async def count_recent(person_id: int, tenant_id: int, action: str, since: datetime) -> int:
    """How many entries with this action (result ok) a person made in a regio since a time:
    the budget of look-ups is kept in the log that records them."""
    return await AuditEntry.count().where(
        (AuditEntry.actor_person_id == person_id)
        & (AuditEntry.tenant_id == tenant_id)
        & (AuditEntry.action == action)
        & (AuditEntry.result == "ok")
        & (AuditEntry.occurred_at >= since)
    )
