"""Delivering the outbox by mail, for one regio per call (a job's system scope).

Each run claims the rows waiting for mail under a fresh token (queue.claim), writes the
Message-ID every mail will carry onto its rows, sends, and marks the rows sent. A row whose
worker died after claiming is claimed again once its lease ran out; the mail it makes then
has the same Message-ID (docs/notifications.md says why this is the chosen trade-off).
People who chose a daily digest get one mail a day, at or after their time, with every row
that waited; the others one mail per row.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portal.core.database import write_transaction
from portal.core.settings import Settings
from portal.notifications import mail, queue
from portal.notifications.tables import NotificationPreference
from tenants import accounts
from tenants.scope import Scope
from tenants.scoped import TenantData

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A worker that claimed rows and did not mark them within this time is taken to have died.
# Longer than the job's hard time limit (tasks/celery_app.py), so a slow but living worker
# never has its rows taken over.
CLAIM_LEASE = timedelta(minutes=20)
# The job that runs `deliver` for one regio, by name: the web app queues it after a commit
# (portal/core/job_queue.py), tasks/notifications.py defines it.
DELIVER_JOB = "portal.notifications.deliver_regio"


@dataclass(frozen=True)
class Outgoing:
    """One mail to send and the outbox rows it answers for."""

    ids: tuple[int, ...]
    mail: mail.Mail
    digest_person: int | None = None


@dataclass
class DeliveryReport:
    mails: int = 0
    notifications: int = 0


async def _preferences(data: TenantData) -> dict[int, dict[str, Any]]:
    rows = await data.select(
        NotificationPreference,
        NotificationPreference.id,
        NotificationPreference.person,
        NotificationPreference.mode,
        NotificationPreference.digest_time,
        NotificationPreference.last_digest_on,
    )
    return {row["person"]: row for row in rows}


async def claim_batch(
    scope: Scope, settings: Settings, now: datetime, token: str
) -> tuple[list[Outgoing], list[int]]:
    """Claim what is due now under `token`: the mails to send, and the rows that cannot be
    mailed (no active person or address)."""
    data = TenantData(scope)
    preferences = await _preferences(data)
    local = now.astimezone(AMSTERDAM)
    digest_people = {p for p, row in preferences.items() if row["mode"] == "dagelijks"}
    digest_due = {
        p
        for p in digest_people
        if preferences[p]["digest_time"] <= local.strftime("%H:%M")
        and preferences[p]["last_digest_on"] != local.date()
    }
    stale_before = now - CLAIM_LEASE
    direct = await queue.claim(scope, token, now, stale_before, skip_recipients=digest_people)
    digest = await queue.claim(scope, token, now, stale_before, recipients=digest_due)
    regio = await accounts.regio_by_slug(scope.tenant_slug or "")
    regio_name = regio["name"] if regio else "Inburgering"
    base = f"{settings.base_url}/r/{scope.tenant_slug}"
    people = await accounts.mail_contacts({row["recipient"] for row in direct + digest})
    outgoing: list[Outgoing] = []
    unmailable: list[int] = []

    def item(row: dict[str, Any]) -> mail.MailItem:
        return mail.MailItem(
            row["title"], row["dossier"], row["due_date"], f"{base}/meldingen/{row['id']}"
        )

    for row in direct:
        person = people.get(row["recipient"])
        if person is None:
            unmailable.append(row["id"])
            continue
        key = f"{scope.tenant_id}:{row['key']}"
        outgoing.append(
            Outgoing(
                (row["id"],),
                mail.Mail(
                    to=person["email"],
                    to_name=person["full_name"],
                    regio_name=regio_name,
                    subject=f"{row['title']} – {regio_name}",
                    items=(item(row),),
                    inbox_href=f"{base}/meldingen",
                    message_id=mail.message_id(settings, key),
                    dedup_key=key,
                ),
            )
        )
    by_person: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in digest:
        by_person[row["recipient"]].append(row)
    for person_id, rows in by_person.items():
        person = people.get(person_id)
        if person is None:
            unmailable += [row["id"] for row in rows]
            continue
        key = f"{scope.tenant_id}:digest:{person_id}:{local.date().isoformat()}"
        count = len(rows)
        outgoing.append(
            Outgoing(
                tuple(row["id"] for row in rows),
                mail.Mail(
                    to=person["email"],
                    to_name=person["full_name"],
                    regio_name=regio_name,
                    subject=(
                        f"{count} {'nieuwe melding' if count == 1 else 'nieuwe meldingen'} "
                        f"– {regio_name}"
                    ),
                    items=tuple(item(row) for row in rows),
                    inbox_href=f"{base}/meldingen",
                    message_id=mail.message_id(settings, key),
                    dedup_key=key,
                ),
                digest_person=person_id,
            )
        )
    return outgoing, unmailable


async def transmit(scope: Scope, settings: Settings, out: Outgoing, token: str) -> None:
    """Record the mail's Message-ID on its rows (committed), then hand it over."""
    await queue.record_message_id(scope, out.ids, token, out.mail.message_id)
    mail.send(settings, [mail.compose(settings, out.mail)])


async def finish(scope: Scope, out: Outgoing, token: str, now: datetime) -> int:
    """Mark the mail's rows sent (and a digest's day done) in one transaction."""
    data = TenantData(scope)
    async with write_transaction():
        marked = await queue.mark_sent(scope, out.ids, token, now)
        if out.digest_person is not None:
            preference = (await _preferences(data))[out.digest_person]
            await data.update(
                NotificationPreference,
                preference["id"],
                last_digest_on=now.astimezone(AMSTERDAM).date(),
            )
    return marked


async def deliver(scope: Scope, settings: Settings, now: datetime) -> DeliveryReport:
    """Send every mail of the regio that is due now; safe to run twice or side by side."""
    token = uuid.uuid4().hex
    outgoing, unmailable = await claim_batch(scope, settings, now, token)
    if unmailable:
        await queue.mark_unmailable(scope, unmailable, token)
    report = DeliveryReport()
    for out in outgoing:
        await transmit(scope, settings, out, token)
        report.notifications += await finish(scope, out, token, now)
        report.mails += 1
    return report
