"""The outbox's own statements: add a message once per occasion, claim rows for delivery
atomically, mark them sent. Only a system scope (a job) calls these, always for its own
regio; every statement filters on the scope's tenant first, like TenantData does.

Why not TenantData: it changes one row by id after reading it, and a claim must be one
conditional UPDATE (`... WHERE mail_status = 'nieuw'`), so that of two workers claiming the
same row exactly one wins. On PostgreSQL the second UPDATE waits for the first and then
re-checks its WHERE on the committed row (READ COMMITTED); on SQLite the IMMEDIATE write
transaction queues the second writer behind the first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from piccolo.query.mixins import OnConflictAction

from portal.core.database import write_transaction
from portal.notifications.tables import (
    MAIL_CLAIMED,
    MAIL_NEW,
    MAIL_NONE,
    MAIL_SENT,
    Notification,
)
from tenants.roles import Role
from tenants.scope import Scope
from tenants.scoped import ScopeError


@dataclass(frozen=True)
class NewMessage:
    """What a service wants said to one person on one occasion (no BSN, no health data)."""

    recipient: int
    key: str
    kind: str
    title: str
    dossier: int | None = None
    due_date: date | None = None
    link_kind: str = ""
    link_id: int | None = None


def _tenant(scope: Scope) -> int:
    if scope.role is not Role.SYSTEM or scope.tenant_id is None:
        raise ScopeError("only a job of one regio writes the outbox directly")
    return scope.tenant_id


async def add_once(scope: Scope, messages: Sequence[NewMessage], *, mail: bool = True) -> int:
    """Write each message unless its key is already in the regio's outbox; returns how many
    are new. `mail=False` keeps a message in the bell only."""
    tenant = _tenant(scope)
    if not messages:
        return 0
    rows = [
        Notification(
            tenant=tenant,
            recipient=m.recipient,
            key=m.key[:200],
            kind=m.kind,
            title=m.title[:300],
            dossier=m.dossier,
            due_date=m.due_date,
            link_kind=m.link_kind,
            link_id=m.link_id,
            mail_status=MAIL_NEW if mail else MAIL_NONE,
        )
        for m in messages
    ]
    async with write_transaction():
        made = (
            await Notification.insert(*rows)
            .on_conflict(
                target=(Notification.tenant, Notification.key),
                action=OnConflictAction.do_nothing,
            )
            .returning(Notification.id)
            .run()
        )
    return len(made)


async def existing_keys(scope: Scope, keys: Collection[str]) -> set[str]:
    """Which of these keys the regio's outbox already holds."""
    tenant = _tenant(scope)
    if not keys:
        return set()
    rows = await Notification.select(Notification.key).where(
        (Notification.tenant == tenant) & Notification.key.is_in(sorted(keys))
    )
    return {row["key"] for row in rows}


async def claim(
    scope: Scope,
    token: str,
    now: datetime,
    stale_before: datetime,
    *,
    recipients: Collection[int] | None = None,
    skip_recipients: Collection[int] = (),
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Take rows waiting for mail (new, or claimed by a worker that has not finished by
    `stale_before`) under `token`; returns only the rows this call won."""
    tenant = _tenant(scope)
    waiting = (Notification.tenant == tenant) & (
        (Notification.mail_status == MAIL_NEW)
        | (
            (Notification.mail_status == MAIL_CLAIMED)
            & (Notification.mail_claimed_at < stale_before)
        )
    )
    if recipients is not None:
        if not recipients:
            return []
        waiting = waiting & Notification.recipient.is_in(sorted(recipients))
    if skip_recipients:
        waiting = waiting & Notification.recipient.not_in(sorted(skip_recipients))
    async with write_transaction():
        candidates = [
            row["id"]
            for row in await Notification.select(Notification.id)
            .where(waiting)
            .order_by(Notification.id)
            .limit(limit)
        ]
        if not candidates:
            return []
        await Notification.update(
            {
                Notification.mail_status: MAIL_CLAIMED,
                Notification.mail_claim: token,
                Notification.mail_claimed_at: now,
            }
        ).where(waiting & Notification.id.is_in(candidates))
    return await (
        Notification.select()
        .where(
            (Notification.tenant == tenant)
            & (Notification.mail_claim == token)
            & (Notification.mail_status == MAIL_CLAIMED)
        )
        .order_by(Notification.id)
    )


async def record_message_id(scope: Scope, ids: Sequence[int], token: str, message_id: str) -> None:
    """Write the Message-ID a mail will carry before it is sent (docs/notifications.md)."""
    tenant = _tenant(scope)
    async with write_transaction():
        await Notification.update({Notification.mail_message_id: message_id}).where(
            (Notification.tenant == tenant)
            & Notification.id.is_in(list(ids))
            & (Notification.mail_claim == token)
        )


async def mark_sent(scope: Scope, ids: Sequence[int], token: str, now: datetime) -> int:
    """Mark rows sent, if this token still holds them; returns how many it marked."""
    tenant = _tenant(scope)
    async with write_transaction():
        done = (
            await Notification.update(
                {Notification.mail_status: MAIL_SENT, Notification.mailed_at: now}
            )
            .where(
                (Notification.tenant == tenant)
                & Notification.id.is_in(list(ids))
                & (Notification.mail_claim == token)
                & (Notification.mail_status == MAIL_CLAIMED)
            )
            .returning(Notification.id)
        )
    return len(done)


async def mark_unmailable(scope: Scope, ids: Sequence[int], token: str) -> None:
    """Rows whose person has no usable address: kept in the bell, never mailed."""
    tenant = _tenant(scope)
    async with write_transaction():
        await Notification.update({Notification.mail_status: MAIL_NONE}).where(
            (Notification.tenant == tenant)
            & Notification.id.is_in(list(ids))
            & (Notification.mail_claim == token)
        )


async def withdraw(scope: Scope, kind: str, still_due: Collection[str]) -> int:
    """A reminder of `kind` that is no longer due (the thing was done) and not mailed yet
    is not mailed anymore, and leaves the bell; returns how many."""
    tenant = _tenant(scope)
    gone = (
        (Notification.tenant == tenant)
        & (Notification.kind == kind)
        & (Notification.mail_status == MAIL_NEW)
    )
    if still_due:
        gone = gone & Notification.key.not_in(sorted(still_due))
    async with write_transaction():
        done = (
            await Notification.update(
                {Notification.mail_status: MAIL_NONE, Notification.read_at: datetime.now(UTC)}
            )
            .where(gone)
            .returning(Notification.id)
        )
    return len(done)
