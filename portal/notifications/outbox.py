"""The reader's side of the outbox: the bell's count, the inbox, marking read, and how a
person wants their mail. Every read goes through TenantData: a person sees only their own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from portal.core import audit
from portal.core.database import write_transaction
from portal.core.validation import Checker
from portal.notifications import links
from portal.notifications.tables import Notification, NotificationPreference
from tenants.scope import Scope
from tenants.scoped import TenantData

FILTERS = {"ongelezen": "Ongelezen", "alle": "Alle meldingen"}
MODES = {"direct": "Meteen, één e-mail per melding", "dagelijks": "Eén e-mail per dag"}
INBOX_LIMIT = 200
TEST_MAIL = "testmail"
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class InboxItem:
    id: int
    title: str
    dossier: int | None
    due_date: date | None
    created_at: datetime
    read: bool
    href: str | None


@dataclass(frozen=True)
class Preference:
    mode: str
    digest_time: str


async def unread_count(scope: Scope) -> int:
    """How many of the reader's notifications are unread (the bell)."""
    if scope.tenant_id is None or scope.person_id is None:
        return 0
    return await TenantData(scope).count(Notification).where(Notification.read_at.is_null())


async def inbox(scope: Scope, which: str = "ongelezen") -> list[InboxItem]:
    """The reader's notifications, newest first; each links to its thing only while the
    reader may still open it."""
    query = TenantData(scope).select(
        Notification,
        Notification.id,
        Notification.title,
        Notification.dossier,
        Notification.due_date,
        Notification.created_at,
        Notification.read_at,
        Notification.link_kind,
        Notification.link_id,
    )
    if which != "alle":
        query = query.where(Notification.read_at.is_null())
    rows = await query.order_by(Notification.id, ascending=False).limit(INBOX_LIMIT)
    return [
        InboxItem(
            id=row["id"],
            title=row["title"],
            dossier=row["dossier"],
            due_date=row["due_date"],
            created_at=row["created_at"],
            read=row["read_at"] is not None,
            href=await links.resolve(scope, row["link_kind"], row["link_id"]),
        )
        for row in rows
    ]


async def mark_read(scope: Scope, notification_id: int) -> None:
    """Mark one of the reader's own notifications read (NotFound for anyone else's)."""
    data = TenantData(scope)
    async with write_transaction():
        row = await data.get_writable(Notification, notification_id, Notification.read_at)
        if row["read_at"] is None:
            await data.update(Notification, notification_id, read_at=datetime.now(UTC))


async def mark_all_read(scope: Scope) -> int:
    """Mark every unread notification of the reader read; returns how many."""
    data = TenantData(scope)
    now = datetime.now(UTC)
    async with write_transaction():
        unread = await data.select(Notification, Notification.id).where(
            Notification.read_at.is_null()
        )
        for row in unread:
            await data.update(Notification, row["id"], read_at=now)
    return len(unread)


async def open_link(scope: Scope, notification_id: int) -> str | None:
    """Mark the notification read and answer its page, if the reader may still open it."""
    row = await TenantData(scope).get(
        Notification, notification_id, Notification.link_kind, Notification.link_id
    )
    await mark_read(scope, notification_id)
    return await links.resolve(scope, row["link_kind"], row["link_id"])


async def request_test_mail(scope: Scope) -> None:
    """Put a test message for the reader in the outbox (and the bell), so they can see how
    the portal's mail reaches them; a delivery job sends it like any other."""
    now = datetime.now(UTC)
    async with write_transaction():
        await TenantData(scope).insert(
            Notification,
            recipient=scope.person_id,
            key=f"testmail:{scope.person_id}:{now.isoformat()}",
            kind=TEST_MAIL,
            title="Testbericht: zo komt een melding van het portaal bij u aan",
        )


async def get_preference(scope: Scope) -> Preference:
    """How the person wants mail in this regio (at once, unless they chose a digest)."""
    row = await (
        TenantData(scope)
        .select(
            NotificationPreference, NotificationPreference.mode, NotificationPreference.digest_time
        )
        .where(NotificationPreference.person == scope.person_id)
        .first()
    )
    return Preference(row["mode"], row["digest_time"]) if row else Preference("direct", "08:00")


async def save_preference(scope: Scope, mode: str, digest_time: str) -> None:
    """Save mail at once or a daily digest at a chosen time (HH:MM, Dutch time)."""
    check = Checker()
    if mode not in MODES:
        check.fail("mode", "Kies hoe u e-mail wilt krijgen.")
    digest_time = digest_time.strip()
    if mode == "dagelijks" and not _TIME.match(digest_time):
        check.fail("digest_time", "Vul een tijd in als 08:30 (uren en minuten).")
    if not _TIME.match(digest_time):
        digest_time = "08:00"
    check.done()
    data = TenantData(scope)
    async with write_transaction():
        row = await (
            data.select(NotificationPreference, NotificationPreference.id)
            .where(NotificationPreference.person == scope.person_id)
            .first()
        )
        if row:
            await data.update(NotificationPreference, row["id"], mode=mode, digest_time=digest_time)
        else:
            await data.insert(
                NotificationPreference, person=scope.person_id, mode=mode, digest_time=digest_time
            )
        await audit.record(
            scope, audit.AuditEvent("update", "notification_preference", scope.person_id)
        )
